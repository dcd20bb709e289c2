// b8g prelude: Timers and the per-turn yield quota of channel operations.
// ---- timers ---------------------------------------------------------------------------------
const timers = new MapCtor();
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

// A stream whose operations always succeed at once would never end its turn, and the per-turn
// CPU limit would stop it for being fast. So channel operations count against one quota per
// turn, in units of one per operation plus what its bytes cost: one per 512 bytes of text
// (encoded or decoded in JS: about 3 us optimised, but a fresh isolate's code is not optimised
// yet, and on a busy machine the optimiser waits for a core) and one per 64 KiB of bytes copied
// (a few us); a view read in place costs nothing more. Once YIELD_EVERY units are spent, a promise-returning call
// resolves in a new turn of the loop (soon), and a synchronous one (tryRead, tryWrite,
// readInPlace) reports "not now" once, so that the ready() the caller awaits next resolves in a
// new turn. A turn then moves at most 4,096 messages, 2 MiB of text or 256 MiB of bytes, at the
// cost of one Java call; the loops the README teaches never trip the CPU limit by streaming.
const YIELD_EVERY = 4096;
let immediate = 0;
// Set when a synchronous operation said "not now" for the quota: the next ready() yields.
let yieldDue = false;
function nextTurn(v) {
  return new PromiseCtor((resolve) => {
    const id = nextTimer++;
    mapSet(timers, id, { run: () => resolve(v), due: DateNow() });
    call(TO_HOST_TIMER, id, 0);
  });
}
// Charges the bytes an operation moved, as text or as bytes (see YIELD_EVERY).
function charge(bytes, text) { immediate += text ? bytes >>> 9 : bytes >>> 16; }
function soon(v) {
  if (!yieldDue && ++immediate <= YIELD_EVERY) return resolved(v);
  immediate = 0; yieldDue = false;
  return nextTurn(v);
}
// For synchronous operations: true while this turn's quota lasts.
function mayGoOn() {
  if (yieldDue) return false;
  if (++immediate <= YIELD_EVERY) return true;
  immediate = 0; yieldDue = true;
  return false;
}
ObjectDefineProperty(g, 'setTimeout', { value: setTimeout, writable: true, configurable: true });
ObjectDefineProperty(g, 'clearTimeout', { value: clearTimeout, writable: true, configurable: true });
