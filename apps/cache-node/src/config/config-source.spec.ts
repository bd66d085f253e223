import { describe, it, expect } from '@jest/globals';
import {
  BootConfigError,
  formatHelp,
  loadNodeConfig,
  resolvePorts,
  splitConfigLine,
} from './config-source.js';

const files = (map: Record<string, string>) => (path: string): string => {
  if (!(path in map)) throw new Error('ENOENT: no such file');
  return map[path];
};

function bootError(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(BootConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a BootConfigError');
}

describe('loadNodeConfig', () => {
  it('starts from the defaults', () => {
    const { store, help } = loadNodeConfig([], {});
    expect(help).toBe(false);
    expect(store.get('port')).toBe('6379');
    expect(store.get('maxmemory-policy')).toBe('noeviction');
    expect(store.getNumber('maxmemory')).toBe(0);
  });

  it('reads flags as --name value and --name=value, memory units included', () => {
    const { store } = loadNodeConfig(['--maxmemory', '100mb', '--maxmemory-policy=allkeys-lru', '--port', '7000'], {});
    expect(store.getNumber('maxmemory')).toBe(100 * 1024 * 1024);
    expect(store.get('maxmemory-policy')).toBe('allkeys-lru');
    expect(store.getNumber('port')).toBe(7000);
  });

  it('applies file < env < flags', () => {
    const read = files({ 'node.conf': 'port 7001\nmaxmemory 1mb\nmaxmemory-policy allkeys-lfu\nmaxmemory-samples 7\n' });
    const env = { RINGCACHE_PORT: '7002', RINGCACHE_MAXMEMORY_POLICY: 'volatile-ttl' };
    const { store, configFile } = loadNodeConfig(['--config', 'node.conf', '--port', '7003'], env, read);
    expect(configFile).toBe('node.conf');
    expect(store.get('port')).toBe('7003'); // flag beats env and file
    expect(store.get('maxmemory-policy')).toBe('volatile-ttl'); // env beats file
    expect(store.get('maxmemory-samples')).toBe('7'); // file beats default
    expect(store.getNumber('maxmemory')).toBe(1024 * 1024);
  });

  it('ignores unrelated and unknown RINGCACHE_ variables', () => {
    const { store } = loadNodeConfig([], { RINGCACHE_NOT_A_SETTING: 'x', PORT: '1' });
    expect(store.get('port')).toBe('6379');
  });

  it('names setting, value and source of a bad flag', () => {
    expect(bootError(() => loadNodeConfig(['--maxmemory', '12 apples'], {}))).toBe(
      'ringcache: invalid value for maxmemory ("12 apples") from --maxmemory: argument must be a memory value',
    );
  });

  it('names the env variable of a bad env value', () => {
    expect(bootError(() => loadNodeConfig([], { RINGCACHE_MAXMEMORY_POLICY: 'lru' }))).toMatch(
      /^ringcache: invalid value for maxmemory-policy \("lru"\) from env RINGCACHE_MAXMEMORY_POLICY: argument\(s\) must be one of/,
    );
  });

  it('names file and line of a bad file value', () => {
    const read = files({ 'a.conf': '# comment\n\nport 99999\n' });
    expect(bootError(() => loadNodeConfig(['--config', 'a.conf'], {}, read))).toBe(
      'ringcache: invalid value for port ("99999") from a.conf:3: argument must be between 0 and 65535 inclusive',
    );
  });

  it('rejects unknown flags, unknown file directives, missing values and stray arguments', () => {
    expect(bootError(() => loadNodeConfig(['--max-memory', '1'], {}))).toMatch(/unknown setting --max-memory/);
    expect(bootError(() => loadNodeConfig(['--port'], {}))).toMatch(/missing value for --port/);
    expect(bootError(() => loadNodeConfig(['6379'], {}))).toMatch(/unexpected argument "6379"/);
    const read = files({ 'b.conf': 'portt 1\n' });
    expect(bootError(() => loadNodeConfig(['--config', 'b.conf'], {}, read))).toMatch(/b\.conf:1: unknown setting "portt"/);
    expect(bootError(() => loadNodeConfig(['--config', 'missing.conf'], {}, read))).toMatch(/cannot read config file missing\.conf/);
  });

  it('reads quoted and multi-value file lines as Redis does', () => {
    const read = files({ 'c.conf': 'requirepass "p w\\x21"\nsave ""\nclient-output-buffer-limit normal 1mb  0 0\nbind \'0.0.0.0\'\n' });
    const { store } = loadNodeConfig(['--config', 'c.conf'], {}, read);
    expect(store.get('requirepass')).toBe('p w!');
    expect(store.get('save')).toBe('');
    expect(store.get('client-output-buffer-limit')).toBe('normal 1mb 0 0');
    expect(store.get('bind')).toBe('0.0.0.0');
  });

  it('reports unbalanced quotes with file and line', () => {
    const read = files({ 'd.conf': 'requirepass "unterminated\n' });
    expect(bootError(() => loadNodeConfig(['--config', 'd.conf'], {}, read))).toMatch(/d\.conf:1: unbalanced quotes/);
  });

  it('stops at --help without applying anything', () => {
    const { help } = loadNodeConfig(['--maxmemory', 'bad', '--help'], {});
    expect(help).toBe(true);
    expect(formatHelp()).toMatch(/--maxmemory-policy\s+What to do/);
  });

  it('derives the TCP and HTTP ports from the RESP port and rejects collisions', () => {
    expect(resolvePorts(loadNodeConfig(['--port', '7000'], {}).store)).toEqual({ resp: 7000, tcp: 8000, http: 9000, bus: -1 });
    expect(resolvePorts(loadNodeConfig(['--port', '0'], {}).store)).toEqual({ resp: 0, tcp: 0, http: 0, bus: -1 });
    expect(resolvePorts(loadNodeConfig(['--port', '7000', '--cluster-enabled', 'yes'], {}).store).bus).toBe(17000);
    expect(resolvePorts(loadNodeConfig(['--port', '7000', '--cluster-enabled', 'yes', '--cluster-port', '7777'], {}).store).bus).toBe(7777);
    expect(bootError(() => loadNodeConfig(['--port', '0', '--cluster-enabled', 'yes'], {}))).toMatch(/cluster mode needs a RESP port/);
    expect(bootError(() => loadNodeConfig(['--port', '60000', '--cluster-enabled', 'yes'], {}))).toMatch(/cluster-port would be 70000/);
    expect(bootError(() => loadNodeConfig(['--seeds', '127.0.0.1:1,nohost'], {}))).toMatch(/seed "nohost" is not host:port/);
    expect(resolvePorts(loadNodeConfig(['--tcp-enabled', 'no'], {}).store).tcp).toBe(-1);
    expect(bootError(() => loadNodeConfig(['--port', '7000', '--http-port', '7000'], {}))).toMatch(/port and http-port are both 7000/);
    expect(bootError(() => loadNodeConfig(['--port', '65000'], {}))).toMatch(/tcp-port would be 66000/);
  });
});

describe('splitConfigLine', () => {
  it('splits like sdssplitargs', () => {
    expect(splitConfigLine('  a  b\tc ')).toEqual(['a', 'b', 'c']);
    expect(splitConfigLine('x "a b\\n" \'c\\\'d\'')).toEqual(['x', 'a b\n', "c'd"]);
    expect(splitConfigLine('x ""')).toEqual(['x', '']);
    expect(splitConfigLine('x "a"b')).toBeUndefined();
    expect(splitConfigLine('x "ab')).toBeUndefined();
  });
});
