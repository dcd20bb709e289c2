// @ts-check
/** @param {import('./env').ClientEnv} env */
async function main(env) {
  // A guessed secret is refused exactly like a rotated or nonexistent one.
  try {
    env.link('0'.repeat(64));
  } catch (e) {
    if (!(e instanceof CapabilityError)) throw e;
    console.log('guessed secret:', e.name, e.code);
  }
  // What the service exports is its business: say what this client expects.
  /** @type {{ inbox: ChannelWriter }} */
  const service = env.link(env.service_secret);
  await service.inbox.write('hello, found you through a secret');
  await service.inbox.close();
  console.log('linked and delivered');
}
