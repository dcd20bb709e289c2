// @ts-check
// Standard input to standard output, chunk by chunk. Each chunk is read in place from the input
// ring and written into the output ring: one copy, no allocation, while the output has room.
/** @param {import('./env').PipeEnv} env */
async function main(env) {
  const input = env.stdin, output = env.stdout;
  /** @type {Uint8Array | null} a chunk the output had no room for, copied out of the input ring */
  let held = null;
  /** @param {Uint8Array} view */
  const copy = (view) => { if (!output.tryWrite(view)) held = view.slice(); };
  try {
    for (;;) {
      if (held !== null) { await output.write(held); held = null; }
      if (input.readInPlace(copy)) continue;
      if (input.ended) break;
      await input.ready();
    }
    await output.close();
  } catch (e) {
    // The reader of standard output went away (`| head`): stop quietly, as `cat` would.
    if (!(e instanceof CapabilityError) || e.code !== 'channel.broken') throw e;
  }
}
