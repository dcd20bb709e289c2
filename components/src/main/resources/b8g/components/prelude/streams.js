// b8g prelude: streams: WHATWG Streams (ReadableStream, WritableStream, TransformStream, queuing strategies).
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

// ---- ReadableStream ---------------------------------------------------------------------------
const RS = new WeakMapCtor(), RSReader = new WeakMapCtor(), RSController = new WeakMapCtor();
function newReadableSlots(pub) {
  return { __proto__: null, pub, state: 'readable', storedError: undefined, reader: null, disturbed: false, controller: null };
}
function isReadableStreamLocked(s) { return s.reader !== null; }

class ReadableStream {
  constructor(underlyingSource = undefined, strategy = undefined) {
    const src = underlyingSource === null ? undefined : underlyingSource;
    if (src !== undefined && typeof src !== 'object' && typeof src !== 'function') throw new TypeErrorCtor('ReadableStream: the underlying source must be an object');
    const s = newReadableSlots(this);
    ReflectApply(WeakMapSet, RS, [this, s]);
    const type = src === undefined ? undefined : src.type;
    if (type !== undefined && StringCtor(type) !== 'bytes') throw new TypeErrorCtor('ReadableStream: type must be undefined or "bytes", not ' + StringCtor(type));
    const start = method(src, 'start', 'underlyingSource'), pull = method(src, 'pull', 'underlyingSource'), cancel = method(src, 'cancel', 'underlyingSource');
    const hwm = extractHighWaterMark(strategy, type === undefined ? 1 : 0);
    const size = type === undefined ? extractSizeAlgorithm(strategy) : () => 1;
    const c = newReadableController(s);
    setUpReadableStreamDefaultController(s, c,
      () => start === undefined ? undefined : ReflectApply(start, src, [c.pub]),
      () => promiseCall(pull, src, [c.pub]),
      (reason) => promiseCall(cancel, src, [reason]), hwm, size);
  }
  get locked() { return isReadableStreamLocked(slotsOf(RS, this, 'ReadableStream.locked')); }
  cancel(reason = undefined) {
    const s = ReflectApply(WeakMapGet, RS, [this]);
    if (s === undefined) return rejected(new TypeErrorCtor('ReadableStream.cancel called on an object that is not a ReadableStream'));
    if (isReadableStreamLocked(s)) return rejected(new TypeErrorCtor('ReadableStream.cancel: the stream is locked to a reader'));
    return readableStreamCancel(s, reason);
  }
  getReader(options = undefined) {
    const s = slotsOf(RS, this, 'ReadableStream.getReader');
    const mode = options === undefined || options === null ? undefined : options.mode;
    if (mode !== undefined) {
      if (StringCtor(mode) === 'byob') throw new TypeErrorCtor('ReadableStream.getReader: BYOB readers are not supported here');
      throw new TypeErrorCtor('ReadableStream.getReader: mode must be undefined or "byob", not ' + StringCtor(mode));
    }
    return acquireReader(s);
  }
  pipeThrough(transform, options = undefined) {
    const s = slotsOf(RS, this, 'ReadableStream.pipeThrough');
    if (transform === null || typeof transform !== 'object') throw new TypeErrorCtor('ReadableStream.pipeThrough needs { readable, writable }');
    const readable = transform.readable, writable = transform.writable;
    const r = readable === undefined ? undefined : ReflectApply(WeakMapGet, RS, [readable]);
    const w = writable === undefined ? undefined : ReflectApply(WeakMapGet, WS, [writable]);
    if (r === undefined) throw new TypeErrorCtor('ReadableStream.pipeThrough: transform.readable is not a ReadableStream');
    if (w === undefined) throw new TypeErrorCtor('ReadableStream.pipeThrough: transform.writable is not a WritableStream');
    const o = pipeOptions(options);
    if (isReadableStreamLocked(s)) throw new TypeErrorCtor('ReadableStream.pipeThrough: the stream is locked');
    if (isWritableStreamLocked(w)) throw new TypeErrorCtor('ReadableStream.pipeThrough: the writable is locked');
    markHandled(readableStreamPipeTo(s, w, o.preventClose, o.preventAbort, o.preventCancel, o.signal));
    return readable;
  }
  pipeTo(destination, options = undefined) {
    const s = ReflectApply(WeakMapGet, RS, [this]);
    if (s === undefined) return rejected(new TypeErrorCtor('ReadableStream.pipeTo called on an object that is not a ReadableStream'));
    const w = destination === null || typeof destination !== 'object' ? undefined : ReflectApply(WeakMapGet, WS, [destination]);
    if (w === undefined) return rejected(new TypeErrorCtor('ReadableStream.pipeTo: the destination is not a WritableStream'));
    let o;
    try { o = pipeOptions(options); } catch (e) { return rejected(e); }
    if (isReadableStreamLocked(s)) return rejected(new TypeErrorCtor('ReadableStream.pipeTo: the stream is locked'));
    if (isWritableStreamLocked(w)) return rejected(new TypeErrorCtor('ReadableStream.pipeTo: the destination is locked'));
    return readableStreamPipeTo(s, w, o.preventClose, o.preventAbort, o.preventCancel, o.signal);
  }
  tee() {
    const s = slotsOf(RS, this, 'ReadableStream.tee');
    const pair = readableStreamDefaultTee(s);
    const out = []; push(out, pair[0]); push(out, pair[1]);
    return out;
  }
  values(options = undefined) {
    const s = slotsOf(RS, this, 'ReadableStream.values');
    const preventCancel = options === undefined || options === null ? false : !!options.preventCancel;
    return readableStreamIterator(s, preventCancel);
  }
  static from(asyncIterable) { return readableStreamFromIterable(asyncIterable); }
}
ObjectDefineProperty(ReadableStream.prototype, SymbolAsyncIterator, { value: ReadableStream.prototype.values, writable: true, configurable: true });
ObjectDefineProperty(ReadableStream.prototype, SymbolToStringTag, { value: 'ReadableStream', configurable: true });

function pipeOptions(options) {
  if (options === undefined || options === null) return { __proto__: null, preventClose: false, preventAbort: false, preventCancel: false, signal: undefined };
  if (typeof options !== 'object' && typeof options !== 'function') throw new TypeErrorCtor('pipe options must be an object');
  const preventAbort = !!options.preventAbort, preventCancel = !!options.preventCancel, preventClose = !!options.preventClose;
  const signal = options.signal;
  if (signal !== undefined && !isAbortSignal(signal)) throw new TypeErrorCtor('pipe options: signal must be an AbortSignal');
  return { __proto__: null, preventClose, preventAbort, preventCancel, signal };
}

// A stream made by the platform (TransformStream, Blob.stream, channel ends): no user source.
function createReadableStream(startAlgorithm, pullAlgorithm, cancelAlgorithm, hwm = 1, size = () => 1) {
  const pub = ObjectCreate(ReadableStream.prototype);
  const s = newReadableSlots(pub);
  ReflectApply(WeakMapSet, RS, [pub, s]);
  const c = newReadableController(s);
  setUpReadableStreamDefaultController(s, c, startAlgorithm, pullAlgorithm, cancelAlgorithm, hwm, size);
  return s;
}

function readableStreamCancel(s, reason) {
  s.disturbed = true;
  if (s.state === 'closed') return resolved(undefined);
  if (s.state === 'errored') return rejected(s.storedError);
  readableStreamClose(s);
  const sourceCancel = readableControllerCancelSteps(s.controller, reason);
  return react(sourceCancel, () => undefined);
}
function readableStreamClose(s) {
  s.state = 'closed';
  const r = s.reader;
  if (r === null) return;
  r.closed.resolve(undefined);
  const reqs = r.readRequests; r.readRequests = [];
  for (let i = 0; i < reqs.length; i++) reqs[i].close();
}
function readableStreamError(s, e) {
  s.state = 'errored';
  s.storedError = e;
  const r = s.reader;
  if (r === null) return;
  r.closed.reject(e); markHandled(r.closed.promise);
  const reqs = r.readRequests; r.readRequests = [];
  for (let i = 0; i < reqs.length; i++) reqs[i].error(e);
}
function readableStreamAddReadRequest(s, req) { push(s.reader.readRequests, req); }
function readableStreamFulfillReadRequest(s, chunk, done) {
  const req = shift(s.reader.readRequests);
  if (done) req.close(); else req.chunk(chunk);
}
function readableStreamGetNumReadRequests(s) { return s.reader === null ? 0 : s.reader.readRequests.length; }

// ---- ReadableStreamDefaultController ------------------------------------------------------------
class ReadableStreamDefaultController {
  constructor() { throw new TypeErrorCtor('ReadableStreamDefaultController cannot be constructed'); }
  get desiredSize() { return readableControllerDesiredSize(slotsOf(RSController, this, 'ReadableStreamDefaultController.desiredSize')); }
  get byobRequest() { slotsOf(RSController, this, 'ReadableStreamDefaultController.byobRequest'); return null; }
  close() {
    const c = slotsOf(RSController, this, 'ReadableStreamDefaultController.close');
    if (!readableControllerCanCloseOrEnqueue(c)) throw new TypeErrorCtor('ReadableStreamDefaultController.close: the stream is closed or closing');
    readableControllerClose(c);
  }
  enqueue(chunk = undefined) {
    const c = slotsOf(RSController, this, 'ReadableStreamDefaultController.enqueue');
    if (!readableControllerCanCloseOrEnqueue(c)) throw new TypeErrorCtor('ReadableStreamDefaultController.enqueue: the stream is closed or closing');
    readableControllerEnqueue(c, chunk);
  }
  error(e = undefined) { readableControllerError(slotsOf(RSController, this, 'ReadableStreamDefaultController.error'), e); }
}
ObjectDefineProperty(ReadableStreamDefaultController.prototype, SymbolToStringTag, { value: 'ReadableStreamDefaultController', configurable: true });
function newReadableController(s) {
  const pub = ObjectCreate(ReadableStreamDefaultController.prototype);
  const c = {
    __proto__: null, pub, stream: s, queue: [], queueTotalSize: 0, started: false, closeRequested: false, pullAgain: false, pulling: false,
    strategySizeAlgorithm: null, strategyHWM: 0, pullAlgorithm: null, cancelAlgorithm: null,
  };
  ReflectApply(WeakMapSet, RSController, [pub, c]);
  return c;
}
function setUpReadableStreamDefaultController(s, c, startAlgorithm, pullAlgorithm, cancelAlgorithm, hwm, size) {
  c.strategyHWM = hwm; c.strategySizeAlgorithm = size;
  c.pullAlgorithm = pullAlgorithm; c.cancelAlgorithm = cancelAlgorithm;
  s.controller = c;
  const startResult = startAlgorithm();
  then(resolved(startResult), () => {
    c.started = true;
    readableControllerCallPullIfNeeded(c);
  }, (e) => readableControllerError(c, e));
}
function readableControllerCallPullIfNeeded(c) {
  if (!readableControllerShouldCallPull(c)) return;
  if (c.pulling) { c.pullAgain = true; return; }
  c.pulling = true;
  then(c.pullAlgorithm(), () => {
    c.pulling = false;
    if (c.pullAgain) { c.pullAgain = false; readableControllerCallPullIfNeeded(c); }
  }, (e) => readableControllerError(c, e));
}
function readableControllerShouldCallPull(c) {
  const s = c.stream;
  if (!readableControllerCanCloseOrEnqueue(c) || !c.started) return false;
  if (s.reader !== null && readableStreamGetNumReadRequests(s) > 0) return true;
  return readableControllerDesiredSize(c) > 0;
}
function readableControllerClearAlgorithms(c) { c.pullAlgorithm = null; c.cancelAlgorithm = null; c.strategySizeAlgorithm = null; }
function readableControllerClose(c) {
  if (!readableControllerCanCloseOrEnqueue(c)) return;
  c.closeRequested = true;
  if (c.queue.length === 0) { readableControllerClearAlgorithms(c); readableStreamClose(c.stream); }
}
function readableControllerEnqueue(c, chunk) {
  if (!readableControllerCanCloseOrEnqueue(c)) return;
  const s = c.stream;
  if (s.reader !== null && readableStreamGetNumReadRequests(s) > 0) readableStreamFulfillReadRequest(s, chunk, false);
  else {
    let size;
    try { size = c.strategySizeAlgorithm(chunk); enqueueValueWithSize(c, chunk, size); } catch (e) { readableControllerError(c, e); throw e; }
  }
  readableControllerCallPullIfNeeded(c);
}
function readableControllerError(c, e) {
  const s = c.stream;
  if (s.state !== 'readable') return;
  resetQueue(c);
  readableControllerClearAlgorithms(c);
  readableStreamError(s, e);
}
function readableControllerDesiredSize(c) {
  const st = c.stream.state;
  if (st === 'errored') return null;
  if (st === 'closed') return 0;
  return c.strategyHWM - c.queueTotalSize;
}
function readableControllerHasBackpressure(c) { return !readableControllerShouldCallPull(c); }
function readableControllerCanCloseOrEnqueue(c) { return !c.closeRequested && c.stream.state === 'readable'; }
function readableControllerCancelSteps(c, reason) {
  resetQueue(c);
  const result = c.cancelAlgorithm(reason);
  readableControllerClearAlgorithms(c);
  return result;
}
function readableControllerPullSteps(c, req) {
  const s = c.stream;
  if (c.queue.length > 0) {
    const chunk = dequeueValue(c);
    if (c.closeRequested && c.queue.length === 0) { readableControllerClearAlgorithms(c); readableStreamClose(s); }
    else readableControllerCallPullIfNeeded(c);
    req.chunk(chunk);
  } else {
    readableStreamAddReadRequest(s, req);
    readableControllerCallPullIfNeeded(c);
  }
}

// ---- ReadableStreamDefaultReader --------------------------------------------------------------
class ReadableStreamDefaultReader {
  constructor(stream) {
    const s = stream === null || typeof stream !== 'object' ? undefined : ReflectApply(WeakMapGet, RS, [stream]);
    if (s === undefined) throw new TypeErrorCtor('ReadableStreamDefaultReader needs a ReadableStream');
    setUpReader(this, s);
  }
  get closed() {
    const r = ReflectApply(WeakMapGet, RSReader, [this]);
    return r === undefined ? rejected(new TypeErrorCtor('ReadableStreamDefaultReader.closed on the wrong object')) : r.closed.promise;
  }
  cancel(reason = undefined) {
    const r = ReflectApply(WeakMapGet, RSReader, [this]);
    if (r === undefined) return rejected(new TypeErrorCtor('ReadableStreamDefaultReader.cancel on the wrong object'));
    if (r.stream === null) return rejected(new TypeErrorCtor('ReadableStreamDefaultReader.cancel: the reader was released'));
    return readableStreamCancel(r.stream, reason);
  }
  read() {
    const r = ReflectApply(WeakMapGet, RSReader, [this]);
    if (r === undefined) return rejected(new TypeErrorCtor('ReadableStreamDefaultReader.read on the wrong object'));
    if (r.stream === null) return rejected(new TypeErrorCtor('ReadableStreamDefaultReader.read: the reader was released'));
    const d = deferred();
    readerRead(r, {
      __proto__: null,
      chunk: (v) => d.resolve({ value: v, done: false }),
      close: () => d.resolve({ value: undefined, done: true }),
      error: (e) => d.reject(e),
    });
    return d.promise;
  }
  releaseLock() {
    const r = slotsOf(RSReader, this, 'ReadableStreamDefaultReader.releaseLock');
    if (r.stream === null) return;
    readerRelease(r);
  }
}
ObjectDefineProperty(ReadableStreamDefaultReader.prototype, SymbolToStringTag, { value: 'ReadableStreamDefaultReader', configurable: true });
function acquireReader(s) {
  const pub = ObjectCreate(ReadableStreamDefaultReader.prototype);
  return setUpReader(pub, s);
}
function setUpReader(pub, s) {
  if (isReadableStreamLocked(s)) throw new TypeErrorCtor('the ReadableStream is locked to a reader already');
  const r = { __proto__: null, pub, stream: s, readRequests: [], closed: deferred() };
  ReflectApply(WeakMapSet, RSReader, [pub, r]);
  s.reader = r;
  if (s.state === 'closed') r.closed.resolve(undefined);
  else if (s.state === 'errored') { r.closed.reject(s.storedError); markHandled(r.closed.promise); }
  return pub;
}
function readerRead(r, req) {
  const s = r.stream;
  s.disturbed = true;
  if (s.state === 'closed') req.close();
  else if (s.state === 'errored') req.error(s.storedError);
  else readableControllerPullSteps(s.controller, req);
}
function readerRelease(r) {
  const s = r.stream;
  const e = new TypeErrorCtor('the reader was released');
  if (s.state === 'readable') r.closed.reject(e);
  else { r.closed = deferred(); r.closed.reject(e); }
  markHandled(r.closed.promise);
  s.reader = null;
  r.stream = null;
  const reqs = r.readRequests; r.readRequests = [];
  for (let i = 0; i < reqs.length; i++) reqs[i].error(e);
}

// ---- tee ----------------------------------------------------------------------------------------
function readableStreamDefaultTee(s) {
  const r = ReflectApply(WeakMapGet, RSReader, [acquireReader(s)]);
  let reading = false, readAgain = false, canceled1 = false, canceled2 = false, reason1, reason2;
  let b1 = null, b2 = null;
  const cancelPromise = deferred();
  function pullAlgorithm() {
    if (reading) { readAgain = true; return resolved(undefined); }
    reading = true;
    readerRead(r, {
      __proto__: null,
      chunk(chunk) {
        // Queued as a microtask in the standard, so a read that settles synchronously does not
        // starve the other branch: the same here.
        then(resolved(undefined), () => {
          readAgain = false;
          if (!canceled1) readableControllerEnqueue(b1.controller, chunk);
          if (!canceled2) readableControllerEnqueue(b2.controller, chunk);
          reading = false;
          if (readAgain) pullAlgorithm();
        });
      },
      close() {
        reading = false;
        if (!canceled1) readableControllerClose(b1.controller);
        if (!canceled2) readableControllerClose(b2.controller);
        if (!canceled1 || !canceled2) cancelPromise.resolve(undefined);
      },
      error() { reading = false; },
    });
    return resolved(undefined);
  }
  function cancel(which, reason) {
    if (which === 1) { canceled1 = true; reason1 = reason; } else { canceled2 = true; reason2 = reason; }
    if (canceled1 && canceled2) {
      const both = []; push(both, reason1); push(both, reason2);
      then(readableStreamCancel(s, both), cancelPromise.resolve, cancelPromise.reject);
    }
    return cancelPromise.promise;
  }
  b1 = createReadableStream(noop, pullAlgorithm, (reason) => cancel(1, reason));
  b2 = createReadableStream(noop, pullAlgorithm, (reason) => cancel(2, reason));
  then(r.closed.promise, undefined, (e) => {
    readableControllerError(b1.controller, e);
    readableControllerError(b2.controller, e);
    if (!canceled1 || !canceled2) cancelPromise.resolve(undefined);
  });
  const out = []; push(out, b1.pub); push(out, b2.pub);
  return out;
}

// ---- async iteration ----------------------------------------------------------------------------
const RSIter = new WeakMapCtor();
const readableIteratorProto = ObjectCreate(AsyncIteratorPrototype, {
  next: {
    value: function next() {
      const it = ReflectApply(WeakMapGet, RSIter, [this]);
      if (it === undefined) return rejected(new TypeErrorCtor('next called on an object that is not a ReadableStream iterator'));
      // Each next() waits for the one before (the standard's ongoing promise).
      const step = () => iterNext(it);
      it.ongoing = it.ongoing === null ? step() : react(it.ongoing, step, step);
      return it.ongoing;
    },
    writable: true, configurable: true,
  },
  return: {
    value: function ret(value) {
      const it = ReflectApply(WeakMapGet, RSIter, [this]);
      if (it === undefined) return rejected(new TypeErrorCtor('return called on an object that is not a ReadableStream iterator'));
      const step = () => iterReturn(it, value);
      it.ongoing = it.ongoing === null ? step() : react(it.ongoing, step, step);
      return it.ongoing;
    },
    writable: true, configurable: true,
  },
  [SymbolToStringTag]: { value: 'ReadableStream AsyncIterator', configurable: true },
});
function readableStreamIterator(s, preventCancel) {
  const r = ReflectApply(WeakMapGet, RSReader, [acquireReader(s)]);
  const pub = ObjectCreate(readableIteratorProto);
  ReflectApply(WeakMapSet, RSIter, [pub, { __proto__: null, reader: r, preventCancel, done: false, ongoing: null }]);
  return pub;
}
function iterNext(it) {
  if (it.done) return resolved({ value: undefined, done: true });
  const r = it.reader;
  if (r.stream === null) return rejected(new TypeErrorCtor('the iterator\'s reader was released'));
  const d = deferred();
  readerRead(r, {
    __proto__: null,
    chunk: (v) => d.resolve({ value: v, done: false }),
    close: () => { it.done = true; readerRelease(r); d.resolve({ value: undefined, done: true }); },
    error: (e) => { it.done = true; readerRelease(r); d.reject(e); },
  });
  return d.promise;
}
function iterReturn(it, value) {
  if (it.done) return resolved({ value, done: true });
  it.done = true;
  const r = it.reader;
  if (r.stream === null) return rejected(new TypeErrorCtor('the iterator\'s reader was released'));
  if (!it.preventCancel) {
    const s = r.stream;
    const result = readableStreamCancel(s, value);
    readerRelease(r);
    return react(result, () => ({ value, done: true }));
  }
  readerRelease(r);
  return resolved({ value, done: true });
}

// ---- ReadableStream.from ------------------------------------------------------------------------
function readableStreamFromIterable(iterable) {
  if (iterable === null || iterable === undefined) throw new TypeErrorCtor('ReadableStream.from needs an iterable or async iterable');
  let iterator, nextMethod, isAsync = true;
  let m = iterable[SymbolAsyncIterator];
  if (m === undefined || m === null) { m = iterable[SymbolIterator]; isAsync = false; }
  if (typeof m !== 'function') throw new TypeErrorCtor('ReadableStream.from needs an iterable or async iterable');
  iterator = ReflectApply(m, iterable, []);
  if (iterator === null || typeof iterator !== 'object') throw new TypeErrorCtor('ReadableStream.from: the iterator is not an object');
  nextMethod = iterator.next;
  let s = null;
  function pull() {
    let result;
    try { result = ReflectApply(nextMethod, iterator, []); } catch (e) { return rejected(e); }
    if (!isAsync) {
      if (result === null || typeof result !== 'object') return rejected(new TypeErrorCtor('iterator.next() did not return an object'));
      // A sync iterator's value may be a promise: awaited, as CreateAsyncFromSyncIterator does.
      const done = !!result.done;
      return react(resolved(result.value), (v) => {
        if (done) readableControllerClose(s.controller); else readableControllerEnqueue(s.controller, v);
      });
    }
    return react(resolved(result), (res) => {
      if (res === null || typeof res !== 'object') throw new TypeErrorCtor('iterator.next() did not resolve to an object');
      if (res.done) readableControllerClose(s.controller);
      else readableControllerEnqueue(s.controller, res.value);
    });
  }
  function cancel(reason) {
    let ret;
    try { ret = iterator.return; } catch (e) { return rejected(e); }
    if (ret === undefined || ret === null) return resolved(undefined);
    let result;
    try { result = ReflectApply(ret, iterator, [reason]); } catch (e) { return rejected(e); }
    return react(resolved(result), (res) => {
      if (res === null || typeof res !== 'object') throw new TypeErrorCtor('iterator.return() did not resolve to an object');
    });
  }
  s = createReadableStream(noop, pull, cancel, 0);
  return s.pub;
}

// ---- pipeTo -----------------------------------------------------------------------------------
// ReadableStreamPipeTo: reads while the destination's desiredSize is positive, writes in order,
// and propagates closing and errors both ways as the standard's rules say.
function readableStreamPipeTo(source, dest, preventClose, preventAbort, preventCancel, signal) {
  const reader = ReflectApply(WeakMapGet, RSReader, [acquireReader(source)]);
  const writer = ReflectApply(WeakMapGet, WSWriter, [acquireWriter(dest)]);
  source.disturbed = true;
  let shuttingDown = false;
  let currentWrite = resolved(undefined);
  const done = deferred();
  let finalized = false;

  function finalize(isError, error) {
    // The abort algorithm stays on the signal (events.js has no removal); it does nothing now.
    finalized = true;
    writerRelease(writer);
    readerRelease(reader);
    if (isError) done.reject(error); else done.resolve(undefined);
  }
  // Waits for the write in flight (and those it chains) before acting.
  function waitForWrites(k) {
    const w = currentWrite;
    const next = () => { if (w === currentWrite) k(); else waitForWrites(k); };
    then(w, next, next);
  }
  function shutdownWithAction(action, isError, error) {
    if (shuttingDown) return;
    shuttingDown = true;
    const go = () => { then(action(), () => finalize(isError, error), (e) => finalize(true, e)); };
    if (dest.state === 'writable' && !writableStreamCloseQueuedOrInFlight(dest)) waitForWrites(go); else go();
  }
  function shutdown(isError, error) {
    if (shuttingDown) return;
    shuttingDown = true;
    if (dest.state === 'writable' && !writableStreamCloseQueuedOrInFlight(dest)) waitForWrites(() => { finalize(isError, error); });
    else finalize(isError, error);
  }

  if (signal !== undefined) {
    const abortAlgorithm = () => {
      if (finalized) return;
      const error = signalState(signal, 'reason').reason;
      const actions = [];
      if (!preventAbort) push(actions, () => dest.state === 'writable' ? writableStreamAbort(dest, error) : resolved(undefined));
      if (!preventCancel) push(actions, () => source.state === 'readable' ? readableStreamCancel(source, error) : resolved(undefined));
      shutdownWithAction(() => allSettledOrFirstError(actions), true, error);
    };
    if (signalAborted(signal)) { abortAlgorithm(); return done.promise; }
    signalAddAlgorithm(signal, abortAlgorithm);
  }

  // Errors and closes propagate forward and backward (checked each step and on the promises).
  function checkStates() {
    if (shuttingDown) return true;
    if (source.state === 'errored') {
      if (!preventAbort) shutdownWithAction(() => writableStreamAbort(dest, source.storedError), true, source.storedError);
      else shutdown(true, source.storedError);
      return true;
    }
    if (dest.state === 'errored' || dest.state === 'erroring') {
      if (!preventCancel) shutdownWithAction(() => readableStreamCancel(source, dest.storedError), true, dest.storedError);
      else shutdown(true, dest.storedError);
      return true;
    }
    if (source.state === 'closed') {
      if (!preventClose) shutdownWithAction(() => writableStreamDefaultWriterCloseWithErrorPropagation(writer), false);
      else shutdown(false);
      return true;
    }
    if (writableStreamCloseQueuedOrInFlight(dest) || dest.state === 'closed') {
      const e = new TypeErrorCtor('the destination of the pipe was closed');
      if (!preventCancel) shutdownWithAction(() => readableStreamCancel(source, e), true, e);
      else shutdown(true, e);
      return true;
    }
    return false;
  }
  then(reader.closed.promise, () => checkStates(), () => checkStates());
  then(writer.closed.promise, () => checkStates(), () => checkStates());

  function loop() {
    if (checkStates()) return;
    // Backpressure: wait for the writer's ready promise before each read.
    then(writer.ready.promise, () => {
      if (checkStates()) return;
      readerRead(reader, {
        __proto__: null,
        chunk(chunk) {
          currentWrite = writableStreamDefaultWriterWrite(writer, chunk);
          markHandled(currentWrite);
          loop();
        },
        close() { checkStates(); },
        error() { checkStates(); },
      });
    }, () => checkStates());
  }
  loop();
  return done.promise;
}
function allSettledOrFirstError(actions) {
  const ps = [];
  for (let i = 0; i < actions.length; i++) push(ps, actions[i]());
  if (ps.length === 0) return resolved(undefined);
  const d = deferred();
  let left = ps.length;
  for (let i = 0; i < ps.length; i++) then(ps[i], () => { if (--left === 0) d.resolve(undefined); }, d.reject);
  return d.promise;
}

// ---- WritableStream ---------------------------------------------------------------------------
const WS = new WeakMapCtor(), WSWriter = new WeakMapCtor(), WSController = new WeakMapCtor();
const CLOSE_SENTINEL = { __proto__: null };
function newWritableSlots(pub) {
  return {
    __proto__: null, pub, state: 'writable', storedError: undefined, writer: null, controller: null,
    inFlightWriteRequest: null, inFlightCloseRequest: null, closeRequest: null, pendingAbortRequest: null,
    writeRequests: [], backpressure: false,
  };
}
function isWritableStreamLocked(w) { return w.writer !== null; }
class WritableStream {
  constructor(underlyingSink = undefined, strategy = undefined) {
    const sink = underlyingSink === null ? undefined : underlyingSink;
    if (sink !== undefined && typeof sink !== 'object' && typeof sink !== 'function') throw new TypeErrorCtor('WritableStream: the underlying sink must be an object');
    if (sink !== undefined && sink.type !== undefined) throw new RangeErrorCtor('WritableStream: type must be undefined');
    const w = newWritableSlots(this);
    ReflectApply(WeakMapSet, WS, [this, w]);
    const start = method(sink, 'start', 'underlyingSink'), write = method(sink, 'write', 'underlyingSink');
    const close = method(sink, 'close', 'underlyingSink'), abort = method(sink, 'abort', 'underlyingSink');
    const hwm = extractHighWaterMark(strategy, 1), size = extractSizeAlgorithm(strategy);
    const c = newWritableController(w);
    setUpWritableStreamDefaultController(w, c,
      () => start === undefined ? undefined : ReflectApply(start, sink, [c.pub]),
      (chunk) => promiseCall(write, sink, [chunk, c.pub]),
      () => promiseCall(close, sink, []),
      (reason) => promiseCall(abort, sink, [reason]), hwm, size);
  }
  get locked() { return isWritableStreamLocked(slotsOf(WS, this, 'WritableStream.locked')); }
  abort(reason = undefined) {
    const w = ReflectApply(WeakMapGet, WS, [this]);
    if (w === undefined) return rejected(new TypeErrorCtor('WritableStream.abort called on an object that is not a WritableStream'));
    if (isWritableStreamLocked(w)) return rejected(new TypeErrorCtor('WritableStream.abort: the stream is locked to a writer'));
    return writableStreamAbort(w, reason);
  }
  close() {
    const w = ReflectApply(WeakMapGet, WS, [this]);
    if (w === undefined) return rejected(new TypeErrorCtor('WritableStream.close called on an object that is not a WritableStream'));
    if (isWritableStreamLocked(w)) return rejected(new TypeErrorCtor('WritableStream.close: the stream is locked to a writer'));
    if (writableStreamCloseQueuedOrInFlight(w)) return rejected(new TypeErrorCtor('WritableStream.close: the stream is closing already'));
    return writableStreamClose(w);
  }
  getWriter() { return acquireWriter(slotsOf(WS, this, 'WritableStream.getWriter')); }
}
ObjectDefineProperty(WritableStream.prototype, SymbolToStringTag, { value: 'WritableStream', configurable: true });
function createWritableStream(startAlgorithm, writeAlgorithm, closeAlgorithm, abortAlgorithm, hwm = 1, size = () => 1) {
  const pub = ObjectCreate(WritableStream.prototype);
  const w = newWritableSlots(pub);
  ReflectApply(WeakMapSet, WS, [pub, w]);
  const c = newWritableController(w);
  setUpWritableStreamDefaultController(w, c, startAlgorithm, writeAlgorithm, closeAlgorithm, abortAlgorithm, hwm, size);
  return w;
}
function writableStreamAbort(w, reason) {
  if (w.state === 'closed' || w.state === 'errored') return resolved(undefined);
  abortSignal(w.controller.signal, reason);
  // The signal's listeners may have moved the stream on.
  const st = w.state;
  if (st === 'closed' || st === 'errored') return resolved(undefined);
  if (w.pendingAbortRequest !== null) return w.pendingAbortRequest.d.promise;
  let wasAlreadyErroring = false;
  if (st === 'erroring') { wasAlreadyErroring = true; reason = undefined; }
  const d = deferred();
  w.pendingAbortRequest = { __proto__: null, d, reason, wasAlreadyErroring };
  if (!wasAlreadyErroring) writableStreamStartErroring(w, reason);
  return d.promise;
}
function writableStreamClose(w) {
  const st = w.state;
  if (st === 'closed' || st === 'errored') return rejected(new TypeErrorCtor('the WritableStream is ' + st));
  const d = deferred();
  w.closeRequest = d;
  const wr = w.writer;
  if (wr !== null && w.backpressure && st === 'writable') wr.ready.resolve(undefined);
  writableControllerClose(w.controller);
  return d.promise;
}
function writableStreamAddWriteRequest(w) { const d = deferred(); push(w.writeRequests, d); return d.promise; }
function writableStreamDealWithRejection(w, e) {
  if (w.state === 'writable') { writableStreamStartErroring(w, e); return; }
  writableStreamFinishErroring(w);
}
function writableStreamStartErroring(w, reason) {
  const c = w.controller;
  w.state = 'erroring';
  w.storedError = reason;
  const wr = w.writer;
  if (wr !== null) writerEnsureReadyPromiseRejected(wr, reason);
  if (!writableStreamHasOperationMarkedInFlight(w) && c.started) writableStreamFinishErroring(w);
}
function writableStreamFinishErroring(w) {
  w.state = 'errored';
  // ErrorSteps of the controller: reset its queue.
  resetQueue(w.controller);
  const e = w.storedError;
  const reqs = w.writeRequests; w.writeRequests = [];
  for (let i = 0; i < reqs.length; i++) reqs[i].reject(e);
  if (w.pendingAbortRequest === null) { writableStreamRejectCloseAndClosedPromiseIfNeeded(w); return; }
  const abortRequest = w.pendingAbortRequest;
  w.pendingAbortRequest = null;
  if (abortRequest.wasAlreadyErroring) {
    abortRequest.d.reject(e);
    writableStreamRejectCloseAndClosedPromiseIfNeeded(w);
    return;
  }
  const c = w.controller;
  const p = c.abortAlgorithm(abortRequest.reason);
  writableControllerClearAlgorithms(c);
  then(p, () => { abortRequest.d.resolve(undefined); writableStreamRejectCloseAndClosedPromiseIfNeeded(w); },
    (reason) => { abortRequest.d.reject(reason); writableStreamRejectCloseAndClosedPromiseIfNeeded(w); });
}
function writableStreamFinishInFlightWrite(w) { w.inFlightWriteRequest.resolve(undefined); w.inFlightWriteRequest = null; }
function writableStreamFinishInFlightWriteWithError(w, e) {
  w.inFlightWriteRequest.reject(e); w.inFlightWriteRequest = null;
  writableStreamDealWithRejection(w, e);
}
function writableStreamFinishInFlightClose(w) {
  w.inFlightCloseRequest.resolve(undefined); w.inFlightCloseRequest = null;
  if (w.state === 'erroring') {
    w.storedError = undefined;
    if (w.pendingAbortRequest !== null) { w.pendingAbortRequest.d.resolve(undefined); w.pendingAbortRequest = null; }
  }
  w.state = 'closed';
  const wr = w.writer;
  if (wr !== null) wr.closed.resolve(undefined);
}
function writableStreamFinishInFlightCloseWithError(w, e) {
  w.inFlightCloseRequest.reject(e); w.inFlightCloseRequest = null;
  if (w.pendingAbortRequest !== null) { w.pendingAbortRequest.d.reject(e); w.pendingAbortRequest = null; }
  writableStreamDealWithRejection(w, e);
}
function writableStreamCloseQueuedOrInFlight(w) { return w.closeRequest !== null || w.inFlightCloseRequest !== null; }
function writableStreamHasOperationMarkedInFlight(w) { return w.inFlightWriteRequest !== null || w.inFlightCloseRequest !== null; }
function writableStreamMarkCloseRequestInFlight(w) { w.inFlightCloseRequest = w.closeRequest; w.closeRequest = null; }
function writableStreamMarkFirstWriteRequestInFlight(w) { w.inFlightWriteRequest = shift(w.writeRequests); }
function writableStreamRejectCloseAndClosedPromiseIfNeeded(w) {
  if (w.closeRequest !== null) { w.closeRequest.reject(w.storedError); w.closeRequest = null; }
  const wr = w.writer;
  if (wr !== null) { wr.closed.reject(w.storedError); markHandled(wr.closed.promise); }
}
function writableStreamUpdateBackpressure(w, backpressure) {
  const wr = w.writer;
  if (wr !== null && backpressure !== w.backpressure) {
    if (backpressure) wr.ready = deferred();
    else wr.ready.resolve(undefined);
  }
  w.backpressure = backpressure;
}

// ---- WritableStreamDefaultWriter ----------------------------------------------------------------
class WritableStreamDefaultWriter {
  constructor(stream) {
    const w = stream === null || typeof stream !== 'object' ? undefined : ReflectApply(WeakMapGet, WS, [stream]);
    if (w === undefined) throw new TypeErrorCtor('WritableStreamDefaultWriter needs a WritableStream');
    setUpWriter(this, w);
  }
  get closed() {
    const wr = ReflectApply(WeakMapGet, WSWriter, [this]);
    return wr === undefined ? rejected(new TypeErrorCtor('WritableStreamDefaultWriter.closed on the wrong object')) : wr.closed.promise;
  }
  get desiredSize() {
    const wr = slotsOf(WSWriter, this, 'WritableStreamDefaultWriter.desiredSize');
    if (wr.stream === null) throw new TypeErrorCtor('WritableStreamDefaultWriter.desiredSize: the writer was released');
    return writerGetDesiredSize(wr);
  }
  get ready() {
    const wr = ReflectApply(WeakMapGet, WSWriter, [this]);
    return wr === undefined ? rejected(new TypeErrorCtor('WritableStreamDefaultWriter.ready on the wrong object')) : wr.ready.promise;
  }
  abort(reason = undefined) {
    const wr = ReflectApply(WeakMapGet, WSWriter, [this]);
    if (wr === undefined) return rejected(new TypeErrorCtor('WritableStreamDefaultWriter.abort on the wrong object'));
    if (wr.stream === null) return rejected(new TypeErrorCtor('WritableStreamDefaultWriter.abort: the writer was released'));
    return writableStreamAbort(wr.stream, reason);
  }
  close() {
    const wr = ReflectApply(WeakMapGet, WSWriter, [this]);
    if (wr === undefined) return rejected(new TypeErrorCtor('WritableStreamDefaultWriter.close on the wrong object'));
    const w = wr.stream;
    if (w === null) return rejected(new TypeErrorCtor('WritableStreamDefaultWriter.close: the writer was released'));
    if (writableStreamCloseQueuedOrInFlight(w)) return rejected(new TypeErrorCtor('WritableStreamDefaultWriter.close: the stream is closing already'));
    return writableStreamClose(w);
  }
  releaseLock() {
    const wr = slotsOf(WSWriter, this, 'WritableStreamDefaultWriter.releaseLock');
    if (wr.stream === null) return;
    writerRelease(wr);
  }
  write(chunk = undefined) {
    const wr = ReflectApply(WeakMapGet, WSWriter, [this]);
    if (wr === undefined) return rejected(new TypeErrorCtor('WritableStreamDefaultWriter.write on the wrong object'));
    if (wr.stream === null) return rejected(new TypeErrorCtor('WritableStreamDefaultWriter.write: the writer was released'));
    return writableStreamDefaultWriterWrite(wr, chunk);
  }
}
ObjectDefineProperty(WritableStreamDefaultWriter.prototype, SymbolToStringTag, { value: 'WritableStreamDefaultWriter', configurable: true });
function acquireWriter(w) { return setUpWriter(ObjectCreate(WritableStreamDefaultWriter.prototype), w); }
function setUpWriter(pub, w) {
  if (isWritableStreamLocked(w)) throw new TypeErrorCtor('the WritableStream is locked to a writer already');
  const wr = { __proto__: null, pub, stream: w, ready: deferred(), closed: deferred() };
  ReflectApply(WeakMapSet, WSWriter, [pub, wr]);
  w.writer = wr;
  const st = w.state;
  if (st === 'writable') {
    if (!writableStreamCloseQueuedOrInFlight(w) && w.backpressure) { /* ready stays pending */ } else wr.ready.resolve(undefined);
  } else if (st === 'erroring') {
    wr.ready.reject(w.storedError); markHandled(wr.ready.promise);
  } else if (st === 'closed') {
    wr.ready.resolve(undefined); wr.closed.resolve(undefined);
  } else {
    wr.ready.reject(w.storedError); markHandled(wr.ready.promise);
    wr.closed.reject(w.storedError); markHandled(wr.closed.promise);
  }
  return pub;
}
function writerEnsureReadyPromiseRejected(wr, e) {
  if (wr.ready.settled) wr.ready = deferred();
  wr.ready.reject(e); markHandled(wr.ready.promise);
}
function writerEnsureClosedPromiseRejected(wr, e) {
  if (wr.closed.settled) wr.closed = deferred();
  wr.closed.reject(e); markHandled(wr.closed.promise);
}
function writerGetDesiredSize(wr) {
  const w = wr.stream, st = w.state;
  if (st === 'errored' || st === 'erroring') return null;
  if (st === 'closed') return 0;
  return writableControllerGetDesiredSize(w.controller);
}
function writerRelease(wr) {
  const w = wr.stream;
  const e = new TypeErrorCtor('the writer was released');
  writerEnsureReadyPromiseRejected(wr, e);
  writerEnsureClosedPromiseRejected(wr, e);
  w.writer = null;
  wr.stream = null;
}
function writableStreamDefaultWriterCloseWithErrorPropagation(wr) {
  const w = wr.stream, st = w.state;
  if (writableStreamCloseQueuedOrInFlight(w) || st === 'closed') return resolved(undefined);
  if (st === 'errored') return rejected(w.storedError);
  return writableStreamClose(w);
}
function writableStreamDefaultWriterWrite(wr, chunk) {
  const w = wr.stream, c = w.controller;
  const chunkSize = writableControllerGetChunkSize(c, chunk);
  if (w !== wr.stream) return rejected(new TypeErrorCtor('the writer was released'));
  const st = w.state;
  if (st === 'errored') return rejected(w.storedError);
  if (writableStreamCloseQueuedOrInFlight(w) || st === 'closed') return rejected(new TypeErrorCtor('the WritableStream is closing or closed'));
  if (st === 'erroring') return rejected(w.storedError);
  const p = writableStreamAddWriteRequest(w);
  writableControllerWrite(c, chunk, chunkSize);
  return p;
}

// ---- WritableStreamDefaultController ------------------------------------------------------------
class WritableStreamDefaultController {
  constructor() { throw new TypeErrorCtor('WritableStreamDefaultController cannot be constructed'); }
  // Aborted (with the abort reason) when the stream is aborted: a sink can stop work in flight.
  get signal() { return slotsOf(WSController, this, 'WritableStreamDefaultController.signal').signal; }
  error(e = undefined) {
    const c = slotsOf(WSController, this, 'WritableStreamDefaultController.error');
    if (c.stream.state !== 'writable') return;
    writableControllerError(c, e);
  }
}
ObjectDefineProperty(WritableStreamDefaultController.prototype, SymbolToStringTag, { value: 'WritableStreamDefaultController', configurable: true });
function newWritableController(w) {
  const pub = ObjectCreate(WritableStreamDefaultController.prototype);
  const c = {
    __proto__: null, pub, stream: w, queue: [], queueTotalSize: 0, started: false, strategyHWM: 1, strategySizeAlgorithm: null, signal: newSignal(),
    writeAlgorithm: null, closeAlgorithm: null, abortAlgorithm: null,
  };
  ReflectApply(WeakMapSet, WSController, [pub, c]);
  return c;
}
function setUpWritableStreamDefaultController(w, c, startAlgorithm, writeAlgorithm, closeAlgorithm, abortAlgorithm, hwm, size) {
  w.controller = c;
  c.strategyHWM = hwm; c.strategySizeAlgorithm = size;
  c.writeAlgorithm = writeAlgorithm; c.closeAlgorithm = closeAlgorithm; c.abortAlgorithm = abortAlgorithm;
  writableStreamUpdateBackpressure(w, writableControllerGetBackpressure(c));
  const startResult = startAlgorithm();
  then(resolved(startResult), () => {
    c.started = true;
    writableControllerAdvanceQueueIfNeeded(c);
  }, (e) => {
    c.started = true;
    writableStreamDealWithRejection(w, e);
  });
}
function writableControllerClearAlgorithms(c) { c.writeAlgorithm = null; c.closeAlgorithm = null; c.abortAlgorithm = null; c.strategySizeAlgorithm = null; }
function writableControllerClose(c) {
  enqueueValueWithSize(c, CLOSE_SENTINEL, 0);
  writableControllerAdvanceQueueIfNeeded(c);
}
function writableControllerGetChunkSize(c, chunk) {
  if (c.strategySizeAlgorithm === null) return 1;
  try { return c.strategySizeAlgorithm(chunk); } catch (e) { writableControllerErrorIfNeeded(c, e); return 1; }
}
function writableControllerGetDesiredSize(c) { return c.strategyHWM - c.queueTotalSize; }
function writableControllerWrite(c, chunk, chunkSize) {
  try { enqueueValueWithSize(c, chunk, chunkSize); } catch (e) { writableControllerErrorIfNeeded(c, e); return; }
  const w = c.stream;
  if (!writableStreamCloseQueuedOrInFlight(w) && w.state === 'writable') writableStreamUpdateBackpressure(w, writableControllerGetBackpressure(c));
  writableControllerAdvanceQueueIfNeeded(c);
}
function writableControllerAdvanceQueueIfNeeded(c) {
  const w = c.stream;
  if (!c.started || w.inFlightWriteRequest !== null) return;
  if (w.state === 'erroring') { writableStreamFinishErroring(w); return; }
  if (c.queue.length === 0) return;
  const value = peekQueueValue(c);
  if (value === CLOSE_SENTINEL) writableControllerProcessClose(c);
  else writableControllerProcessWrite(c, value);
}
function writableControllerErrorIfNeeded(c, e) { if (c.stream.state === 'writable') writableControllerError(c, e); }
function writableControllerProcessClose(c) {
  const w = c.stream;
  writableStreamMarkCloseRequestInFlight(w);
  dequeueValue(c);
  const p = c.closeAlgorithm();
  writableControllerClearAlgorithms(c);
  then(p, () => writableStreamFinishInFlightClose(w), (e) => writableStreamFinishInFlightCloseWithError(w, e));
}
function writableControllerProcessWrite(c, chunk) {
  const w = c.stream;
  writableStreamMarkFirstWriteRequestInFlight(w);
  then(c.writeAlgorithm(chunk), () => {
    writableStreamFinishInFlightWrite(w);
    const st = w.state;
    dequeueValue(c);
    if (!writableStreamCloseQueuedOrInFlight(w) && st === 'writable') writableStreamUpdateBackpressure(w, writableControllerGetBackpressure(c));
    writableControllerAdvanceQueueIfNeeded(c);
  }, (reason) => {
    if (w.state === 'writable') writableControllerClearAlgorithms(c);
    writableStreamFinishInFlightWriteWithError(w, reason);
  });
}
function writableControllerGetBackpressure(c) { return writableControllerGetDesiredSize(c) <= 0; }
function writableControllerError(c, e) {
  writableControllerClearAlgorithms(c);
  writableStreamStartErroring(c.stream, e);
}

// ---- TransformStream --------------------------------------------------------------------------
const TS = new WeakMapCtor(), TSController = new WeakMapCtor();
class TransformStream {
  constructor(transformer = undefined, writableStrategy = undefined, readableStrategy = undefined) {
    const tr = transformer === null ? undefined : transformer;
    if (tr !== undefined && typeof tr !== 'object' && typeof tr !== 'function') throw new TypeErrorCtor('TransformStream: the transformer must be an object');
    if (tr !== undefined && tr.readableType !== undefined) throw new RangeErrorCtor('TransformStream: readableType must be undefined');
    if (tr !== undefined && tr.writableType !== undefined) throw new RangeErrorCtor('TransformStream: writableType must be undefined');
    const readableHWM = extractHighWaterMark(readableStrategy, 0), readableSize = extractSizeAlgorithm(readableStrategy);
    const writableHWM = extractHighWaterMark(writableStrategy, 1), writableSize = extractSizeAlgorithm(writableStrategy);
    const start = method(tr, 'start', 'transformer'), transform = method(tr, 'transform', 'transformer');
    const flush = method(tr, 'flush', 'transformer'), cancel = method(tr, 'cancel', 'transformer');
    const startPromise = deferred();
    const t = initializeTransformStream(this, startPromise.promise, writableHWM, writableSize, readableHWM, readableSize);
    const c = t.controller;
    c.transformAlgorithm = transform === undefined
      ? (chunk) => { try { transformControllerEnqueue(c, chunk); return resolved(undefined); } catch (e) { return rejected(e); } }
      : (chunk) => promiseCall(transform, tr, [chunk, c.pub]);
    c.flushAlgorithm = () => promiseCall(flush, tr, [c.pub]);
    c.cancelAlgorithm = (reason) => promiseCall(cancel, tr, [reason]);
    if (start === undefined) startPromise.resolve(undefined);
    else { try { const r = ReflectApply(start, tr, [c.pub]); then(resolved(r), startPromise.resolve, startPromise.reject); } catch (e) { startPromise.reject(e); } }
  }
  get readable() { return slotsOf(TS, this, 'TransformStream.readable').readable.pub; }
  get writable() { return slotsOf(TS, this, 'TransformStream.writable').writable.pub; }
}
ObjectDefineProperty(TransformStream.prototype, SymbolToStringTag, { value: 'TransformStream', configurable: true });

// A TransformStream the platform makes (text and compression streams): `pub` is the object that
// gets the readable and writable getters; transform(chunk) and flush() return promises and use
// transformControllerEnqueue / transformStreamBackpressure on the returned record.
function initializeTransformStream(pub, startPromise, writableHWM, writableSize, readableHWM, readableSize) {
  const t = {
    __proto__: null, pub, readable: null, writable: null, backpressure: false, backpressureChange: null, controller: null,
  };
  ReflectApply(WeakMapSet, TS, [pub, t]);
  const start = () => startPromise;
  t.writable = createWritableStream(start,
    (chunk) => transformStreamDefaultSinkWrite(t, chunk),
    () => transformStreamDefaultSinkClose(t),
    (reason) => transformStreamDefaultSinkAbort(t, reason), writableHWM, writableSize);
  t.readable = createReadableStream(start,
    () => transformStreamDefaultSourcePull(t),
    (reason) => transformStreamDefaultSourceCancel(t, reason), readableHWM, readableSize);
  transformStreamSetBackpressure(t, true);
  const cpub = ObjectCreate(TransformStreamDefaultController.prototype);
  const c = { __proto__: null, pub: cpub, stream: t, transformAlgorithm: null, flushAlgorithm: null, cancelAlgorithm: null, finish: null };
  ReflectApply(WeakMapSet, TSController, [cpub, c]);
  t.controller = c;
  return t;
}
function platformTransform(pub, transform, flush, cancel, writableHWM = 1, readableHWM = 0) {
  const t = initializeTransformStream(pub, resolved(undefined), writableHWM, () => 1, readableHWM, () => 1);
  const c = t.controller;
  c.transformAlgorithm = (chunk) => { try { return resolved(transform(chunk)); } catch (e) { return rejected(e); } };
  c.flushAlgorithm = () => { try { return resolved(flush()); } catch (e) { return rejected(e); } };
  c.cancelAlgorithm = (reason) => { try { return resolved(cancel(reason)); } catch (e) { return rejected(e); } };
  return t;
}
// Resolves when the readable side wants more (the consumer read), for a transform that emits
// many chunks for one input; null when it wants more already.
function transformStreamBackpressure(t) { return t.backpressure ? t.backpressureChange.promise : null; }
function transformStreamError(t, e) {
  readableControllerError(t.readable.controller, e);
  transformStreamErrorWritableAndUnblockWrite(t, e);
}
function transformStreamErrorWritableAndUnblockWrite(t, e) {
  const c = t.controller;
  c.transformAlgorithm = null; c.flushAlgorithm = null; c.cancelAlgorithm = null;
  writableControllerErrorIfNeeded(t.writable.controller, e);
  transformStreamUnblockWrite(t);
}
function transformStreamUnblockWrite(t) { if (t.backpressure) transformStreamSetBackpressure(t, false); }
function transformStreamSetBackpressure(t, backpressure) {
  if (t.backpressureChange !== null) t.backpressureChange.resolve(undefined);
  t.backpressureChange = deferred();
  t.backpressure = backpressure;
}
class TransformStreamDefaultController {
  constructor() { throw new TypeErrorCtor('TransformStreamDefaultController cannot be constructed'); }
  get desiredSize() {
    const c = slotsOf(TSController, this, 'TransformStreamDefaultController.desiredSize');
    return readableControllerDesiredSize(c.stream.readable.controller);
  }
  enqueue(chunk = undefined) { transformControllerEnqueue(slotsOf(TSController, this, 'TransformStreamDefaultController.enqueue'), chunk); }
  error(reason = undefined) { transformStreamError(slotsOf(TSController, this, 'TransformStreamDefaultController.error').stream, reason); }
  terminate() { transformControllerTerminate(slotsOf(TSController, this, 'TransformStreamDefaultController.terminate')); }
}
ObjectDefineProperty(TransformStreamDefaultController.prototype, SymbolToStringTag, { value: 'TransformStreamDefaultController', configurable: true });
function transformControllerEnqueue(c, chunk) {
  const t = c.stream, rc = t.readable.controller;
  if (!readableControllerCanCloseOrEnqueue(rc)) throw new TypeErrorCtor('the readable side of the TransformStream is closed or errored');
  try { readableControllerEnqueue(rc, chunk); } catch (e) {
    transformStreamErrorWritableAndUnblockWrite(t, e);
    throw t.readable.storedError;
  }
  const backpressure = readableControllerHasBackpressure(rc);
  if (backpressure && !t.backpressure) transformStreamSetBackpressure(t, true);
}
function transformControllerTerminate(c) {
  const t = c.stream;
  readableControllerClose(t.readable.controller);
  transformStreamErrorWritableAndUnblockWrite(t, new TypeErrorCtor('the TransformStream was terminated'));
}
function transformControllerPerformTransform(c, chunk) {
  return react(c.transformAlgorithm(chunk), undefined, (r) => { transformStreamError(c.stream, r); throw r; });
}
function transformStreamDefaultSinkWrite(t, chunk) {
  const c = t.controller;
  if (t.backpressure) {
    return react(t.backpressureChange.promise, () => {
      const w = t.writable;
      if (w.state === 'erroring') throw w.storedError;
      return transformControllerPerformTransform(c, chunk);
    });
  }
  return transformControllerPerformTransform(c, chunk);
}
function transformStreamDefaultSinkAbort(t, reason) {
  const c = t.controller;
  if (c.finish !== null) return c.finish.promise;
  const r = t.readable;
  c.finish = deferred();
  const p = c.cancelAlgorithm(reason);
  c.transformAlgorithm = null; c.flushAlgorithm = null; c.cancelAlgorithm = null;
  then(p, () => {
    if (r.state === 'errored') c.finish.reject(r.storedError);
    else { readableControllerError(r.controller, reason); c.finish.resolve(undefined); }
  }, (e) => { readableControllerError(r.controller, e); c.finish.reject(e); });
  return c.finish.promise;
}
function transformStreamDefaultSinkClose(t) {
  const c = t.controller;
  if (c.finish !== null) return c.finish.promise;
  const r = t.readable;
  c.finish = deferred();
  const p = c.flushAlgorithm();
  c.transformAlgorithm = null; c.flushAlgorithm = null; c.cancelAlgorithm = null;
  then(p, () => {
    if (r.state === 'errored') c.finish.reject(r.storedError);
    else { readableControllerClose(r.controller); c.finish.resolve(undefined); }
  }, (e) => { readableControllerError(r.controller, e); c.finish.reject(e); });
  return c.finish.promise;
}
function transformStreamDefaultSourcePull(t) {
  transformStreamSetBackpressure(t, false);
  return t.backpressureChange.promise;
}
function transformStreamDefaultSourceCancel(t, reason) {
  const c = t.controller;
  if (c.finish !== null) return c.finish.promise;
  const w = t.writable;
  c.finish = deferred();
  const p = c.cancelAlgorithm(reason);
  c.transformAlgorithm = null; c.flushAlgorithm = null; c.cancelAlgorithm = null;
  then(p, () => {
    if (w.state === 'errored') c.finish.reject(w.storedError);
    else {
      writableControllerErrorIfNeeded(w.controller, reason);
      transformStreamUnblockWrite(t);
      c.finish.resolve(undefined);
    }
  }, (e) => {
    writableControllerErrorIfNeeded(w.controller, e);
    transformStreamUnblockWrite(t);
    c.finish.reject(e);
  });
  return c.finish.promise;
}

for (const [name, value] of [['ReadableStream', ReadableStream], ['ReadableStreamDefaultReader', ReadableStreamDefaultReader],
  ['ReadableStreamDefaultController', ReadableStreamDefaultController], ['WritableStream', WritableStream],
  ['WritableStreamDefaultWriter', WritableStreamDefaultWriter], ['WritableStreamDefaultController', WritableStreamDefaultController],
  ['TransformStream', TransformStream], ['TransformStreamDefaultController', TransformStreamDefaultController],
  ['CountQueuingStrategy', CountQueuingStrategy], ['ByteLengthQueuingStrategy', ByteLengthQueuingStrategy]]) {
  ObjectDefineProperty(g, name, { value, writable: true, configurable: true });
}
