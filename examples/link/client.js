async function main(env) {
  // A guessed secret is refused exactly like a rotated or nonexistent one.
  try { env.link('0'.repeat(64)); } catch (e) { console.log('guessed secret:', e.name, e.code); }
  const service = env.link(env.service_secret);
  await service.inbox.write('hello, found you through a secret');
  await service.inbox.close();
  console.log('linked and delivered');
}
