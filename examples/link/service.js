// @ts-check
/** @param {import('./env').ServiceEnv} env */
async function main(env) {
  // Offer the writer end to whoever presents this context's secret (the first linker takes it).
  env.export('inbox', env.inbox_writer);
  for await (const msg of env.inbox) console.log('got:', msg);
  console.log('inbox closed');
}
