/**
 * Process entry of one cache node: `node dist/apps/cache-node/src/main.js [--config file] [--name value]...`.
 * `bin/ringcache node` runs it with a heap limit sized for maxmemory. Exit code 1 on a bad setting.
 */
import 'reflect-metadata';
import { BootConfigError, formatHelp, loadNodeConfig } from './config/config-source.js';
import { startNode, startupBanner } from './node-app.js';

async function main(argv: string[]): Promise<void> {
  let loaded;
  try {
    loaded = loadNodeConfig(argv, process.env);
  } catch (err) {
    if (!(err instanceof BootConfigError)) throw err;
    process.stderr.write(err.message + '\n');
    process.exit(1);
  }
  if (loaded.help) {
    process.stdout.write(formatHelp() + '\n');
    return;
  }
  const node = await startNode(loaded.store, { configFile: loaded.configFile, shutdownHooks: true });
  if (loaded.store.get('loglevel') !== 'nothing') process.stdout.write(startupBanner(loaded.store, node.addresses) + '\n');
}

main(process.argv.slice(2)).catch((err: unknown) => {
  const e = err as NodeJS.ErrnoException;
  // A port in use is a setting problem, not a crash: one line, exit code 1.
  if (e?.code === 'EADDRINUSE' || e?.code === 'EADDRNOTAVAIL' || e?.code === 'EACCES') {
    process.stderr.write(`ringcache: cannot listen: ${e.message}\n`);
  } else if (e?.name === 'AofFormatError' || e?.name === 'PersistenceError') {
    // A corrupt append-only file (the message names the offset and check-aof --fix), or an unusable dir.
    process.stderr.write(`ringcache: ${e.message}\n`);
  } else {
    process.stderr.write(`ringcache: failed to start: ${e?.stack ?? String(err)}\n`);
  }
  process.exit(1);
});
