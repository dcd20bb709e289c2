// b8g prelude: web misc: queueMicrotask, atob/btoa, setInterval/clearInterval, performance, navigator, self.
// ---- the clock -------------------------------------------------------------------------------------
// The host's monotonic clock (TO_HOST_CLOCK): milliseconds on the Unix epoch's scale, steady
// within a process, in steps of 0.1 ms (coarse enough that timing one cache miss is hopeless;
// Deno coarsens too, workerd freezes time in a turn). It costs one dispatcher call.
// performance.now() never goes back, even across a snapshot restored in a process whose clock
// started elsewhere; between turns with the host detached it stays where it was.
const MathRound = Math.round;
let clockLast = 0;
let clockOrigin = -1;
function clockRead() {
  let t = clockLast;
  if (dispatch !== null) { const r = call(TO_HOST_CLOCK); if (r > t) t = r; }
  clockLast = t;
  return t;
}
// The origin is taken at the first read after the component starts (a pooled isolate ran its
// prelude earlier, with no host attached).
function origin() { if (clockOrigin < 0) clockOrigin = clockRead(); return clockOrigin; }
// Rounded again to the 0.1 ms step: epoch-scale doubles leave a few ulps of noise in the difference.
function clockNow() { if (dispatch === null && clockOrigin < 0) return 0; const o = origin(); return MathRound((clockRead() - o) * 10) / 10; }

class Performance {
  constructor(token = undefined) { if (token !== INTERNAL) throw new TypeErrorCtor('Illegal constructor'); }
  now() { return clockNow(); }
  get timeOrigin() { return origin(); }
  toJSON() { return { timeOrigin: origin() }; }
}
toStringTag(Performance, 'Performance');
const performance = new Performance(INTERNAL);

// ---- queueMicrotask --------------------------------------------------------------------------------
// `await` queues its continuation without looking up `then` or a species: nothing user code
// patched on Promise runs here. An error thrown by the callback is reported (reportError).
async function runMicrotask(fn) {
  await undefined;
  try { ReflectApply(fn, undefined, []); } catch (e) { reportException(e); }
}
function queueMicrotask(callback) {
  if (typeof callback !== 'function') throw new TypeErrorCtor("Failed to execute 'queueMicrotask': parameter 1 is not of type 'Function'.");
  runMicrotask(callback);
}

// ---- atob and btoa (HTML's forgiving-base64) ---------------------------------------------------------
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_VALUE = new Uint8ArrayCtor(128);
for (let i = 0; i < 128; i++) B64_VALUE[i] = 255;
for (let i = 0; i < 64; i++) B64_VALUE[ReflectApply(StringCharCodeAt, B64, [i])] = i;
const B64_CODES = new Uint16ArrayCtor(64);
for (let i = 0; i < 64; i++) B64_CODES[i] = ReflectApply(StringCharCodeAt, B64, [i]);
// UTF-16 units gathered in a typed array and made a string a chunk at a time (as text.js does).
function unitsToString(u16, n) {
  let s = '';
  for (let i = 0; i < n; i += DECODE_CHUNK) s += ReflectApply(StringFromCharCode, null, ReflectApply(TypedArraySubarray, u16, [i, MathMin(n, i + DECODE_CHUNK)]));
  return s;
}
function isAsciiWhitespace(c) { return c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d || c === 0x20; }
function atob(data) {
  if (arguments.length === 0) throw new TypeErrorCtor("Failed to execute 'atob': 1 argument required, but only 0 present.");
  const s = StringCtor(data);
  const n = s.length;
  const bad = () => domException('InvalidCharacterError', "Failed to execute 'atob': The string to be decoded is not correctly encoded.");
  // The code units that are not ASCII whitespace.
  const codes = new Uint16ArrayCtor(n);
  let m = 0;
  for (let i = 0; i < n; i++) { const c = ReflectApply(StringCharCodeAt, s, [i]); if (!isAsciiWhitespace(c)) codes[m++] = c; }
  if (m % 4 === 0 && m > 0 && codes[m - 1] === 0x3d) { m--; if (codes[m - 1] === 0x3d) m--; }
  if (m % 4 === 1) throw bad();
  const out = new Uint16ArrayCtor(MathFloor(m * 3 / 4));
  let acc = 0, bits = 0, j = 0;
  for (let i = 0; i < m; i++) {
    const c = codes[i];
    const v = c < 128 ? B64_VALUE[c] : 255;
    if (v === 255) throw bad();
    acc = (acc << 6) | v; bits += 6;
    if (bits >= 8) { bits -= 8; out[j++] = (acc >> bits) & 0xff; }
  }
  return unitsToString(out, j);
}
function btoa(data) {
  if (arguments.length === 0) throw new TypeErrorCtor("Failed to execute 'btoa': 1 argument required, but only 0 present.");
  const s = StringCtor(data);
  const n = s.length;
  const out = new Uint16ArrayCtor(MathFloor((n + 2) / 3) * 4);
  let j = 0;
  for (let i = 0; i < n; i += 3) {
    const a = ReflectApply(StringCharCodeAt, s, [i]);
    const b = i + 1 < n ? ReflectApply(StringCharCodeAt, s, [i + 1]) : 0;
    const c = i + 2 < n ? ReflectApply(StringCharCodeAt, s, [i + 2]) : 0;
    if (a > 0xff || b > 0xff || c > 0xff) throw domException('InvalidCharacterError', "Failed to execute 'btoa': The string to be encoded contains characters outside of the Latin1 range.");
    const t = (a << 16) | (b << 8) | c;
    out[j++] = B64_CODES[t >> 18]; out[j++] = B64_CODES[(t >> 12) & 63];
    out[j++] = i + 1 < n ? B64_CODES[(t >> 6) & 63] : 0x3d;
    out[j++] = i + 2 < n ? B64_CODES[t & 63] : 0x3d;
  }
  return unitsToString(out, j);
}

// ---- setInterval and clearInterval -------------------------------------------------------------------
// Timers of timers.js: one table of ids for both kinds (clearTimeout clears an interval and
// clearInterval a timeout, as HTML says) and one limit of pending timers. An interval is one
// pending timer, armed again after each run unless the callback cleared it; from the sixth run
// on it waits at least 4 ms (HTML's nesting clamp), so `setInterval(fn, 0)` cannot spin.
function setInterval(fn, ms = 0, ...args) {
  if (typeof fn !== 'function') throw new TypeErrorCtor('setInterval needs a function');
  const id = nextTimer++;
  ms = +ms; if (!(ms >= 0)) ms = 0; if (ms > 2147483647) ms = 2147483647;
  let runs = 0;
  const entry = { __proto__: null, run: null, due: DateNow() + ms };
  entry.run = () => {
    // Back in the table while the callback runs, so clearInterval inside it clears it.
    mapSet(timers, id, entry);
    runs++;
    try { ReflectApply(fn, undefined, args); } finally {
      if (mapGet(timers, id) === entry) {
        const next = runs >= 5 && ms < 4 ? 4 : ms;
        entry.due = DateNow() + next;
        armTimer(id, entry, next);
      }
    }
  };
  armTimer(id, entry, ms);
  return id;
}
function clearInterval(id) { clearTimeout(id); }

// ---- navigator, self -----------------------------------------------------------------------------------
// hardwareConcurrency is 1: a component runs on one thread whatever the host has (as workerd
// says), so the number describes the component and tells nothing about the machine.
class Navigator {
  constructor(token = undefined) { if (token !== INTERNAL) throw new TypeErrorCtor('Illegal constructor'); }
  get userAgent() { return 'b8g'; }
  get hardwareConcurrency() { return 1; }
}
toStringTag(Navigator, 'Navigator');
const navigator = new Navigator(INTERNAL);

defineGlobal('queueMicrotask', queueMicrotask);
defineGlobal('atob', atob);
defineGlobal('btoa', btoa);
defineGlobal('setInterval', setInterval);
defineGlobal('clearInterval', clearInterval);
defineGlobal('Performance', Performance);
defineGlobal('performance', performance);
defineGlobal('Navigator', Navigator);
defineGlobal('navigator', navigator);
// WorkerGlobalScope's self: the global object itself (replaceable, as WebIDL's [Replaceable]).
defineGlobal('self', g);
