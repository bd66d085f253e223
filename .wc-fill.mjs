import Redis from 'ioredis';
const c = new Redis.Cluster([{ host: '127.0.0.1', port: Number(process.argv[3] ?? 7101) }]);
const mode = process.argv[2];
const tag = process.argv[4] ?? 'v';
if (mode === 'fill') { for (let i = 0; i < 3000; i++) await c.set(`k${i}`, `${tag}${i}`); console.log('filled'); }
else { let n = 0; for (let i = 0; i < 3000; i++) { const v = await c.get(`k${i}`); if (v === `${tag}${i}`) n++; } console.log('found', n, 'of 3000'); }
c.disconnect();
