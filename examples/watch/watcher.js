// @ts-check
/** @param {import('./env').WatcherEnv} env */
async function main(env) {
  let refused = '';
  try { env.watch.path('../', () => {}); } catch (e) { refused = e instanceof CapabilityError ? e.code : String(e); }
  await new Promise((resolve) => {
    const w = env.watch.path('inbox', (ev) => {
      if (!ev.path.endsWith('note.txt')) return;
      console.log(`saw ${ev.kind} ${ev.path}`);
      w.close();
      resolve(undefined);
    });
    console.log(`watching inbox/ (outside it: ${refused})`);
  });
}
