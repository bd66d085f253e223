/**
 * Scenario 6 load generator: one Nest ClientProxy (Transport.TCP) sending `get` with N requests in flight.
 *
 *   node bench/nest-tcp/client.mjs <port> [total=100000] [concurrency=50] [key=bench:key]
 *
 * Warms up with 5,000 requests, then prints one JSON line { opsPerSec, total, concurrency, reply }.
 */
import 'reflect-metadata';
import { ClientProxyFactory, Transport } from '@nestjs/microservices';
import { firstValueFrom } from 'rxjs';

const [portArg, totalArg, concurrencyArg, keyArg] = process.argv.slice(2);
const port = Number(portArg);
const total = Number(totalArg ?? 100_000);
const concurrency = Number(concurrencyArg ?? 50);
const key = keyArg ?? 'bench:key';

const client = ClientProxyFactory.create({ transport: Transport.TCP, options: { host: '127.0.0.1', port } });
await client.connect();

async function drive(count) {
  let issued = 0;
  let last;
  const worker = async () => {
    while (issued < count) {
      issued++;
      last = await firstValueFrom(client.send('get', { key }));
    }
  };
  const t0 = process.hrtime.bigint();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { seconds: Number(process.hrtime.bigint() - t0) / 1e9, last };
}

await drive(5000);
const { seconds, last } = await drive(total);
process.stdout.write(JSON.stringify({ opsPerSec: total / seconds, total, concurrency, reply: last }) + '\n');
await client.close();
process.exit(0);
