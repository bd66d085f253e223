/** Process entry of the admin API: `node dist/apps/admin-api/src/main.js --seeds host:port,... [--port 8080] [--admin-token T]`. */
import 'reflect-metadata';
import { ADMIN_HELP, AdminConfigError, loadAdminConfig } from './admin-config.js';
import { startAdmin } from './admin-app.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadAdminConfig(process.argv.slice(2), process.env);
  } catch (err) {
    if (!(err instanceof AdminConfigError)) throw err;
    process.stderr.write(err.message + '\n');
    process.exit(1);
  }
  if (config.help) {
    process.stdout.write(ADMIN_HELP + '\n');
    return;
  }
  const { url } = await startAdmin(config, { shutdownHooks: true });
  const seeds = config.seeds.map((n) => `${n.host}:${n.port}`).join(', ');
  const auth = config.adminToken === '' ? 'no token' : 'bearer token required but for health';
  process.stdout.write(`ringcache admin ready: ${url} (GET /cluster, /cluster/health, /keys, /cache/:key, /metrics, /docs; seeds ${seeds}; ${auth})\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`ringcache admin: failed to start: ${(err as Error)?.message ?? String(err)}\n`);
  process.exit(1);
});
