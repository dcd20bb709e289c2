// b8g prelude: writable-stream: WritableStream, its default writer and controller.
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

for (const [name, value] of [['WritableStream', WritableStream], ['WritableStreamDefaultWriter', WritableStreamDefaultWriter], ['WritableStreamDefaultController', WritableStreamDefaultController]]) {
  ObjectDefineProperty(g, name, { value, writable: true, configurable: true });
}
