// @ts-check
// Writes the numbers 0..99999 as text messages, then ends the stream.
/** @param {import('./env').SourceEnv} env */
async function main(env) {
  for (let i = 0; i < 100000; i++) {
    const pending = env.out.write(String(i)); // undefined when written, a promise when the ring was full
    if (pending) await pending;
  }
  await env.out.close();
}
