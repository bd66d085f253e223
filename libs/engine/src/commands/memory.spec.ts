import { describe, expect, it } from '@jest/globals';
import { CommandTable } from './command-table.js';
import { makeContext, type TestContext } from './test-kit.js';
import { stringCommands } from './strings.js';
import { keyCommands } from './keys.js';
import { memoryCommands } from './memory.js';

const table = new CommandTable([...stringCommands, ...keyCommands, ...memoryCommands]);

function run(ctx: TestContext, ...args: string[]): unknown {
  table.execute(ctx, args);
  const v = ctx.reply.take();
  return v instanceof Error ? `-${v.message}` : v;
}

describe('MEMORY USAGE', () => {
  it('replies the bytes the store accounts to the key, nil for a missing key', () => {
    const ctx = makeContext();
    run(ctx, 'SET', 'k', 'v'.repeat(100));
    const bytes = run(ctx, 'MEMORY', 'USAGE', 'k');
    expect(bytes).toBe(ctx.keyspace.accountedBytes(0, 'k'));
    expect(bytes).toBeGreaterThan(100);
    expect(run(ctx, 'MEMORY', 'usage', 'k', 'SAMPLES', '0')).toBe(bytes);
    run(ctx, 'APPEND', 'k', 'w'.repeat(1000));
    expect(run(ctx, 'MEMORY', 'USAGE', 'k')).toBeGreaterThan((bytes as number) + 999);
    expect(run(ctx, 'MEMORY', 'USAGE', 'missing')).toBeNull();
  });

  it('checks SAMPLES before looking the key up, with Redis errors', () => {
    const ctx = makeContext();
    expect(run(ctx, 'MEMORY', 'USAGE', 'nokey', 'SAMPLES', 'x')).toBe('-ERR value is not an integer or out of range');
    expect(run(ctx, 'MEMORY', 'USAGE', 'nokey', 'SAMPLES', '-1')).toBe('-ERR syntax error');
    expect(run(ctx, 'MEMORY', 'USAGE', 'nokey', 'SAMPLES', '1', 'SAMPLES')).toBe('-ERR syntax error');
    expect(run(ctx, 'MEMORY', 'USAGE', 'nokey', 'foo')).toBe('-ERR syntax error');
    expect(run(ctx, 'MEMORY', 'USAGE')).toBe("-ERR wrong number of arguments for 'memory|usage' command");
    expect(run(ctx, 'MEMORY', 'STATS')).toBe("-ERR unknown subcommand 'STATS'. Try MEMORY HELP.");
  });

  it('HELP lists USAGE and HELP', () => {
    const ctx = makeContext();
    expect((run(ctx, 'MEMORY', 'HELP') as unknown[]).length).toBe(6);
  });
});
