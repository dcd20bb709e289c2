// b8g prelude: text: UTF-8 encoding and decoding, TextEncoder and TextDecoder, bytes from any buffer or view.
// ---- UTF-8 ----------------------------------------------------------------------------------
function utf8Encode(s) {
  s = StringCtor(s);
  const n = s.length;
  let out = new Uint8ArrayCtor(n * 3);
  let j = 0;
  for (let i = 0; i < n; i++) {
    let c = ReflectApply(StringCharCodeAt, s, [i]);
    if (c < 0x80) { out[j++] = c; continue; }
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
      const d = ReflectApply(StringCharCodeAt, s, [i + 1]);
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00); i++;
        out[j++] = 0xf0 | (c >> 18); out[j++] = 0x80 | ((c >> 12) & 63);
        out[j++] = 0x80 | ((c >> 6) & 63); out[j++] = 0x80 | (c & 63);
        continue;
      }
    }
    if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd; // lone surrogate
    if (c < 0x800) { out[j++] = 0xc0 | (c >> 6); out[j++] = 0x80 | (c & 63); }
    else { out[j++] = 0xe0 | (c >> 12); out[j++] = 0x80 | ((c >> 6) & 63); out[j++] = 0x80 | (c & 63); }
  }
  return ReflectApply(TypedArraySubarray, out, [0, j]);
}
// UTF-16 code units are gathered in a typed array and turned into a string 4,096 at a time: an
// indexed store into a typed array runs no user code and costs a few ns (a defined array element
// cost about 100, which made decoding the bottleneck of text streams).
const DECODE_CHUNK = 4096;
const units = new Uint16ArrayCtor(DECODE_CHUNK + 1);
function utf8Decode(u8, fatal) {
  const n = u8len(u8);
  let s = '';
  let k = 0;
  for (let i = 0; i < n;) {
    const b = u8[i];
    let cp = -1, need = 0;
    if (b < 0x80) { cp = b; need = 0; }
    else if (b >= 0xc2 && b <= 0xdf) { cp = b & 0x1f; need = 1; }
    else if (b >= 0xe0 && b <= 0xef) { cp = b & 0x0f; need = 2; }
    else if (b >= 0xf0 && b <= 0xf4) { cp = b & 0x07; need = 3; }
    i++;
    if (cp >= 0 && need > 0) {
      let ok = i + need <= n;
      for (let k = 0; ok && k < need; k++) { const c = u8[i + k]; if ((c & 0xc0) !== 0x80) ok = false; else cp = (cp << 6) | (c & 0x3f); }
      if (ok && ((need === 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) || (need === 3 && (cp < 0x10000 || cp > 0x10ffff)))) ok = false;
      if (ok) i += need; else cp = -1;
    }
    if (cp < 0) { if (fatal) throw new TypeErrorCtor('The encoded data was not valid UTF-8'); cp = 0xfffd; }
    if (cp >= 0x10000) { cp -= 0x10000; units[k++] = 0xd800 + (cp >> 10); units[k++] = 0xdc00 + (cp & 0x3ff); }
    else units[k++] = cp;
    if (k >= DECODE_CHUNK) { s += ReflectApply(StringFromCharCode, null, ReflectApply(TypedArraySubarray, units, [0, k])); k = 0; }
  }
  if (k > 0) s += ReflectApply(StringFromCharCode, null, ReflectApply(TypedArraySubarray, units, [0, k]));
  return s;
}
function toBytes(v, what) {
  if (v instanceof Uint8ArrayCtor) return v;
  if (ArrayBufferIsView(v)) return new Uint8ArrayCtor(v.buffer, v.byteOffset, v.byteLength);
  if (v instanceof ArrayBufferCtor) return new Uint8ArrayCtor(v);
  throw new TypeErrorCtor(what + ' must be a string, an ArrayBuffer or a typed array');
}
class TextEncoder {
  get encoding() { return 'utf-8'; }
  encode(s = '') { return utf8Encode(s); }
  encodeInto(s, dest) {
    const b = utf8Encode(s);
    const n = MathMin(u8len(b), u8len(dest));
    // Do not split a multi-byte character.
    let m = n;
    while (m > 0 && m < u8len(b) && (b[m] & 0xc0) === 0x80) m--;
    ReflectApply(TypedArraySet, dest, [ReflectApply(TypedArraySubarray, b, [0, m])]);
    return { read: utf8Decode(ReflectApply(TypedArraySubarray, b, [0, m])).length, written: m };
  }
}
class TextDecoder {
  #fatal;
  constructor(label = 'utf-8', options = {}) {
    const l = ReflectApply(StringToLowerCase, StringCtor(label), []);
    if (l !== 'utf-8' && l !== 'utf8') throw new RangeErrorCtor('TextDecoder supports only utf-8, not ' + label);
    this.#fatal = !!(options && options.fatal);
  }
  get encoding() { return 'utf-8'; }
  get fatal() { return this.#fatal; }
  decode(input) { return input === undefined ? '' : utf8Decode(toBytes(input, 'input'), this.#fatal); }
}
ObjectDefineProperty(g, 'TextEncoder', { value: TextEncoder, writable: true, configurable: true });
ObjectDefineProperty(g, 'TextDecoder', { value: TextDecoder, writable: true, configurable: true });
