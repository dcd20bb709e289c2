// b8g prelude: transform-stream: TransformStream and its default controller.
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

for (const [name, value] of [['TransformStream', TransformStream], ['TransformStreamDefaultController', TransformStreamDefaultController]]) {
  ObjectDefineProperty(g, name, { value, writable: true, configurable: true });
}
