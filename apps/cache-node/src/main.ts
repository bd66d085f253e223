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
  followLauncher(process.env['RINGCACHE_LAUNCHER_PID']);
  if (loaded.store.get('loglevel') !== 'nothing') process.stdout.write(startupBanner(loaded.store, node.addresses) + '\n');
}

/**
 * `bin/ringcache node` runs the node in a child process (sized heap) in its own process group; if the launcher
 * is killed outright (kill -9), nothing forwards a signal, so the node notices it was orphaned and shuts down
 * as on SIGTERM (the append-only file written and fsync'd) rather than run on unseen.
 */
function followLauncher(launcherPid: string | undefined): void {
  if (launcherPid === undefined || process.ppid !== Number(launcherPid)) return;
  const timer = setInterval(() => {
    if (process.ppid === Number(launcherPid)) return;
    clearInterval(timer);
    process.stderr.write(`ringcache: the launcher (pid ${launcherPid}) is gone; shutting down\n`);
    process.kill(process.pid, 'SIGTERM');
  }, 1000);
  timer.unref();
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
