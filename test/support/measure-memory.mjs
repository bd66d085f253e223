/**
 * Measures the heap held by aggregate values built with the compiled types, next to the bytes they account
 * for. Run with `node --expose-gc measure-memory.mjs <dist types dir> <elements>`; prints one JSON line per
 * type and case: "one" (many one-element values, per value) and "many" (one value of <elements>).
 * Members are 15-byte strings sliced from a Buffer as the RESP parser makes them; hash values 3 bytes;
 * scores doubles.
 */
const [root, elementsArg] = process.argv.slice(2);
const { HashValue } = await import(`${root}/hash.js`);
const { SetValue } = await import(`${root}/set.js`);
const { ZSetValue } = await import(`${root}/zset.js`);
const { ListValue } = await import(`${root}/list.js`);
const elements = Number(elementsArg);
const ONE_ELEMENT_VALUES = 20000;

const text = (i) => Buffer.from(`element:${String(i).padStart(7, '0')}`, 'latin1').latin1Slice();
const short = () => Buffer.from('xxx', 'latin1').latin1Slice();
const builders = {
  hash: (n, from) => {
    const v = new HashValue();
    for (let i = 0; i < n; i++) v.set(text(from + i), short());
    return v;
  },
  set: (n, from) => {
    const v = new SetValue();
    for (let i = 0; i < n; i++) v.add(text(from + i));
    return v;
  },
  zset: (n, from) => {
    const v = new ZSetValue();
    for (let i = 0; i < n; i++) v.set(text(from + i), from + i + 0.5);
    return v;
  },
  list: (n, from) => {
    const v = new ListValue();
    for (let i = 0; i < n; i++) v.pushBack(text(from + i));
    return v;
  },
};

/** Heap growth while `build` holds what it returns, and the bytes those values account for. */
function measure(build) {
  globalThis.gc();
  const before = process.memoryUsage().heapUsed;
  const values = build();
  globalThis.gc();
  const heap = process.memoryUsage().heapUsed - before;
  let accounted = 0;
  for (const v of values) accounted += v.bytes;
  return { heap, accounted };
}

for (const [type, build] of Object.entries(builders)) {
  const one = measure(() => {
    const values = new Array(ONE_ELEMENT_VALUES);
    for (let i = 0; i < ONE_ELEMENT_VALUES; i++) values[i] = build(1, i);
    return values;
  });
  const slots = ONE_ELEMENT_VALUES * 8; // the holding array
  console.log(JSON.stringify({ type, case: 'one', heap: (one.heap - slots) / ONE_ELEMENT_VALUES, accounted: one.accounted / ONE_ELEMENT_VALUES }));
  const many = measure(() => [build(elements, 0)]);
  console.log(JSON.stringify({ type, case: 'many', elements, heap: many.heap, accounted: many.accounted }));
}
