// b8g prelude: the per-turn quota of channel operations, so a stream that never waits still ends its turns.
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
// Every host entry starts a new turn.
const newTurn = (function newTurn() { immediate = 0; yieldDue = false; });
// Charges the bytes an operation moved, as text or as bytes (see YIELD_EVERY).
function charge(bytes, text) { immediate += text ? bytes >>> 9 : bytes >>> 16; }
// For promise-returning operations: v now, or in a new turn once this turn's quota is spent.
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
