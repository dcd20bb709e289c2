// May look orders up, nothing else: the grant names `lookup` only.
async function main(env) {
  console.log('audit sees order 2: ' + (await env.orders.lookup(2)).item);
  try {
    await env.orders.cancel(2);
  } catch (e) {
    console.log('cancel refused: ' + e.code);
  }
}
