// @ts-check
/** @param {import('./env').CoordinatorEnv} env */
async function main(env) {
  // 1000 int32 values 1..1000, written straight into shared memory.
  const data = new Int32Array(env.data.buffer, 0, 1000);
  for (let i = 0; i < data.length; i++) data[i] = i + 1;

  const readOnly = env.data.attenuate('read');
  const outs = [env.out_0, env.out_1, env.out_2], ins = [env.in_0, env.in_1, env.in_2];
  const workers = [];
  for (let w = 0; w < 3; w++) {
    // Strings are plain arguments; everything else must be a capability this component holds.
    workers.push(env.run('worker.js', { data: readOnly, out: outs[w], index: String(w) }));
  }
  let total = 0;
  for (let w = 0; w < 3; w++) {
    const result = await ins[w].read();
    if (typeof result !== 'string') throw new TypeError(`worker ${w} sent no result`);
    const [sum, refused] = result.split(' ');
    console.log(`worker ${w}: sum ${sum}, write to the region refused with ${refused}`);
    total += Number(sum);
  }
  for (const w of workers) await w.exited;
  console.log(`total ${total} (expected ${1000 * 1001 / 2}), all workers exited`);
}
