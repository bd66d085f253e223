/** Starts a node in process for specs: RESP off unless asked, Nest TCP and HTTP on OS-chosen loopback ports. */
import { ConfigStore } from '../../../../libs/engine/src/commands/config-store.js';
import { NODE_PARAMS } from '../../../../libs/engine/src/commands/params.js';
import { startNode, type RunningNode } from '../node-app.js';

/** Without /metrics: see loadMetricsModule in node-app.ts. */
export async function startTestNode(settings: Record<string, string> = {}): Promise<RunningNode & { config: ConfigStore }> {
  const config = new ConfigStore(NODE_PARAMS);
  const all = { port: '0', 'tcp-port': '0', 'http-port': '0', loglevel: 'nothing', ...settings };
  for (const [name, value] of Object.entries(all)) config.set(name, value, true);
  const node = await startNode(config, { metrics: false });
  return { ...node, config };
}
