/** One RESP PING to a node, with a timeout: is the node answering on its RESP port? */
import { connect } from 'node:net';

export interface PingResult {
  readonly up: boolean;
  /** Round trip in ms (connect + PING), when up. */
  readonly latencyMs?: number;
  /** Why the node is down, or a note ("auth required") when it is up. */
  readonly detail?: string;
}

const PING = '*1\r\n$4\r\nPING\r\n';

/**
 * +PONG means up. A -NOAUTH reply also means the node is alive (requirepass is set and the admin API does not
 * hold the password): up, with a note. Anything else, a refused connection or no reply in time: down.
 */
export function pingResp(host: string, port: number, timeoutMs: number): Promise<PingResult> {
  return new Promise((resolve) => {
    const started = performance.now();
    const socket = connect({ host, port });
    let buffered = '';
    let settled = false;
    const finish = (result: PingResult): void => {
      if (settled) return;
      settled = true;
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(timeoutMs, () => finish({ up: false, detail: `no reply within ${timeoutMs} ms` }));
    socket.on('connect', () => socket.write(PING));
    socket.on('error', (err) => finish({ up: false, detail: err.message }));
    socket.on('close', () => finish({ up: false, detail: 'connection closed' }));
    socket.on('data', (chunk) => {
      buffered += chunk.toString('latin1');
      const end = buffered.indexOf('\r\n');
      if (end < 0) return;
      const line = buffered.slice(0, end);
      const latencyMs = Math.round((performance.now() - started) * 100) / 100;
      if (line === '+PONG') finish({ up: true, latencyMs });
      else if (line.startsWith('-NOAUTH')) finish({ up: true, latencyMs, detail: 'auth required' });
      else finish({ up: false, detail: `unexpected reply ${JSON.stringify(line.slice(0, 80))}` });
    });
  });
}
