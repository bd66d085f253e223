import { describe, expect, it } from '@jest/globals';
import { AdminConfigError, loadAdminConfig } from './admin-config.js';

describe('loadAdminConfig', () => {
  it('reads env then flags, with --nodes and --ping-timeout-ms as aliases', () => {
    const cfg = loadAdminConfig(['--port=9000', '--nodes', 'c:3'], { RINGCACHE_ADMIN_SEEDS: 'a:1, b:2', RINGCACHE_ADMIN_PORT: '1', RINGCACHE_ADMIN_TOKEN: 't' });
    expect(cfg).toMatchObject({ seeds: [{ host: 'c', port: 3 }], port: 9000, adminToken: 't', timeoutMs: 1000, bind: '127.0.0.1' });
    expect(loadAdminConfig([], { RINGCACHE_ADMIN_SEEDS: 'a:1, b:2' }).seeds).toEqual([{ host: 'a', port: 1 }, { host: 'b', port: 2 }]);
    expect(loadAdminConfig(['--ping-timeout-ms', '50', '--admin-token', 'x'], {})).toMatchObject({ timeoutMs: 50, adminToken: 'x' });
    expect(loadAdminConfig([], {}).adminToken).toBe('');
  });

  it('rejects bad values with their source', () => {
    expect(() => loadAdminConfig(['--seeds', 'nohost'], {})).toThrow(AdminConfigError);
    expect(() => loadAdminConfig(['--seeds', 'h:1x'], {})).toThrow(/invalid node address "h:1x" from --seeds/);
    expect(() => loadAdminConfig(['--seeds', ' , '], {})).toThrow(/no seed address/);
    expect(() => loadAdminConfig([], { RINGCACHE_ADMIN_PORT: 'x' })).toThrow(/from env RINGCACHE_ADMIN_PORT/);
    expect(() => loadAdminConfig(['--timeout-ms', '0'], {})).toThrow(/between 1 and 60000/);
    expect(() => loadAdminConfig(['--what', '1'], {})).toThrow(/unknown argument/);
    expect(() => loadAdminConfig(['--seeds'], {})).toThrow(/missing value for --seeds/);
  });
});
