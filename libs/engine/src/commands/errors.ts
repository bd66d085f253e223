/** Redis 7 error replies, word for word, so clients that match on them keep working. */
export const WRONGTYPE = 'WRONGTYPE Operation against a key holding the wrong kind of value';
export const SYNTAX = 'ERR syntax error';
export const NOT_INTEGER = 'ERR value is not an integer or out of range';
export const NOT_FLOAT = 'ERR value is not a valid float';
export const OVERFLOW = 'ERR increment or decrement would overflow';
export const NO_SUCH_KEY = 'ERR no such key';
export const OOM = "OOM command not allowed when used memory > 'maxmemory'.";
export const NOAUTH = 'NOAUTH Authentication required.';
export const WRONGPASS = 'WRONGPASS invalid username-password pair or user is disabled.';
export const DB_INDEX_OUT_OF_RANGE = 'ERR DB index is out of range';
export const INVALID_EXPIRE = (cmd: string): string => `ERR invalid expire time in '${cmd}' command`;
export const WRONG_ARITY = (cmd: string): string => `ERR wrong number of arguments for '${cmd}' command`;
export const STRING_TOO_LONG = 'ERR string exceeds maximum allowed size (proto-max-bulk-len)';
export const OFFSET_OUT_OF_RANGE = 'ERR offset is out of range';

/** "ERR unknown command 'foo', with args beginning with: 'a' 'b' " exactly as Redis 7 words it. */
export function unknownCommand(args: readonly string[]): string {
  let tail = '';
  for (let i = 1; i < args.length && tail.length < 128; i++) tail += `'${args[i].slice(0, 128 - tail.length)}' `;
  return `ERR unknown command '${args[0].slice(0, 128)}', with args beginning with: ${tail}`;
}

/** "ERR unknown subcommand 'x'. Try CONFIG HELP." */
export function unknownSubcommand(sub: string, container: string): string {
  return `ERR unknown subcommand '${sub.slice(0, 128)}'. Try ${container.toUpperCase()} HELP.`;
}

/**
 * Largest |count| a "with repetitions" random reply (HRANDFIELD/SRANDMEMBER with a negative count) may ask
 * for. Redis 7.0 tries to build any such reply and a count like -1e12 exhausts its memory (redis-server
 * 7.0.15 dies); a node must not die on bad input, so past this bound ringcache refuses with an error.
 */
export const MAX_RANDOM_REPLY = 100_000_000;
export const RANDOM_REPLY_TOO_LARGE = `ERR count is out of range: at most ${MAX_RANDOM_REPLY} random elements per reply`;
