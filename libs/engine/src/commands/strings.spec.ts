import { describe, expect, it } from '@jest/globals';
import { makeContext, replay, run, type Step } from './test-kit.js';

// Scripted sessions whose replies were recorded from redis-server 7.0.15 (FLUSHALL before each).

function check(steps: Step[]): void {
  expect(replay(makeContext(), steps)).toEqual(steps);
}

describe('GET and SET', () => {
  it('stores and reads strings, binary-safe', () =>
    check([
      [['get', 'a'], null],
      [['set', 'a', '1'], '+OK'],
      [['get', 'a'], '1'],
      [['set', 'bin', '\x00\xff\x0d\x0a'], '+OK'],
      [['get', 'bin'], '\x00\xff\x0d\x0a'],
      [['set', '', 'empty-key'], '+OK'],
      [['get', ''], 'empty-key'],
      [['set', 'e', ''], '+OK'],
      [['get', 'e'], ''],
    ]));

  it('NX and XX', () =>
    check([
      [['set', 'a', '1'], '+OK'],
      [['set', 'a', '2', 'nx'], null],
      [['set', 'a', '3', 'xx'], '+OK'],
      [['get', 'a'], '3'],
      [['set', 'b', '1', 'xx'], null],
      [['get', 'b'], null],
      [['set', 'b', '1', 'NX'], '+OK'],
      [['get', 'b'], '1'],
      [['set', 'b', '1', 'nx', 'xx'], '-ERR syntax error'],
      [['set', 'b', '1', 'xx', 'nx'], '-ERR syntax error'],
      [['set', 'b', '1', 'nx', 'nx'], null],
    ]));

  it('refuses conflicting and malformed options', () =>
    check([
      [['set', 'a', '1', 'ex', '10', 'px', '100'], '-ERR syntax error'],
      [['set', 'a', '1', 'ex'], '-ERR syntax error'],
      [['set', 'a', '1', 'px'], '-ERR syntax error'],
      [['set', 'a', '1', 'keepttl', 'ex', '10'], '-ERR syntax error'],
      [['set', 'a', '1', 'ex', '10', 'keepttl'], '-ERR syntax error'],
      [['set', 'a', '1', 'exat', '10', 'pxat', '10'], '-ERR syntax error'],
      [['set', 'a', '1', 'foo'], '-ERR syntax error'],
      [['set', 'a', '1', 'persist'], '-ERR syntax error'],
      [['set', 'a', '1', 'ex', '10', 'ex', '20'], '+OK'],
      [['ttl', 'a'], 20],
    ]));

  it('checks expire times as Redis does', () =>
    check([
      [['set', 'a', '1', 'ex', '0'], '-ERR invalid expire time in \'set\' command'],
      [['set', 'a', '1', 'ex', '-1'], '-ERR invalid expire time in \'set\' command'],
      [['set', 'a', '1', 'px', '0'], '-ERR invalid expire time in \'set\' command'],
      [['set', 'a', '1', 'exat', '0'], '-ERR invalid expire time in \'set\' command'],
      [['set', 'a', '1', 'pxat', '-5'], '-ERR invalid expire time in \'set\' command'],
      [['set', 'a', '1', 'ex', 'abc'], '-ERR value is not an integer or out of range'],
      [['set', 'a', '1', 'ex', '1.5'], '-ERR value is not an integer or out of range'],
      [['set', 'a', '1', 'ex', '01'], '-ERR value is not an integer or out of range'],
      [['set', 'a', '1', 'ex', '+1'], '-ERR value is not an integer or out of range'],
      [['set', 'a', '1', 'ex', '9223372036854775'], '-ERR invalid expire time in \'set\' command'],
      [['set', 'a', '1', 'ex', '9223372036854776'], '-ERR invalid expire time in \'set\' command'],
      [['set', 'a', '1', 'ex', '99999999999999999999'], '-ERR value is not an integer or out of range'],
      [['set', 'a', '1', 'px', '9223372036854775807'], '-ERR invalid expire time in \'set\' command'],
      [['set', 'a', '1', 'pxat', '9223372036854775807'], '+OK'],
      [['pexpiretime', 'a'], 9223372036854775807],
      [['set', 'a', '1', 'exat', '9223372036854775'], '+OK'],
      [['set', 'a', '1', 'exat', '9223372036854776'], '-ERR invalid expire time in \'set\' command'],
    ]));

  it('KEEPTTL keeps the TTL, a plain SET clears it', () =>
    check([
      [['set', 'a', 'v', 'ex', '100'], '+OK'],
      [['set', 'a', 'w', 'keepttl'], '+OK'],
      [['ttl', 'a'], 100],
      [['set', 'a', 'x'], '+OK'],
      [['ttl', 'a'], -1],
      [['set', 'a', 'y', 'px', '100000'], '+OK'],
      [['ttl', 'a'], 100],
    ]));

  it('GET returns the old value, also with NX and XX', () =>
    check([
      [['set', 'a', '1', 'get'], null],
      [['set', 'a', '2', 'get'], '1'],
      [['get', 'a'], '2'],
      [['set', 'a', '3', 'nx', 'get'], '2'],
      [['get', 'a'], '2'],
      [['set', 'c', '1', 'nx', 'get'], null],
      [['get', 'c'], '1'],
      [['set', 'c', '2', 'xx', 'get'], '1'],
      [['get', 'c'], '2'],
      [['set', 'd', '2', 'xx', 'get'], null],
      [['exists', 'd'], 0],
    ]));

  it('WRONGTYPE on other types, SET overwrites them', () =>
    check([
      [['lpush', 'l', 'x'], 1],
      [['get', 'l'], '-WRONGTYPE Operation against a key holding the wrong kind of value'],
      [['set', 'l', '1', 'get'], '-WRONGTYPE Operation against a key holding the wrong kind of value'],
      [['type', 'l'], '+list'],
      [['set', 'l', '1', 'nx'], null],
      [['set', 'l', '1'], '+OK'],
      [['get', 'l'], '1'],
    ]));

});

describe('SETNX SETEX PSETEX', () => {
  it('SETNX replies 1 or 0', () =>
    check([
      [['setnx', 'a', '1'], 1],
      [['setnx', 'a', '2'], 0],
      [['get', 'a'], '1'],
      [['lpush', 'l', 'x'], 1],
      [['setnx', 'l', '1'], 0],
    ]));

  it('SETEX and PSETEX set a TTL and check it', () =>
    check([
      [['setex', 'a', '10', 'v'], '+OK'],
      [['ttl', 'a'], 10],
      [['get', 'a'], 'v'],
      [['setex', 'a', '0', 'v'], '-ERR invalid expire time in \'setex\' command'],
      [['setex', 'a', '-5', 'v'], '-ERR invalid expire time in \'setex\' command'],
      [['setex', 'a', 'x', 'v'], '-ERR value is not an integer or out of range'],
      [['psetex', 'a', '1500', 'v'], '+OK'],
      [['ttl', 'a'], 2],
      [['psetex', 'a', '0', 'v'], '-ERR invalid expire time in \'psetex\' command'],
      [['setex', 'a', '9223372036854776', 'v'], '-ERR invalid expire time in \'setex\' command'],
      [['psetex', 'a', '9223372036854775807', 'v'], '-ERR invalid expire time in \'psetex\' command'],
    ]));

});

describe('GETSET GETDEL GETEX', () => {
  it('GETSET returns the old value and clears the TTL', () =>
    check([
      [['getset', 'a', '1'], null],
      [['getset', 'a', '2'], '1'],
      [['get', 'a'], '2'],
      [['set', 'e', '1', 'ex', '100'], '+OK'],
      [['getset', 'e', '2'], '1'],
      [['ttl', 'e'], -1],
      [['lpush', 'l', 'x'], 1],
      [['getset', 'l', '1'], '-WRONGTYPE Operation against a key holding the wrong kind of value'],
      [['type', 'l'], '+list'],
    ]));

  it('GETDEL', () =>
    check([
      [['set', 'a', '1'], '+OK'],
      [['getdel', 'a'], '1'],
      [['getdel', 'a'], null],
      [['exists', 'a'], 0],
      [['lpush', 'l', 'x'], 1],
      [['getdel', 'l'], '-WRONGTYPE Operation against a key holding the wrong kind of value'],
      [['exists', 'l'], 1],
    ]));

  it('GETEX options', () =>
    check([
      [['set', 'a', 'v'], '+OK'],
      [['getex', 'a'], 'v'],
      [['getex', 'a', 'ex', '100'], 'v'],
      [['ttl', 'a'], 100],
      [['getex', 'a', 'persist'], 'v'],
      [['ttl', 'a'], -1],
      [['getex', 'a', 'px', '5000'], 'v'],
      [['ttl', 'a'], 5],
      [['getex', 'a', 'exat', '4000000000'], 'v'],
      [['expiretime', 'a'], 4000000000],
      [['getex', 'a', 'pxat', '4000000000000'], 'v'],
      [['pexpiretime', 'a'], 4000000000000],
      [['getex', 'a', 'ex', '10', 'persist'], '-ERR syntax error'],
      [['getex', 'a', 'persist', 'ex', '10'], '-ERR syntax error'],
      [['getex', 'a', 'keepttl'], '-ERR syntax error'],
      [['getex', 'a', 'nx'], '-ERR syntax error'],
      [['getex', 'a', 'get'], '-ERR syntax error'],
      [['getex', 'a', 'ex'], '-ERR syntax error'],
      [['getex', 'a', 'ex', '0'], '-ERR invalid expire time in \'getex\' command'],
      [['getex', 'a', 'ex', 'x'], '-ERR value is not an integer or out of range'],
      [['getex', 'a', 'ex', '9223372036854776'], '-ERR invalid expire time in \'getex\' command'],
    ]));

  it('GETEX looks the key up before checking the time; a past EXAT deletes', () =>
    check([
      [['getex', 'nokey', 'ex', '0'], null],
      [['getex', 'nokey', 'ex', 'x'], null],
      [['getex', 'nokey', 'foo'], '-ERR syntax error'],
      [['set', 'a', 'v'], '+OK'],
      [['getex', 'a', 'exat', '1'], 'v'],
      [['exists', 'a'], 0],
      [['set', 'a', 'v'], '+OK'],
      [['getex', 'a', 'pxat', '1'], 'v'],
      [['exists', 'a'], 0],
      [['lpush', 'l', 'x'], 1],
      [['getex', 'l'], '-WRONGTYPE Operation against a key holding the wrong kind of value'],
      [['getex', 'l', 'ex', '0'], '-WRONGTYPE Operation against a key holding the wrong kind of value'],
    ]));

});

describe('MGET MSET MSETNX', () => {
  it('multi-key reads and writes', () =>
    check([
      [['mset', 'a', '1', 'b', '2'], '+OK'],
      [['mget', 'a', 'b', 'c'], ['1', '2', null]],
      [['mset', 'a', '1', 'b'], '-ERR wrong number of arguments for \'mset\' command'],
      [['msetnx', 'a', '1', 'x', '2'], 0],
      [['exists', 'x'], 0],
      [['msetnx', 'x', '1', 'y', '2'], 1],
      [['mget', 'x', 'y'], ['1', '2']],
      [['msetnx', 'x', '1', 'y'], '-ERR wrong number of arguments for \'msetnx\' command'],
      [['lpush', 'l', 'x'], 1],
      [['mget', 'a', 'l'], ['1', null]],
      [['set', 't', '1', 'ex', '100'], '+OK'],
      [['mset', 't', '2'], '+OK'],
      [['ttl', 't'], -1],
      [['mset', 'l', '1'], '+OK'],
      [['get', 'l'], '1'],
    ]));

});

describe('APPEND and STRLEN', () => {
  it('appends, keeps the TTL, counts bytes', () =>
    check([
      [['append', 'a', 'hello'], 5],
      [['append', 'a', 'world'], 10],
      [['get', 'a'], 'helloworld'],
      [['strlen', 'a'], 10],
      [['strlen', 'no'], 0],
      [['append', 'a', '\x00\xff'], 12],
      [['strlen', 'a'], 12],
      [['lpush', 'l', 'x'], 1],
      [['append', 'l', 'x'], '-WRONGTYPE Operation against a key holding the wrong kind of value'],
      [['strlen', 'l'], '-WRONGTYPE Operation against a key holding the wrong kind of value'],
      [['set', 'e', 'x', 'ex', '100'], '+OK'],
      [['append', 'e', 'y'], 2],
      [['ttl', 'e'], 100],
      [['append', 'n', '12'], 2],
      [['append', 'n', '34'], 4],
      [['incr', 'n'], 1235],
    ]));

});

describe('GETRANGE', () => {
  it('indexes as Redis, negative and out of range', () =>
    check([
      [['set', 's', 'Hello_World'], '+OK'],
      [['getrange', 's', '0', '4'], 'Hello'],
      [['getrange', 's', '-5', '-1'], 'World'],
      [['getrange', 's', '5', '2'], ''],
      [['getrange', 's', '-1', '-5'], ''],
      [['getrange', 's', '0', '100'], 'Hello_World'],
      [['getrange', 's', '100', '200'], ''],
      [['getrange', 's', '-100', '-50'], 'H'],
      [['getrange', 's', '-100', '2'], 'Hel'],
      [['getrange', 's', '0', '-100'], 'H'],
      [['getrange', 's', '-1', '-1'], 'd'],
      [['getrange', 'nokey', '0', '1'], ''],
      [['getrange', 's', 'a', '1'], '-ERR value is not an integer or out of range'],
      [['getrange', 's', '0', 'b'], '-ERR value is not an integer or out of range'],
      [['getrange', 's', '0', '9223372036854775807'], 'Hello_World'],
      [['getrange', 's', '-9223372036854775808', '3'], 'Hell'],
      [['getrange', 's', '0', '9223372036854775808'], '-ERR value is not an integer or out of range'],
      [['set', 'z', '1'], '+OK'],
      [['getrange', 'z', '0', '-1'], '1'],
      [['lpush', 'l', 'x'], 1],
      [['getrange', 'l', '0', '1'], '-WRONGTYPE Operation against a key holding the wrong kind of value'],
      [['getrange', 'l', 'x', '1'], '-ERR value is not an integer or out of range'],
    ]));

});

describe('SETRANGE', () => {
  it('pads with zero bytes, keeps the TTL, checks offsets', () =>
    check([
      [['setrange', 'a', '5', 'hi'], 7],
      [['get', 'a'], '\x00\x00\x00\x00\x00hi'],
      [['setrange', 'a', '0', 'HE'], 7],
      [['get', 'a'], 'HE\x00\x00\x00hi'],
      [['setrange', 'a', '1', ''], 7],
      [['setrange', 'b', '3', ''], 0],
      [['exists', 'b'], 0],
      [['setrange', 'a', '-1', 'x'], '-ERR offset is out of range'],
      [['setrange', 'a', 'x', 'x'], '-ERR value is not an integer or out of range'],
      [['setrange', 'a', '536870912', 'x'], '-ERR string exceeds maximum allowed size (proto-max-bulk-len)'],
      [['setrange', 'a', '536870911', ''], 7],
      [['setrange', 'nokey', '536870912', ''], 0],
      [['setrange', 'a', '536870912', ''], 7],
      [['setrange', 'a', '10', 'tail'], 14],
      [['get', 'a'], 'HE\x00\x00\x00hi\x00\x00\x00tail'],
      [['setrange', 'a', '2', 'XYZ'], 14],
      [['get', 'a'], 'HEXYZhi\x00\x00\x00tail'],
      [['lpush', 'l', 'x'], 1],
      [['setrange', 'l', '0', 'x'], '-WRONGTYPE Operation against a key holding the wrong kind of value'],
      [['setrange', 'l', '0', ''], '-WRONGTYPE Operation against a key holding the wrong kind of value'],
      [['setrange', 'l', '-1', 'x'], '-ERR offset is out of range'],
      [['set', 'e', 'abc', 'ex', '100'], '+OK'],
      [['setrange', 'e', '1', 'x'], 3],
      [['ttl', 'e'], 100],
      [['get', 'e'], 'axc'],
    ]));

});

describe('INCR and DECR', () => {
  it('counts, refuses non-integers', () =>
    check([
      [['incr', 'a'], 1],
      [['incr', 'a'], 2],
      [['incrby', 'a', '10'], 12],
      [['decr', 'a'], 11],
      [['decrby', 'a', '5'], 6],
      [['incrby', 'a', '-3'], 3],
      [['decrby', 'a', '-3'], 6],
      [['incrby', 'a', 'x'], '-ERR value is not an integer or out of range'],
      [['incrby', 'a', '1.5'], '-ERR value is not an integer or out of range'],
      [['incrby', 'a', ' 1'], '-ERR value is not an integer or out of range'],
      [['set', 'f', '1.5'], '+OK'],
      [['incr', 'f'], '-ERR value is not an integer or out of range'],
      [['set', 'sp', ' 1'], '+OK'],
      [['incr', 'sp'], '-ERR value is not an integer or out of range'],
      [['set', 'lz', '01'], '+OK'],
      [['incr', 'lz'], '-ERR value is not an integer or out of range'],
      [['set', 'mz', '-0'], '+OK'],
      [['incr', 'mz'], '-ERR value is not an integer or out of range'],
      [['set', 'pl', '+1'], '+OK'],
      [['incr', 'pl'], '-ERR value is not an integer or out of range'],
      [['set', 'e', ''], '+OK'],
      [['incr', 'e'], '-ERR value is not an integer or out of range'],
      [['lpush', 'l', 'x'], 1],
      [['incr', 'l'], '-WRONGTYPE Operation against a key holding the wrong kind of value'],
      [['incrby', 'l', 'x'], '-ERR value is not an integer or out of range'],
      [['set', 't', '5', 'ex', '100'], '+OK'],
      [['incr', 't'], 6],
      [['ttl', 't'], 100],
    ]));

  it('int64 limits and overflow', () =>
    check([
      [['set', 'big', '9223372036854775806'], '+OK'],
      [['incr', 'big'], 9223372036854775807n],
      [['incr', 'big'], '-ERR increment or decrement would overflow'],
      [['get', 'big'], '9223372036854775807'],
      [['set', 'neg', '-9223372036854775807'], '+OK'],
      [['decr', 'neg'], -9223372036854775808n],
      [['decr', 'neg'], '-ERR increment or decrement would overflow'],
      [['get', 'neg'], '-9223372036854775808'],
      [['decrby', 'neg', '-9223372036854775808'], '-ERR decrement would overflow'],
      [['decrby', 'x', '9223372036854775807'], -9223372036854775807n],
      [['decrby', 'x', '2'], '-ERR increment or decrement would overflow'],
      [['incrby', 'z', '9223372036854775808'], '-ERR value is not an integer or out of range'],
      [['incrby', 'z', '-9223372036854775808'], -9223372036854775808n],
      [['incrby', 'z', '-1'], '-ERR increment or decrement would overflow'],
      [['incrby', 'q', '9007199254740993'], 9007199254740993n],
      [['get', 'q'], '9007199254740993'],
      [['incrby', 'q', '1'], 9007199254740994n],
      [['get', 'q'], '9007199254740994'],
      [['set', 'huge', '9223372036854775808'], '+OK'],
      [['incr', 'huge'], '-ERR value is not an integer or out of range'],
      [['incrby', 'w', '12345678901234567'], 12345678901234567n],
      [['incrby', 'w', '-12345678901234567'], 0],
      [['get', 'w'], '0'],
    ]));

});

describe('INCRBYFLOAT', () => {
  it('formats as Redis (long double, %.17Lf, trailing zeros trimmed)', () =>
    check([
      [['incrbyfloat', 'a', '0.1'], '0.1'],
      [['incrbyfloat', 'a', '0.1'], '0.2'],
      [['incrbyfloat', 'a', '0.1'], '0.3'],
      [['set', 'f', '10.50'], '+OK'],
      [['incrbyfloat', 'f', '0.1'], '10.6'],
      [['set', 'g', '3.0e3'], '+OK'],
      [['incrbyfloat', 'g', '0'], '3000'],
      [['incrbyfloat', 'h', '5.0e3'], '5000'],
      [['incrbyfloat', 'h', '-5000'], '0'],
      [['incrbyfloat', 'i', '1.23456789012345678901'], '1.23456789012345679'],
      [['incrbyfloat', 'j', '-0.1'], '-0.1'],
      [['incrbyfloat', 'j', '0x1p3'], '7.9'],
      [['incrbyfloat', 'k', '.5'], '0.5'],
      [['incrbyfloat', 'k2', '5.'], '5'],
      [['incrbyfloat', 'k3', '+1'], '1'],
      [['incrbyfloat', 'k4', '-0'], '0'],
      [['incrbyfloat', 'p', '0.000003814697265625'], '0.00000381469726562'],
      [['incrbyfloat', 'p2', '-0.000011444091796875'], '-0.00001144409179688'],
      [['incrbyfloat', 't', '123456789012345678'], '123456789012345678'],
      [['incrbyfloat', 't2', '0.3'], '0.3'],
      [['incrbyfloat', 't2', '-0.1'], '0.2'],
      [['incrbyfloat', 'u', '1.5e-7'], '0.00000015'],
      [['incrbyfloat', 'v', '1e19'], '10000000000000000000'],
      [['incrbyfloat', 'w', '0X1.8P1'], '3'],
      [['incrbyfloat', 'x', '3.14159265358979323846264338327950288'], '3.14159265358979324'],
      [['incrbyfloat', 'y', '1e-400'], '0'],
      [['get', 'y'], '0'],
      [['incrbyfloat', 'g2', '1e300'], '1000000000000000000008997324079559193870523944273290747938260082321265646596180935755849152083750497190350372508614274835903592556184672983913096260520748646287327135641843653294084255107606016789726652932370030551382947620994540294772781889620606179267611627097410650567187386105690089424915104006144'],
      [['strlen', 'g2'], 301],
    ]));

  it('long double range: beyond a double, within a long double', () =>
    check([
      [['incrbyfloat', 'n', '1.7976931348623157e308'], '179769313486231569995921046774104434048386446944329178485314420765176628523124396354701868608387085564428793419425520689308708363451136055357897278026477617073498977686288394835618163294045594434929537447290627480669417384648879122776218333598953852832103282504751611691208117720159985926376802466863339536384'],
      [['incrbyfloat', 'n', '1.7976931348623157e308'], '359538626972463139991842093548208868096772893888658356970628841530353257046248792709403737216774171128857586838851041378617416726902272110715794556052955234146997955372576789671236326588091188869859074894581254961338834769297758245552436667197907705664206565009503223382416235440319971852753604933726679072768'],
      [['strlen', 'n'], 309],
      [['incrbyfloat', 'm', '1e4000'], '9999999999999999999965463873099623784932492583506957631301508333043261943306342355481821641865509279862764452073123673540217602217367592344172125881950527999961428582434354754501870958214290741301143014670445026260849443456275333742340822559146220440774502699147116818307775566773571206492036312963397368761826079538161612036724681027980418945071857333802019573184376407974737742100582963439581302474746605828071068162266095350249109360981931695942123253872362355720717867859931997116967823535175344886417435948827492668424224514931596965124928426557313007272003654181606637829648718026332623445964659599411688673612401217012598120557489288735334437118479345590827013160426634334036145971611294094499267930097645158316924242084444005046275789316854264698962537519604804648202558831813320199082274810678546966662106272497006996186529202046612197927965030663016053612055682060855170989021069998476304668166868798327849305544516958630545705436267868123963090419840720786295093297923233166989307185493468005963513556052273926524815064535863034951177115665985606171666708242756198962303861871354719181381961379671761938984704505073921618907144272449828915839083978037993280452559586965504199368256134650271468844247174823646278663567437132739306516943311285144568895817811521270234335023202809923439313537168685792314272771667847310402459453149183490692769538329516243242927105447175974956565949859259880257266623432431660986751258600816348320837727852352371818896648343700947852991058969433541705132345122524048434688325138322933085183721655672137865396358471035067214167360617119527605272354771447437560932908789355181041081978971762346557568230767574027302293460544968752081768656824879994376355163920300385095919688678670907760987187661793434717175760350651419537956103182910121364884637262102263204295329279620360536203761315194554053188934218409316246410738656203852138992492444404026342210499619140876855921277988778676947892152806854950785068014727125536739702656962611964401436187934885803420611286745134838665415365691409110464038694668899344879845822942763373039719688602810444439928037135468898274565353630059446256169978689065593420848456038274366567225299549352683650770160551908116011723880315176381390821744087191159014840466408422036463264182928434780181167746977398743042449413105215463884123801578726746967721334558724520471115335862516435283282393832140500259762370795907195418122260308331006030210104962511689458912869480521025430134047382228141350554394390210188326863538753083190329578149617392735325345607293804019789613107204439729055324106921126322671020066709317012835936925695594694910121291991133040352454029415895421330627924576068200470892536792435143079137382774440346196002593999683669353176553680054317921648423581639781664231716459539510456753265337998256664529200852939049468855419289097785303294946449752258791882954794558753338748235175173730073178466259683916437044889075282877916869627991289792183586849679291189074136405526988632104737613205959150473631599616592564842952439858033179702368199753306698362201401506479407699236396521519654661597132309737381973903141889548031713181771968965861360007055846791276712592611475612847974647898601585527666227738929689128212619681144409905588974943980927948431950098268346459649230305689978542029932792436486452896735925004194782587516473457624352639480090109507295735020460456725638145957022317397784209033998721254961060890916634094880983552750508881669349308347772834504388303087113341878104141612215788330206835981183895501665502020020640589210848902416003156361626873160836225566347750269512599746786860171326806831029087653660341164708808802454022881699049392139574016756146192644415820839590797897050551922334947406004738872332042844089285302334417905996381190171610168845316435533461235902086067935935005063001450522174581772443096538389199989128731679326545348278957788061762018807017602515186853205589875909910708079333605047010115738478105476750550150020629864357825543441956972190272729951206648276349901340672'],
      [['strlen', 'm'], 4000],
      [['incrbyfloat', 'm2', '1e5000'], '-ERR value is not a valid float'],
      [['incrbyfloat', 'm3', '1e-4940'], '0'],
      [['incrbyfloat', 'm4', '1e-5000'], '-ERR value is not a valid float'],
      [['incrbyfloat', 'm5', '-1e4932'], '-1000000000000000000006018949387963891323837774254533114773785041352533019486608722407533327779433142773666525563666277682061860906440460336623416164931097542108653623739947237824273607755646282077337746770628281083461244709457643633409272844851420914666765408339856497738306756454137037618440476182982865954054046320908299555942321302503320602080070208203623921079151881460203745014774931620490030394998719312614654064081373493248877120892455186383753439197870978041502797716880193955403107721911638646256939484197293128160329482360996995779489224859264034146949087194820794222433687849284561987230134006305414553626323614864479565079390052761980633463640128979696615362545507608303960553830866145592644372289102918602696741767741297153998359263135897985849697638678310586803720024647593066044070323761747439375151949994191528876172274034561238465689530914002496208547488452249219821049217690359246594326188537200846025476936856707726986425804304053688317572380292690880454677852210458790733177421098965346383845533016192965653377533421097553773202105452559589360227732550843545717469715211293029277100649951579279463212875228768700827274629951331584994203243708412190948315614798641721054158397351395747758548328754270534225721361640356227816080094892433366902417454242382629232277544026609640255325557814321580325340352330660617642326696140257239552549121071985189443846777623334881929189773707008403466595204838733621633273383631944856989484138444978386656058755310848833689791896484998847550364264104800800578245511762594691161545730891319744107953897993101008217601269310629890308357893793344340072837782716410520818640099771094401772024731084835860689936533035726854175396195351768096519310944631445923638053214575993378468775292865871435742249777979822775014324475845899615096380079899099538453121043851821349178371736640702645304284254885437611441690360616466368202194307769462209963387690446576691969551571041941288302648912827345194286271122230347823246073498285153708579500062656222714954113329293953346495615947784091175883554988117167387650681525781361864450364992605079129770604793291076559668041153558254765774288831330658676910296506538343982699076824147706077401185501337053676875440863113630172067902223837838525802181406003942606507609826320015193807633035586661539150425605940691768637845815434184585255915074081317250319572700370579877977177644345205933505850374212779064837146242765034714569464306865784829936445754893825213995710137567750342556762329137973387913047300554841737506800154984198686923965286147079273203561004647365286049876790788288301130050437207489067798842078443360167772245834103629301041345252122743437501935254370757049878526838283810705343010153283985958550741661374001212323172562230037290597675029278865489570268803618001520280748588481858632332145422181524500970533738858652881625738158955840469334830106366243262210429210258173978186522208306814207038831590332622155464159216193005478809313772661406449321989529908990407599717265354887081027622412165764793106246309910984757869627982700885055259900973567128498437782671492610351088858271463387495833021819318548705558606395846070390500323204636339383655528123657438115225035433947543876805317781492691295772410403746456774175666884503175504415270824258750305653788473882671038340481278188648013647450190431469737277008003041204693859153544058059108384516541261521127088116402349679151317227395183628490922161336429757386698401928682323657056924758648793848799822907606679071280964393541325129231682456669123450140879120137931548652537601508656209183486928384515842973760163601756230697826779237275078471824258664382133759876151537532598429521999758431018087001817485300919479583171049967781322202936864648780744025361452947117776701129210049872555316467204668470989130203733391349501708713181244068921199587314823974568234174792429139799088587794666528769986602820375968045445209219875596678877912103336949894142378173648692130854177898020194629670311101994938157038765957014792056173739623614871557317714453597336202068774935086409386414223375141765601758268418764114651053088281009248246110195084364468926837572992870110411414878770616397817334529367403238061699632089293543118185299881280463481800696201966723511922556078483839325067415562633057448408746541808590342228476964416681055875561781810005936328191844815915658719683522845979901018335050006246392027657149580332319739660376707180429166280658258434773362764563277134220525779869893832824866422909928484939374964071386248088592408142723646533801882861736205992781965360090000802821408763787641023437653119263757280212773694655213507075717622521160227187157631635583682130089364682543007292042009976150135189415923413244100006421082817394988300265734422677548100741829682842668334472314928702968616204691717366798642916146473018363370523427203416579250811577900985980957404830019403600361860520985937973506956557739754741783354728589350876379371163141086538418113791886622720'],
      [['incrbyfloat', 'm5', '-1e4932'], '-ERR increment would produce NaN or Infinity'],
    ]));

  it('errors: not a float, NaN or infinity, WRONGTYPE; keeps the TTL', () =>
    check([
      [['incrbyfloat', 'k', 'inf'], '-ERR increment would produce NaN or Infinity'],
      [['incrbyfloat', 'k', '-inf'], '-ERR increment would produce NaN or Infinity'],
      [['incrbyfloat', 'k', 'INFINITY'], '-ERR increment would produce NaN or Infinity'],
      [['incrbyfloat', 'k', 'nan'], '-ERR value is not a valid float'],
      [['incrbyfloat', 'k', 'abc'], '-ERR value is not a valid float'],
      [['incrbyfloat', 'k', '1e'], '-ERR value is not a valid float'],
      [['incrbyfloat', 'k', '1e+'], '-ERR value is not a valid float'],
      [['incrbyfloat', 'k', '.'], '-ERR value is not a valid float'],
      [['incrbyfloat', 'k', ''], '-ERR value is not a valid float'],
      [['incrbyfloat', 'k', '0x'], '-ERR value is not a valid float'],
      [['incrbyfloat', 'k', ' 1'], '-ERR value is not a valid float'],
      [['incrbyfloat', 'k', '1 '], '-ERR value is not a valid float'],
      [['exists', 'k'], 0],
      [['set', 's', 'abc'], '+OK'],
      [['incrbyfloat', 's', '1'], '-ERR value is not a valid float'],
      [['set', 'i', 'inf'], '+OK'],
      [['incrbyfloat', 'i', '1'], '-ERR increment would produce NaN or Infinity'],
      [['lpush', 'l', 'x'], 1],
      [['incrbyfloat', 'l', '1'], '-WRONGTYPE Operation against a key holding the wrong kind of value'],
      [['set', 'e', '1', 'ex', '100'], '+OK'],
      [['incrbyfloat', 'e', '1.5'], '2.5'],
      [['ttl', 'e'], 100],
    ]));
});

describe('expiry with a fake clock', () => {
  it('SET EX / PX / EXAT / PXAT expire on time', () => {
    const ctx = makeContext();
    const now = ctx.clock.now();
    expect(run(ctx, 'set', 'ex', 'v', 'EX', '10')).toBe('+OK');
    expect(run(ctx, 'set', 'px', 'v', 'PX', '1500')).toBe('+OK');
    expect(run(ctx, 'set', 'exat', 'v', 'EXAT', String(Math.floor(now / 1000) + 5))).toBe('+OK');
    expect(run(ctx, 'set', 'pxat', 'v', 'PXAT', String(now + 2000))).toBe('+OK');
    expect(run(ctx, 'pttl', 'px')).toBe(1500);
    expect(run(ctx, 'pexpiretime', 'pxat')).toBe(now + 2000);
    ctx.clock.advance(1500);
    expect(run(ctx, 'get', 'px')).toBe('v'); // expires when now > expireAt, as Redis
    ctx.clock.advance(1);
    expect(run(ctx, 'get', 'px')).toBeNull();
    ctx.clock.advance(500);
    expect(run(ctx, 'get', 'pxat')).toBeNull();
    expect(run(ctx, 'get', 'ex')).toBe('v');
    ctx.clock.advance(10_000);
    expect(run(ctx, 'mget', 'ex', 'exat')).toEqual([null, null]);
    expect(ctx.engine.stats.expiredKeys).toBe(4);
  });

  it('SET with an EXAT already past stores a key that reads as missing', () => {
    const ctx = makeContext();
    expect(run(ctx, 'set', 'a', 'v', 'exat', '1')).toBe('+OK');
    expect(run(ctx, 'get', 'a')).toBeNull();
  });

  it('SETEX, PSETEX and GETEX set relative TTLs from the clock', () => {
    const ctx = makeContext();
    run(ctx, 'setex', 'a', '2', 'v');
    run(ctx, 'psetex', 'b', '2500', 'v');
    expect(run(ctx, 'getex', 'a', 'px', '100')).toBe('v');
    expect(run(ctx, 'pttl', 'a')).toBe(100);
    expect(run(ctx, 'ttl', 'b')).toBe(3); // 2.5 s rounds half up
    ctx.clock.advance(101);
    expect(run(ctx, 'getex', 'a')).toBeNull();
    expect(run(ctx, 'getex', 'b', 'persist')).toBe('v');
    ctx.clock.advance(10_000);
    expect(run(ctx, 'get', 'b')).toBe('v');
  });

  it('INCR, APPEND, SETRANGE and INCRBYFLOAT keep the TTL; SET, GETSET and MSET drop it', () => {
    const ctx = makeContext();
    for (const k of ['i', 'a', 'r', 'f', 's', 'g', 'm']) run(ctx, 'set', k, '1', 'px', '5000');
    run(ctx, 'incr', 'i');
    run(ctx, 'append', 'a', 'x');
    run(ctx, 'setrange', 'r', '0', 'y');
    run(ctx, 'incrbyfloat', 'f', '0.5');
    run(ctx, 'set', 's', '2');
    run(ctx, 'getset', 'g', '2');
    run(ctx, 'mset', 'm', '2');
    expect(['i', 'a', 'r', 'f', 's', 'g', 'm'].map((k) => run(ctx, 'pttl', k))).toEqual([5000, 5000, 5000, 5000, -1, -1, -1]);
  });
});

describe('keyspace statistics', () => {
  it('GET, MGET, STRLEN, GETRANGE and SET GET count hits and misses; INCR and SETNX do not', () => {
    const ctx = makeContext();
    const { stats } = ctx.engine;
    run(ctx, 'set', 'a', '1');
    run(ctx, 'get', 'a');
    run(ctx, 'get', 'b');
    run(ctx, 'mget', 'a', 'b');
    run(ctx, 'strlen', 'a');
    run(ctx, 'getrange', 'a', '0', '1');
    run(ctx, 'set', 'a', '2', 'get');
    expect([stats.keyspaceHits, stats.keyspaceMisses]).toEqual([5, 2]);
    run(ctx, 'incr', 'a');
    run(ctx, 'incr', 'c');
    run(ctx, 'setnx', 'a', '1');
    expect([stats.keyspaceHits, stats.keyspaceMisses]).toEqual([5, 2]);
  });
});

describe('string size limit', () => {
  it('APPEND and SETRANGE honour proto-max-bulk-len', () => {
    const ctx = makeContext();
    ctx.server.config.set('proto-max-bulk-len', '10');
    run(ctx, 'set', 'a', '12345');
    expect(run(ctx, 'append', 'a', '67890')).toBe(10);
    expect(run(ctx, 'append', 'a', 'x')).toBe('-ERR string exceeds maximum allowed size (proto-max-bulk-len)');
    expect(run(ctx, 'setrange', 'a', '9', 'xy')).toBe('-ERR string exceeds maximum allowed size (proto-max-bulk-len)');
    expect(run(ctx, 'setrange', 'b', '10', 'x')).toBe('-ERR string exceeds maximum allowed size (proto-max-bulk-len)');
    expect(run(ctx, 'setrange', 'a', '9', 'y')).toBe(10);
  });
});

describe('databases', () => {
  it('commands act on the client\'s selected database', () => {
    const ctx = makeContext();
    run(ctx, 'set', 'k', 'db0');
    ctx.client.db = 3;
    expect(run(ctx, 'get', 'k')).toBeNull();
    run(ctx, 'mset', 'k', 'db3');
    ctx.client.db = 0;
    expect(run(ctx, 'get', 'k')).toBe('db0');
  });
});
