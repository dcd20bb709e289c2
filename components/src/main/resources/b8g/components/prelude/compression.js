// b8g prelude: compression: CompressionStream and DecompressionStream ('gzip', 'deflate', 'deflate-raw'), computed by the host.
// Each stream holds a handle to an engine on the host (CompressionStreams.java),
// opened with the stream and freed when it closes, is cancelled or errors. Input crosses as byte
// copies of at most ZIP_CHUNK bytes; output comes back in slices, and the next slice is asked
// for only when the readable side wants more (its backpressure), so a small input that inflates
// enormously costs this component's memory at the pace it reads, and the host one slice.
const ZIP_CHUNK = 64 << 10; // CompressionStreams.MAX_INPUT

function zipStream(pub, format, compress, what) {
  format = StringCtor(format);
  if (format !== 'gzip' && format !== 'deflate' && format !== 'deflate-raw') {
    throw new TypeErrorCtor(what + ': unsupported format "' + format + '" (gzip, deflate or deflate-raw)');
  }
  const handle = call(TO_HOST_ZIP_OPEN, format, compress ? 1 : 0);
  let open = true;
  function free() { if (open) { open = false; try { call(TO_HOST_ZIP_FREE, handle); } catch (e) { } } }
  let t = null;
  // Reads slices until the engine needs more input; waits whenever the readable side is full.
  function drain() {
    for (;;) {
      const wait = transformStreamBackpressure(t);
      if (wait !== null) return react(wait, drain);
      const out = call(TO_HOST_ZIP_READ, handle);
      if (ReflectApply(ArrayBufferByteLength, out, []) === 0) return undefined;
      transformControllerEnqueue(t.controller, new Uint8ArrayCtor(out));
    }
  }
  function guarded(fn) {
    try {
      const r = fn();
      return r === undefined ? r : react(r, undefined, (e) => { free(); throw e; });
    } catch (e) { free(); throw e; }
  }
  function feed(bytes, at) {
    const n = u8len(bytes);
    while (at < n) {
      const end = MathMin(n, at + ZIP_CHUNK);
      // The host copies exactly these bytes during the call (buffer, offset, length).
      const v = viewArgs(viewBytes(bytes, at, end));
      call(TO_HOST_ZIP_WRITE, handle, v[0], v[1], v[2]);
      at = end;
      const r = drain();
      if (r !== undefined) return react(r, () => feed(bytes, at));
    }
    return undefined;
  }
  t = platformTransform(pub,
    (chunk) => guarded(() => feed(toBufferSourceBytes(chunk, what + ' chunk'), 0)),
    () => guarded(() => {
      call(TO_HOST_ZIP_FINISH, handle);
      const r = drain();
      if (r === undefined) { free(); return undefined; }
      return react(r, free);
    }),
    () => { free(); });
  return t;
}

class CompressionStream {
  constructor(format) {
    if (arguments.length < 1) throw new TypeErrorCtor('CompressionStream needs a format');
    zipStream(this, format, true, 'CompressionStream');
  }
  get readable() { return slotsOf(TS, this, 'CompressionStream.readable').readable.pub; }
  get writable() { return slotsOf(TS, this, 'CompressionStream.writable').writable.pub; }
}
class DecompressionStream {
  constructor(format) {
    if (arguments.length < 1) throw new TypeErrorCtor('DecompressionStream needs a format');
    zipStream(this, format, false, 'DecompressionStream');
  }
  get readable() { return slotsOf(TS, this, 'DecompressionStream.readable').readable.pub; }
  get writable() { return slotsOf(TS, this, 'DecompressionStream.writable').writable.pub; }
}
ObjectDefineProperty(CompressionStream.prototype, SymbolToStringTag, { value: 'CompressionStream', configurable: true });
ObjectDefineProperty(DecompressionStream.prototype, SymbolToStringTag, { value: 'DecompressionStream', configurable: true });
ObjectDefineProperty(g, 'CompressionStream', { value: CompressionStream, writable: true, configurable: true });
ObjectDefineProperty(g, 'DecompressionStream', { value: DecompressionStream, writable: true, configurable: true });
