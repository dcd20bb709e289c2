// b8g prelude: timers: setTimeout, clearTimeout, a yield to the next turn, and re-arming them after a restore.
const timers = new MapCtor(); // timer id -> { run, due }
let nextTimer = 1;
function setTimeout(fn, ms = 0, ...args) {
  if (typeof fn !== 'function') throw new TypeErrorCtor('setTimeout needs a function');
  const id = nextTimer++;
  ms = +ms; if (!(ms >= 0)) ms = 0; if (ms > 2147483647) ms = 2147483647;
  // The due time is kept so a restored component can re-arm its timers (Java's are gone).
  mapSet(timers, id, { run: () => ReflectApply(fn, undefined, args), due: DateNow() + ms });
  call(TO_HOST_TIMER, id, ms | 0);
  return id;
}
function clearTimeout(id) { if (mapHas(timers, id)) { mapDelete(timers, id); call(TO_HOST_TIMER_CLEAR, id); } }
// A promise that resolves with v in a new turn of the loop (a timer due at once).
function nextTurn(v) {
  return new PromiseCtor((resolve) => {
    const id = nextTimer++;
    mapSet(timers, id, { run: () => resolve(v), due: DateNow() });
    call(TO_HOST_TIMER, id, 0);
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
