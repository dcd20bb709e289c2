// @ts-check
// May look orders up, nothing else: the grant names `lookup` only.
/** @param {import('./env').AuditEnv} env */
async function main(env) {
  console.log('audit sees order 2: ' + (await env.orders.lookup(2)).item);
  try {
    // Not in this component's Service<"lookup"> type either: the call is made untyped to show the refusal.
    await /** @type {any} */ (env.orders).cancel(2);
  } catch (e) {
    if (!(e instanceof CapabilityError)) throw e;
    console.log('cancel refused: ' + e.code);
  }
}
