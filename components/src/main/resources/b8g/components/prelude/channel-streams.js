// b8g prelude: channel streams: a channel reader end's `readable` (a ReadableStream) and a writer end's `writable` (a WritableStream).
// Getters, made on first use and the same afterwards: a ring has one reader and one writer, so
// an end has one stream view, as a TransformStream has one readable and one writable (the names
// are the platform's for "this object as a stream"). Both stay off the ends' hot path: a stream
// only calls the end's own read(), write() and close(), which stay as fast as they were.
//  - readable: each pull reads one message (a string or a Uint8Array) and the stream closes at
//    the writer's close(); a broken channel (the writer died without closing) errors the stream
//    with the end's CapabilityError channel.broken; cancel() stops reading (a channel reader has
//    no close of its own: the writer's next writes wait on the full ring).
//  - writable: write(chunk) is the end's write(): it waits while the ring is full, so the
//    stream's backpressure (desiredSize, ready) is the ring's; close() closes the channel;
//    abort(reason) closes it too, as the channel API has no close with a reason (the reader
//    sees a normal end); a reader gone for good errors the stream with channel.broken.
const channelStreams = new WeakMapCtor(); // channel end stub -> its ReadableStream or WritableStream

function channelReadable(stub) {
  let s = ReflectApply(WeakMapGet, channelStreams, [stub]);
  if (s !== undefined) return s;
  let rs = null;
  function deliver(v) {
    if (v === undefined) readableControllerClose(rs.controller);
    else readableControllerEnqueue(rs.controller, v);
  }
  rs = createReadableStream(noop, () => {
    let v;
    try { v = stub.tryRead(); } catch (e) { return rejected(e); }
    if (v !== null) { deliver(v); return resolved(undefined); }
    let p;
    try { p = stub.read(); } catch (e) { return rejected(e); }
    return then(p, deliver);
  }, () => resolved(undefined), 0);
  s = rs.pub;
  ReflectApply(WeakMapSet, channelStreams, [stub, s]);
  return s;
}

function channelWritable(stub) {
  let s = ReflectApply(WeakMapGet, channelStreams, [stub]);
  if (s !== undefined) return s;
  // The end's write() and close() return undefined or one of the prelude's own promises.
  function attempt(fn) { try { const r = fn(); return r === undefined ? resolved(undefined) : r; } catch (e) { return rejected(e); } }
  const ws = createWritableStream(noop,
    (chunk) => attempt(() => stub.write(chunk)),
    () => attempt(() => stub.close()),
    () => attempt(() => stub.close()));
  s = ws.pub;
  ReflectApply(WeakMapSet, channelStreams, [stub, s]);
  return s;
}
