// The peers' rings for the channel figures, run by Node: raw-ring.js (the same ring as the raw
// baseline, same record layout, 1 MiB) between two threads over a SharedArrayBuffer, in two ways
// other JavaScript platforms offer:
//  - worker: Node worker_threads; the main thread writes, a worker reads;
//  - ivm: isolated-vm; two isolates, each running its side on isolated-vm's own threads.
// Each side spins first (raw-ring.js's pump) and then parks with Atomics.wait; the other side calls
// Atomics.notify only when it finds the waiting flag set.
// Usage: node peer-ring.js <worker|ivm> <raw-ring.js> <isolated-vm dir or -> <size> <copy|inplace>
//        <first round messages> <seconds per round> <rounds> <timeout s>
// Calibrates like the bench (a round of n0 sizes the rounds, one warm-up round), then prints one
// JSON line: {"node", "kind", "n", "rates": [messages per second, one per round]}.
'use strict';
const fs = require('fs');
const [kind, ringFile, ivmDir, sizeS, mode, n0S, secondsS, roundsS, timeoutS] = process.argv.slice(2);
const size = +sizeS, n0 = +n0S, seconds = +secondsS, rounds = +roundsS, timeoutMs = +timeoutS * 1000;
const CAPACITY = 1 << 20;
const RING = fs.readFileSync(ringFile, 'utf8');
// Each side's round, appended to the ring in its isolate: pump, park for at most 1 ms, again.
const DRIVER = `
function writeRound(n, deadline) {
  start(n);
  while (!pumpWriter()) { parkWriter(1); if (Date.now() > deadline) throw new Error('writer: round not done in time'); }
  return 0;
}
function readRound(deadline) {
  while (!pumpReader()) { parkReader(1); if (Date.now() > deadline) throw new Error('reader: round not done in time'); }
  return sink;
}
`;
const now = () => Number(process.hrtime.bigint()) / 1e9;

async function worker() {
  const { Worker } = require('worker_threads');
  const sab = new SharedArrayBuffer(CAPACITY + 512);
  const vm = require('vm');
  vm.runInThisContext(RING + DRIVER, { filename: 'raw-ring.js' });
  globalThis.setup(sab, CAPACITY, size, mode);
  const w = new Worker(`
    const { parentPort, workerData } = require('worker_threads');
    require('vm').runInThisContext(workerData.src, { filename: 'raw-ring.js' });
    setup(workerData.sab, workerData.capacity, workerData.size, workerData.mode);
    parentPort.on('message', (deadline) => {
      try { parentPort.postMessage({ sink: readRound(deadline) }); } catch (e) { parentPort.postMessage({ error: String(e) }); }
    });
  `, { eval: true, workerData: { src: RING + DRIVER, sab, capacity: CAPACITY, size, mode } });
  await new Promise((resolve, reject) => { w.once('online', resolve); w.once('error', reject); });
  const round = async (n) => {
    const deadline = Date.now() + timeoutMs;
    const done = new Promise((resolve, reject) => {
      w.once('message', (m) => m.error ? reject(new Error(m.error)) : resolve(m));
      w.once('error', reject);
    });
    const t0 = now();
    w.postMessage(deadline);
    globalThis.writeRound(n, deadline);
    await done;
    w.removeAllListeners('error');
    return now() - t0;
  };
  try {
    return await measure(round);
  } finally {
    await w.terminate();
  }
}

async function isolated() {
  const ivm = require(ivmDir);
  const sab = new SharedArrayBuffer(CAPACITY + 512);
  const side = async () => {
    const iso = new ivm.Isolate({ memoryLimit: 128 });
    const ctx = await iso.createContext();
    // An ExternalCopy of a SharedArrayBuffer shares its memory.
    await ctx.global.set('sab', new ivm.ExternalCopy(sab).copyInto({ release: true }));
    await (await iso.compileScript(RING + DRIVER + `\nsetup(sab, ${CAPACITY}, ${size}, ${JSON.stringify(mode)});`)).run(ctx);
    return { iso, ctx };
  };
  const wr = await side();
  const rd = await side();
  const round = async (n) => {
    const deadline = Date.now() + timeoutMs;
    const t0 = now();
    // ctx.eval, not Reference.apply: calls made with apply here ran one after the other.
    await Promise.all([rd.ctx.eval(`readRound(${deadline})`), wr.ctx.eval(`writeRound(${n}, ${deadline})`)]);
    return now() - t0;
  };
  try {
    return await measure(round);
  } finally {
    wr.iso.dispose();
    rd.iso.dispose();
  }
}

async function measure(round) {
  const s0 = await round(n0);
  const n = Math.max(n0, Math.floor(n0 * seconds / Math.max(s0, 1e-6)));
  await round(n);
  const rates = [];
  for (let i = 0; i < rounds; i++) rates.push(n / await round(n));
  return { node: process.version, kind, n, rates };
}

(kind === 'ivm' ? isolated() : worker())
  .then((r) => { console.log(JSON.stringify(r)); process.exit(0); })
  .catch((e) => { console.error(String(e && e.stack || e)); process.exit(1); });
