// Baseline for component start: isolated-vm in Node, timed the way the brief states it
// (new Isolate, createContext, compileScript().run()), async and sync API, after a warm-up.
// Usage: node ivm-start.js <path to isolated-vm> <starts> <warm-up>. Prints one JSON line.
const ivm = require(process.argv[2]);
const N = +process.argv[3] || 200, W = +process.argv[4] || 20;
const SRC = 'function main(env) {} main({});';
const ms = (a, b) => Number(b - a) / 1e6;
async function asyncOnce() {
  const t0 = process.hrtime.bigint();
  const iso = new ivm.Isolate({ memoryLimit: 64 });
  const ctx = await iso.createContext();
  const s = await iso.compileScript(SRC);
  await s.run(ctx);
  const t1 = process.hrtime.bigint();
  iso.dispose();
  const t2 = process.hrtime.bigint();
  return [ms(t0, t1), ms(t0, t2)];
}
function syncOnce() {
  const t0 = process.hrtime.bigint();
  const iso = new ivm.Isolate({ memoryLimit: 64 });
  const ctx = iso.createContextSync();
  iso.compileScriptSync(SRC).runSync(ctx);
  const t1 = process.hrtime.bigint();
  iso.dispose();
  const t2 = process.hrtime.bigint();
  return [ms(t0, t1), ms(t0, t2)];
}
(async () => {
  for (let i = 0; i < W; i++) { await asyncOnce(); syncOnce(); }
  const a = [], ad = [], s = [], sd = [];
  for (let i = 0; i < N; i++) {
    const x = await asyncOnce(); a.push(x[0]); ad.push(x[1]);
    const y = syncOnce(); s.push(y[0]); sd.push(y[1]);
  }
  console.log(JSON.stringify({ node: process.version, async: a, asyncDispose: ad, sync: s, syncDispose: sd }));
})().catch((e) => { console.error(String(e && e.stack || e)); process.exit(1); });
