// Squares each number and passes it on, as an 8-byte little-endian BigInt.
async function main(env) {
  for await (const msg of env.in) {
    const n = BigInt(msg);
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setBigUint64(0, n * n, true);
    const pending = env.out.write(bytes);
    if (pending) await pending;
  }
  await env.out.close();
}
