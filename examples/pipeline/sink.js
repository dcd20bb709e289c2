// @ts-check
// Checks that every square arrived, in order, exactly once.
/** @param {import('./env').SinkEnv} env */
async function main(env) {
  let count = 0n, sum = 0n, outOfOrder = 0;
  for await (const msg of env.in) {
    if (typeof msg === 'string') throw new TypeError('sink expects 8-byte messages');
    const sq = new DataView(msg.buffer, msg.byteOffset, 8).getBigUint64(0, true);
    if (sq !== count * count) outOfOrder++;
    sum += sq;
    count++;
  }
  // sum of i^2 for i < n is (n-1)n(2n-1)/6
  const expected = (count - 1n) * count * (2n * count - 1n) / 6n;
  console.log(`received ${count} squares, ${outOfOrder} out of order, sum ${sum} (expected ${expected})`);
}
