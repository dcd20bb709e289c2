// b8g prelude: blob: Blob and File (the File API), immutable bytes with a type, read whole or as a stream.
// A Blob keeps its bytes in one private Uint8Array (parts are copied when it is made; slice()
// shares them, as nothing can change them).
const BlobState = new WeakMapCtor(); // Blob -> { bytes: Uint8Array, type }
const BLOB_STREAM_CHUNK = 65536;

function blobOf(o, what) {
  const st = o !== null && typeof o === 'object' ? ReflectApply(WeakMapGet, BlobState, [o]) : undefined;
  if (st === undefined) throw new TypeErrorCtor(what + ' called on an object that is not a Blob');
  return st;
}
// The type as the File API keeps it: lower-cased, or '' when it has a character outside U+0020-U+007E.
function blobType(t) {
  if (t === undefined) return '';
  const s = StringCtor(t);
  for (let i = 0; i < s.length; i++) {
    const c = ReflectApply(StringCharCodeAt, s, [i]);
    if (c < 0x20 || c > 0x7e) return '';
  }
  return ReflectApply(StringToLowerCase, s, []);
}
function nativeEndings(s) {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = ReflectApply(StringCharCodeAt, s, [i]);
    if (c === 0x0d) { out += '\n'; if (ReflectApply(StringCharCodeAt, s, [i + 1]) === 0x0a) i++; }
    else out += ReflectApply(StringSlice, s, [i, i + 1]);
  }
  return out;
}
function blobBytesFromParts(parts, endings) {
  const chunks = [];
  let total = 0;
  if (parts !== undefined) {
    if (parts === null || (typeof parts !== 'object' && typeof parts !== 'function')) throw new TypeErrorCtor('Blob: blobParts must be a sequence');
    const m = parts[SymbolIterator];
    if (typeof m !== 'function') throw new TypeErrorCtor('Blob: blobParts must be a sequence');
    const it = ReflectApply(m, parts, []);
    for (let step = it.next(); !step.done; step = it.next()) {
      const p = step.value;
      let bytes;
      const st = p !== null && typeof p === 'object' ? ReflectApply(WeakMapGet, BlobState, [p]) : undefined;
      if (st !== undefined) bytes = st.bytes;
      else if (ArrayBufferIsView(p) || isArrayBuffer(p)) bytes = bytesCopy(toBufferSourceBytes(p, 'a Blob part'));
      else { let s = usv(p); if (endings === 'native') s = nativeEndings(s); bytes = utf8Encode(s); }
      push(chunks, bytes);
      total += u8len(bytes);
    }
  }
  const out = new Uint8ArrayCtor(total);
  let at = 0;
  for (let i = 0; i < chunks.length; i++) { ReflectApply(TypedArraySet, out, [chunks[i], at]); at += u8len(chunks[i]); }
  return out;
}
function blobOptions(options, what) {
  if (options === undefined || options === null) return { __proto__: null, type: '', endings: 'transparent' };
  if (typeof options !== 'object' && typeof options !== 'function') throw new TypeErrorCtor(what + ': options must be an object');
  const e = options.endings === undefined ? 'transparent' : StringCtor(options.endings);
  if (e !== 'transparent' && e !== 'native') throw new TypeErrorCtor(what + ': endings must be "transparent" or "native", not "' + e + '"');
  return { __proto__: null, type: blobType(options.type), endings: e };
}
function relativeIndex(v, size) {
  if (v === undefined) return undefined;
  let n = MathTrunc(NumberCtor(v));
  if (n !== n) n = 0;
  return n < 0 ? MathMax(size + n, 0) : MathMin(n, size);
}

class Blob {
  constructor(blobParts = undefined, options = undefined) {
    const o = blobOptions(options, 'Blob');
    ReflectApply(WeakMapSet, BlobState, [this, { __proto__: null, bytes: blobBytesFromParts(blobParts, o.endings), type: o.type }]);
  }
  get size() { return u8len(blobOf(this, 'Blob.size').bytes); }
  get type() { return blobOf(this, 'Blob.type').type; }
  slice(start = undefined, end = undefined, contentType = undefined) {
    const st = blobOf(this, 'Blob.slice');
    const size = u8len(st.bytes);
    const from = relativeIndex(start, size) ?? 0;
    const to = relativeIndex(end, size) ?? size;
    const span = MathMax(to - from, 0);
    const b = ObjectCreate(Blob.prototype);
    ReflectApply(WeakMapSet, BlobState, [b, { __proto__: null, bytes: viewBytes(st.bytes, from, from + span), type: blobType(contentType) }]);
    return b;
  }
  text() {
    let st;
    try { st = blobOf(this, 'Blob.text'); } catch (e) { return rejected(e); }
    // UTF-8 decode: a leading byte order mark is dropped.
    let b = st.bytes;
    if (u8len(b) >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) b = viewBytes(b, 3, u8len(b));
    return resolved(utf8Decode(b, false));
  }
  arrayBuffer() {
    let st;
    try { st = blobOf(this, 'Blob.arrayBuffer'); } catch (e) { return rejected(e); }
    return resolved(ReflectApply(TypedArrayBuffer, bytesCopy(st.bytes), []));
  }
  bytes() {
    let st;
    try { st = blobOf(this, 'Blob.bytes'); } catch (e) { return rejected(e); }
    return resolved(bytesCopy(st.bytes));
  }
  stream() {
    const st = blobOf(this, 'Blob.stream');
    let at = 0;
    const s = createReadableStream(noop, () => {
      const n = u8len(st.bytes);
      if (at >= n) { readableControllerClose(s.controller); return resolved(undefined); }
      const end = MathMin(n, at + BLOB_STREAM_CHUNK);
      readableControllerEnqueue(s.controller, bytesCopy(st.bytes, at, end));
      at = end;
      if (at >= n) readableControllerClose(s.controller);
      return resolved(undefined);
    }, () => resolved(undefined), 0);
    return s.pub;
  }
}
ObjectDefineProperty(Blob.prototype, SymbolToStringTag, { value: 'Blob', configurable: true });

const FileState = new WeakMapCtor(); // File -> { name, lastModified }
class File extends Blob {
  constructor(fileBits, fileName, options = undefined) {
    if (arguments.length < 2) throw new TypeErrorCtor('File needs fileBits and fileName');
    super(fileBits, options);
    const lm = options === undefined || options === null || options.lastModified === undefined ? DateNow() : MathTrunc(NumberCtor(options.lastModified));
    ReflectApply(WeakMapSet, FileState, [this, { __proto__: null, name: usv(fileName), lastModified: lm === lm ? lm : 0 }]);
  }
  get name() { return fileOf(this, 'File.name').name; }
  get lastModified() { return fileOf(this, 'File.lastModified').lastModified; }
}
function fileOf(o, what) {
  const st = o !== null && typeof o === 'object' ? ReflectApply(WeakMapGet, FileState, [o]) : undefined;
  if (st === undefined) throw new TypeErrorCtor(what + ' called on an object that is not a File');
  return st;
}
ObjectDefineProperty(File.prototype, SymbolToStringTag, { value: 'File', configurable: true });
ObjectDefineProperty(g, 'Blob', { value: Blob, writable: true, configurable: true });
ObjectDefineProperty(g, 'File', { value: File, writable: true, configurable: true });
