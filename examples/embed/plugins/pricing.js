// @ts-check
// Prices a customer's orders with the application's `orders` service.
/** @param {import('./env').PricingEnv} env */
async function main(env) {
  /** @type {number[]} */
  const ids = await env.orders.history('ada');
  let total = 0;
  // Pipelined: every lookup is on its way before the first answer is awaited.
  const orders = await Promise.all(ids.map((id) => env.orders.lookup(id)));
  for (let i = 0; i < orders.length; i++) {
    const o = orders[i];
    const cost = o.qty * o.price;
    total += cost;
    console.log('order ' + ids[i] + ': ' + o.qty + ' x ' + o.item + ' = ' + cost.toFixed(2));
  }
  console.log('total for ada: ' + total.toFixed(2));
  try {
    await env.orders.lookup(99);
  } catch (e) {
    if (!(e instanceof CapabilityError)) throw e;
    console.log(e.name + ' ' + e.code + ': ' + e.message);
  }
}
