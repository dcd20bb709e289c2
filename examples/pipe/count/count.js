// @ts-check
// Counts the bytes of standard input, reading each chunk in place (no copy), and writes the
// total to standard output.
/** @param {import('./env').CountEnv} env */
async function main(env) {
  const input = env.stdin;
  let bytes = 0;
  /** @param {Uint8Array} view */
  const count = (view) => { bytes += view.length; };
  for (;;) {
    if (input.readInPlace(count)) continue;
    if (input.ended) break;
    await input.ready();
  }
  await env.stdout.write(bytes + '\n');
  await env.stdout.close();
}
