// b8g prelude: streams: what the WHATWG stream classes share (deferred promises, queue-with-sizes) and the queuing strategies.
// The classes are in readable-stream.js, writable-stream.js and transform-stream.js, in that order.
// Follows the Streams Standard (https://streams.spec.whatwg.org/) algorithm by algorithm, under
// the standard's names, so its order of promise resolutions is the one user code sees. Internal
// slots live in null-prototype records held in a WeakMap by the public object; every promise is
// chained through the captured then(), never a user-patchable method. Left out: readable byte
// streams' BYOB side (type: 'bytes' makes a default stream whose controller has byobRequest null
// and whose getReader({ mode: 'byob' }) throws a TypeError). Abort signals are events.js's.

function noop() {}
function markHandled(p) { then(p, undefined, noop); }
function deferred() {
  const d = { __proto__: null, promise: null, resolve: null, reject: null, settled: false };
  d.promise = new PromiseCtor((res, rej) => {
    d.resolve = (v) => { if (!d.settled) { d.settled = true; res(v); } };
    d.reject = (e) => { if (!d.settled) { d.settled = true; rej(e); } };
  });
  return d;
}
// Settles d with r; a promise r is followed through the captured then, never through a `then`
// looked up on it (a reaction that returned a promise would make V8 call its patchable then).
function settleWith(d, r) {
  if (r !== null && (typeof r === 'object' || typeof r === 'function')) {
    try { ReflectApply(PromiseThen, r, [d.resolve, d.reject]); return; } catch (e) { /* not a promise */ }
  }
  d.resolve(r);
}
// "The result of reacting to" p: a new promise, which follows what a reaction returns.
function react(p, onOk, onErr) {
  const d = deferred();
  then(p, (v) => {
    if (onOk === undefined) { d.resolve(v); return; }
    let r;
    try { r = onOk(v); } catch (e) { d.reject(e); return; }
    settleWith(d, r);
  }, (e) => {
    if (onErr === undefined) { d.reject(e); return; }
    let r;
    try { r = onErr(e); } catch (x) { d.reject(x); return; }
    settleWith(d, r);
  });
  return d.promise;
}
// Calls a user method as the standard's "invoke": promise of its result, rejection if it throws.
function promiseCall(fn, self, args) {
  if (fn === undefined) return resolved(undefined);
  try { return resolved(ReflectApply(fn, self, args)); } catch (e) { return rejected(e); }
}
function method(o, name, what) {
  if (o === undefined || o === null) return undefined;
  const f = o[name];
  if (f === undefined || f === null) return undefined;
  if (typeof f !== 'function') throw new TypeErrorCtor(what + '.' + name + ' must be a function');
  return f;
}
function slotsOf(map, o, what) {
  const s = typeof o === 'object' && o !== null ? ReflectApply(WeakMapGet, map, [o]) : undefined;
  if (s === undefined) throw new TypeErrorCtor(what + ' called on the wrong kind of object');
  return s;
}

// ---- queue-with-sizes -------------------------------------------------------------------------
function resetQueue(c) { c.queue = []; c.queueTotalSize = 0; }
function enqueueValueWithSize(c, value, size) {
  size = NumberCtor(size);
  if (!(size >= 0) || size === Infinity) throw new RangeErrorCtor('a chunk size must be a finite, non-negative number, not ' + size);
  push(c.queue, value); push(c.queue, size);
  c.queueTotalSize += size;
}
function dequeueValue(c) {
  const value = shift(c.queue), size = shift(c.queue);
  c.queueTotalSize -= size;
  if (c.queueTotalSize < 0) c.queueTotalSize = 0;
  return value;
}
function peekQueueValue(c) { return c.queue[0]; }

// ---- strategies -------------------------------------------------------------------------------
function extractHighWaterMark(strategy, dflt) {
  const hwm = strategy === undefined || strategy === null ? undefined : strategy.highWaterMark;
  if (hwm === undefined) return dflt;
  const n = NumberCtor(hwm);
  if (n !== n || n < 0) throw new RangeErrorCtor('highWaterMark must be a non-negative number, not ' + StringCtor(hwm));
  return n;
}
function extractSizeAlgorithm(strategy) {
  const size = strategy === undefined || strategy === null ? undefined : strategy.size;
  if (size === undefined) return () => 1;
  if (typeof size !== 'function') throw new TypeErrorCtor('strategy.size must be a function');
  return (chunk) => ReflectApply(size, undefined, [chunk]);
}
class CountQueuingStrategy {
  #hwm;
  constructor(init) {
    if (init === null || typeof init !== 'object' || init.highWaterMark === undefined) throw new TypeErrorCtor('CountQueuingStrategy needs { highWaterMark }');
    this.#hwm = NumberCtor(init.highWaterMark);
  }
  get highWaterMark() { return this.#hwm; }
  get size() { return countSize; }
}
function countSize() { return 1; }
class ByteLengthQueuingStrategy {
  #hwm;
  constructor(init) {
    if (init === null || typeof init !== 'object' || init.highWaterMark === undefined) throw new TypeErrorCtor('ByteLengthQueuingStrategy needs { highWaterMark }');
    this.#hwm = NumberCtor(init.highWaterMark);
  }
  get highWaterMark() { return this.#hwm; }
  get size() { return byteLengthSize; }
}
const byteLengthSize = { size(chunk) { return chunk.byteLength; } }.size;

for (const [name, value] of [['CountQueuingStrategy', CountQueuingStrategy], ['ByteLengthQueuingStrategy', ByteLengthQueuingStrategy]]) {
  ObjectDefineProperty(g, name, { value, writable: true, configurable: true });
}
