// @ts-check
// Counts with a timer and logs every 5 ticks. At tick 10 it writes a stack image of itself:
// in this process the promise resolves {restored: false} and the counter stops; in a process
// restored from the image the same promise resolves {restored: true} and it counts on to 20.
const EVERY = 5, SNAPSHOT_AT = 10, STOP_AT = 20;

/** @param {number} ms */
function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** @param {import('./env').CounterEnv} env */
async function main(env) {
  let tick = 0;
  const started = Date.now();
  while (tick < STOP_AT) {
    await sleep(20);
    tick++;
    if (tick % EVERY === 0) console.log('tick', tick);
    if (tick === SNAPSHOT_AT) {
      const { restored } = await env.snapshot.take('counter.b8gi');
      if (!restored) {
        console.log('snapshot written at tick', tick, '- stopping here');
        return;
      }
      console.log('restored at tick', tick, '- counting on (first started', new Date(started).toISOString(), ')');
    }
  }
  console.log('done at tick', tick);
}
