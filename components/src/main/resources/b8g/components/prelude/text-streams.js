// b8g prelude: text streams: TextEncoderStream and TextDecoderStream (UTF-8), over the UTF-8 helpers of text.js.
// A TextDecoderStream keeps the bytes of a character split across chunks (at most three) until
// the next chunk; a TextEncoderStream keeps a high surrogate that ends a chunk. What is still kept
// at the end becomes U+FFFD (or, with fatal, a TypeError that errors the stream).

// Where the last character of u8 starts, if it is incomplete but could still be completed by the
// bytes of the next chunk; u8len(u8) when u8 ends on a character boundary.
function incompleteTail(u8) {
  const n = u8len(u8);
  for (let i = n - 1; i >= 0 && i >= n - 3; i--) {
    const b = u8[i];
    if ((b & 0xc0) === 0x80) continue; // a continuation byte: look further back
    const need = b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : 0;
    if (need === 0 || n - i > need) return n; // not a lead byte, or its character is complete
    // The second byte's range depends on the lead (no overlongs, surrogates or > U+10FFFF).
    if (n - i >= 2) {
      const c = u8[i + 1];
      if ((b === 0xe0 && c < 0xa0) || (b === 0xed && c > 0x9f) || (b === 0xf0 && c < 0x90) || (b === 0xf4 && c > 0x8f)) return n;
    }
    return i;
  }
  return n;
}
function concatBytes(a, b) {
  const out = new Uint8ArrayCtor(u8len(a) + u8len(b));
  ReflectApply(TypedArraySet, out, [a, 0]);
  ReflectApply(TypedArraySet, out, [b, u8len(a)]);
  return out;
}
const EMPTY_BYTES = new Uint8ArrayCtor(0);

class TextDecoderStream {
  #fatal; #ignoreBOM;
  constructor(label = 'utf-8', options = undefined) {
    const l = ReflectApply(StringToLowerCase, StringCtor(label), []);
    if (l !== 'utf-8' && l !== 'utf8' && l !== 'unicode-1-1-utf-8') throw new RangeErrorCtor('TextDecoderStream supports only utf-8, not ' + StringCtor(label));
    const fatal = options !== undefined && options !== null && !!options.fatal;
    const ignoreBOM = options !== undefined && options !== null && !!options.ignoreBOM;
    this.#fatal = fatal; this.#ignoreBOM = ignoreBOM;
    let pending = EMPTY_BYTES, bomSeen = ignoreBOM;
    let t = null;
    function emit(s) { if (s.length > 0) transformControllerEnqueue(t.controller, s); }
    function decode(bytes) {
      if (!bomSeen) {
        if (u8len(bytes) < 3 && u8len(bytes) > 0 && bytes[0] === 0xef && (u8len(bytes) < 2 || bytes[1] === 0xbb)) return bytes; // wait
        bomSeen = true;
        if (u8len(bytes) >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = viewBytes(bytes, 3, u8len(bytes));
      }
      return bytes;
    }
    t = platformTransform(this, (chunk) => {
      let bytes = toBufferSourceBytes(chunk, 'TextDecoderStream chunk');
      if (u8len(pending) > 0) bytes = concatBytes(pending, bytes);
      bytes = decode(bytes);
      if (!bomSeen) { pending = bytesCopy(bytes); return; }
      const cut = incompleteTail(bytes);
      pending = cut < u8len(bytes) ? bytesCopy(bytes, cut) : EMPTY_BYTES;
      emit(utf8Decode(viewBytes(bytes, 0, cut), fatal));
    }, () => {
      const bytes = pending;
      pending = EMPTY_BYTES;
      if (u8len(bytes) === 0) return;
      // Kept bytes are always the start of one character that never ended (a part of a BOM is
      // one too): one U+FFFD, as the standard's decoder gives for a truncated sequence.
      bomSeen = true;
      if (fatal) throw new TypeErrorCtor('The encoded data was not valid UTF-8 (it ended inside a character)');
      emit('\ufffd');
    }, () => { pending = EMPTY_BYTES; });
  }
  get encoding() { return 'utf-8'; }
  get fatal() { return this.#fatal; }
  get ignoreBOM() { return this.#ignoreBOM; }
  get readable() { return slotsOf(TS, this, 'TextDecoderStream.readable').readable.pub; }
  get writable() { return slotsOf(TS, this, 'TextDecoderStream.writable').writable.pub; }
}
ObjectDefineProperty(TextDecoderStream.prototype, SymbolToStringTag, { value: 'TextDecoderStream', configurable: true });

class TextEncoderStream {
  constructor() {
    let high = ''; // a high surrogate that ended the last chunk
    let t = null;
    t = platformTransform(this, (chunk) => {
      let s = high + StringCtor(chunk);
      high = '';
      const last = s.length > 0 ? ReflectApply(StringCharCodeAt, s, [s.length - 1]) : 0;
      if (last >= 0xd800 && last <= 0xdbff) { high = ReflectApply(StringSlice, s, [s.length - 1]); s = ReflectApply(StringSlice, s, [0, s.length - 1]); }
      if (s.length > 0) transformControllerEnqueue(t.controller, utf8Encode(s));
    }, () => {
      if (high !== '') { high = ''; transformControllerEnqueue(t.controller, new Uint8ArrayCtor([0xef, 0xbf, 0xbd])); }
    }, () => { high = ''; });
  }
  get encoding() { return 'utf-8'; }
  get readable() { return slotsOf(TS, this, 'TextEncoderStream.readable').readable.pub; }
  get writable() { return slotsOf(TS, this, 'TextEncoderStream.writable').writable.pub; }
}
ObjectDefineProperty(TextEncoderStream.prototype, SymbolToStringTag, { value: 'TextEncoderStream', configurable: true });

// Copies and views of bytes through captured built-ins only: slice() and subarray() would look
// up a constructor (and Symbol.species) user code can replace.
function viewBytes(u8, from, to) {
  return new Uint8ArrayCtor(ReflectApply(TypedArrayBuffer, u8, []), ReflectApply(TypedArrayByteOffset, u8, []) + from, to - from);
}
function bytesCopy(u8, from = 0, to = u8len(u8)) {
  const out = new Uint8ArrayCtor(to - from);
  ReflectApply(TypedArraySet, out, [viewBytes(u8, from, to)]);
  return out;
}
// A BufferSource's bytes (a view on them, not a copy), or a TypeError naming `what`. Through
// captured getters only: a getter user code put on a prototype (buffer, byteOffset) never runs.
function isArrayBuffer(v) {
  if (v === null || typeof v !== 'object') return false;
  try { ReflectApply(ArrayBufferByteLength, v, []); return true; } catch (e) { return false; }
}
function toBufferSourceBytes(v, what) {
  if (ArrayBufferIsView(v)) {
    if (ReflectApply(TypedArrayTag, v, []) !== undefined) {
      return new Uint8ArrayCtor(ReflectApply(TypedArrayBuffer, v, []), ReflectApply(TypedArrayByteOffset, v, []), ReflectApply(TypedArrayByteLength, v, []));
    }
    return new Uint8ArrayCtor(ReflectApply(DataViewBuffer, v, []), ReflectApply(DataViewByteOffset, v, []), ReflectApply(DataViewByteLength, v, []));
  }
  if (isArrayBuffer(v)) return new Uint8ArrayCtor(v);
  throw new TypeErrorCtor(what + ' must be an ArrayBuffer, a typed array or a DataView');
}

ObjectDefineProperty(g, 'TextDecoderStream', { value: TextDecoderStream, writable: true, configurable: true });
ObjectDefineProperty(g, 'TextEncoderStream', { value: TextEncoderStream, writable: true, configurable: true });
