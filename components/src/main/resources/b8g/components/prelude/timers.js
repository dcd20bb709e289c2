// b8g prelude: timers: setTimeout, clearTimeout, a yield to the next turn, and re-arming them after a restore.
const timers = new MapCtor(); // timer id -> { run, due }
let nextTimer = 1;
function setTimeout(fn, ms = 0, ...args) {
  if (typeof fn !== 'function') throw new TypeErrorCtor('setTimeout needs a function');
  const id = nextTimer++;
  ms = +ms; if (!(ms >= 0)) ms = 0; if (ms > 2147483647) ms = 2147483647;
  // The due time is kept so a restored component can re-arm its timers (Java's are gone).
  armTimer(id, { run: () => ReflectApply(fn, undefined, args), due: DateNow() + ms }, ms);
  return id;
}
// The entry is kept only if the host took the timer (it refuses past 10,000): a refused one left
// in the table would be armed again after a restore.
function armTimer(id, entry, ms) {
  mapSet(timers, id, entry);
  try { call(TO_HOST_TIMER, id, ms | 0); } catch (e) { mapDelete(timers, id); throw e; }
}
function clearTimeout(id) { if (mapHas(timers, id)) { mapDelete(timers, id); call(TO_HOST_TIMER_CLEAR, id); } }
// A promise that resolves with v in a new turn of the loop (a timer due at once).
function nextTurn(v) {
  return new PromiseCtor((resolve) => {
    const id = nextTimer++;
    armTimer(id, { run: () => resolve(v), due: DateNow() }, 0);
  });
}
// TO_GUEST_TIMER: the host's timer `id` is due.
function fireTimer(id) {
  const t = mapGet(timers, id);
  if (t !== undefined) { mapDelete(timers, id); t.run(); }
}
// After a restore: Java's timers did not survive, so each is armed again for what is left of it.
function rearmTimers() {
  const ts = mapList(timers);
  const now = DateNow();
  for (let i = 0; i < ts.length; i++) call(TO_HOST_TIMER, ts[i][0], MathMin(2147483647, MathMax(0, ts[i][1].due - now)) | 0);
}
ObjectDefineProperty(g, 'setTimeout', { value: setTimeout, writable: true, configurable: true });
ObjectDefineProperty(g, 'clearTimeout', { value: clearTimeout, writable: true, configurable: true });
