// @ts-check
// Squares each number and passes it on, as an 8-byte little-endian BigInt.
/** @param {import('./env').TransformEnv} env */
async function main(env) {
  for await (const msg of env.in) {
    if (typeof msg !== 'string') throw new TypeError('transform expects text messages');
    const n = BigInt(msg);
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setBigUint64(0, n * n, true);
    const pending = env.out.write(bytes);
    if (pending) await pending;
  }
  await env.out.close();
}
