// Baseline for snapshots/bench.sh: isolated-vm in Node. A startup snapshot of a small script
// (Isolate.createSnapshot), its size, and a restore + call: new Isolate({snapshot}),
// createContextSync, one call of the script's function, timed until the call returns.
// Usage: node ivm-snapshot.js <path to isolated-vm> <restores> <warm-up>. Prints one JSON line.
const ivm = require(process.argv[2]);
const N = +process.argv[3] || 50, W = +process.argv[4] || 10;
const SRC = 'function main(env) { return 1; }';
const snapshot = ivm.Isolate.createSnapshot([{ code: SRC }]);
const bytes = snapshot.copy().byteLength;
const ms = (a, b) => Number(b - a) / 1e6;
function once() {
  const t0 = process.hrtime.bigint();
  const iso = new ivm.Isolate({ snapshot, memoryLimit: 64 });
  const ctx = iso.createContextSync();
  if (ctx.evalSync('main({})') !== 1) throw new Error('restored script did not answer');
  const t1 = process.hrtime.bigint();
  iso.dispose();
  return ms(t0, t1);
}
for (let i = 0; i < W; i++) once();
const t = [];
for (let i = 0; i < N; i++) t.push(once());
t.sort((a, b) => a - b);
const median = N % 2 ? t[(N - 1) / 2] : (t[N / 2 - 1] + t[N / 2]) / 2;
console.log(JSON.stringify({ node: process.version, snapshotBytes: bytes, restoreCallMs: median }));
