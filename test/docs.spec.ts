/** The generated parts of docs/ describe the code as it is: regenerate them with `npm run docs:commands`. */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './support/processes.js';

describe('docs/commands.md', () => {
  it('lists exactly the commands the node runs (npm run docs:commands regenerates it)', async () => {
    const script = (await import(path.join(ROOT, 'scripts/commands-doc.mjs'))) as {
      renderCommandTables(): Promise<string>;
      withTables(doc: string, tables: string): string;
    };
    const doc = readFileSync(path.join(ROOT, 'docs/commands.md'), 'utf8');
    expect(doc).toBe(script.withTables(doc, await script.renderCommandTables()));
  });
});
