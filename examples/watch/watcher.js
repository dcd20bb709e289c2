async function main(env) {
  let refused = '';
  try { env.watch.path('../', () => {}); } catch (e) { refused = e.code; }
  await new Promise((resolve) => {
    const w = env.watch.path('inbox', (ev) => {
      if (!ev.path.endsWith('note.txt')) return;
      console.log(`saw ${ev.kind} ${ev.path}`);
      w.close();
      resolve();
    });
    console.log(`watching inbox/ (outside it: ${refused})`);
  });
}
