async function main(env) {
  // 1000 int32 values 1..1000, written straight into shared memory.
  const data = new Int32Array(env.data.buffer, 0, 1000);
  for (let i = 0; i < data.length; i++) data[i] = i + 1;

  const readOnly = env.data.attenuate('read');
  const workers = [];
  for (let w = 0; w < 3; w++) {
    // Strings are plain arguments; everything else must be a capability this component holds.
    workers.push(env.run('worker.js', { data: readOnly, out: env['out_' + w], index: String(w) }));
  }
  let total = 0;
  for (let w = 0; w < 3; w++) {
    const [sum, refused] = (await env['in_' + w].read()).split(' ');
    console.log(`worker ${w}: sum ${sum}, write to the region refused with ${refused}`);
    total += Number(sum);
  }
  for (const w of workers) await w.exited;
  console.log(`total ${total} (expected ${1000 * 1001 / 2}), all workers exited`);
}
