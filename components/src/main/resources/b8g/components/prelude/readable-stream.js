// b8g prelude: readable-stream: ReadableStream, its default controller and reader, tee, async iteration, from, pipeTo.
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

for (const [name, value] of [['ReadableStream', ReadableStream], ['ReadableStreamDefaultReader', ReadableStreamDefaultReader], ['ReadableStreamDefaultController', ReadableStreamDefaultController]]) {
  ObjectDefineProperty(g, name, { value, writable: true, configurable: true });
}
