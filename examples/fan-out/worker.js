// @ts-check
// Sums its third of the region. It holds only a read-only view of the region and one channel end.
// A child's env is not in the manifest (its parent chooses it when it calls run), so its type is
// written here: what coordinator.js passes.
/** @typedef {EnvBase & { readonly data: ReadOnlyRegion, readonly out: ChannelWriter, readonly index: string }} WorkerEnv */

/** @param {WorkerEnv} env */
async function main(env) {
  const index = Number(env.index);
  const from = index * 334, to = Math.min(1000, from + 334);
  const bytes = env.data.read(from * 4, (to - from) * 4); // a copy: read-only holders get no shared view
  const values = new Int32Array(bytes.buffer, bytes.byteOffset, to - from);
  let sum = 0;
  for (const v of values) sum += v;
  let refused = 'nothing';
  try {
    // @ts-expect-error: a read-only region has no write(), and the host refuses it too.
    env.data.write(0, new Uint8Array([1]));
  } catch (e) {
    refused = e instanceof CapabilityError ? e.code : String(e);
  }
  await env.out.write(`${sum} ${refused}`);
  await env.out.close();
}
