// b8g prelude: service values: the structured-clone subset a service call carries, to bytes and back, every byte checked.
// What crosses: undefined, null, booleans, numbers, bigints, strings, Uint8Array and ArrayBuffer
// (copied), arrays, plain objects (own enumerable string keys) and Maps, nested at most
// VALUE_MAX_DEPTH deep and at most VALUE_MAX_BYTES encoded. Anything else (a function, a symbol,
// a class instance, a Date, a cycle) is a TypeError; too big or too deep a RangeError. The tags
// and limits are Protocol.java's (VALUE_*); the host's codec is ServiceValues.java. The decoder
// trusts nothing: a peer (the host, or a component serving or calling) may send any bytes.
const ObjectGetPrototypeOf = Object.getPrototypeOf;
const ObjectPrototype = Object.prototype;
const ArrayPrototype = Array.prototype;
const MapPrototype = Map.prototype;
const Float64ArrayCtor = Float64Array;
// (MapSize, TypedArrayTag and ObjectHasOwn are clone.js'.)
// One float64 seen as 8 bytes (little-endian on every platform V8 runs b8g on, as the host reads it).
const svFloat = new Float64ArrayCtor(1);
const svFloatBytes = new Uint8ArrayCtor(ReflectApply(TypedArrayBuffer, svFloat, []));

// ---- encoding ---------------------------------------------------------------------------------
// A growing byte buffer: out.u8 holds out.n bytes. `prefix` bytes are reserved at the start for
// the caller's header (call id, method).
function svWriter(prefix) { return { u8: new Uint8ArrayCtor(256), n: prefix, limit: prefix + VALUE_MAX_BYTES }; }
// The one writer calls and answers are encoded into (encoding is synchronous); what must wait for
// room in a ring is copied out of it (svCopy). It shrinks back after a large value.
const svScratch = svWriter(0);
// True while a value is encoded into the scratch writer: a getter of the value that makes a call
// of its own then gets a writer of its own.
let svInUse = false;
function svEncodeValue(w, v, at) {
  if (w !== svScratch) { svEncode(w, v, 0, [], at); return; }
  svInUse = true;
  try { svEncode(w, v, 0, [], at); } finally { svInUse = false; }
}
function svReset(prefix) {
  if (svInUse) return svWriter(prefix);
  if (u8len(svScratch.u8) > 65536) svScratch.u8 = new Uint8ArrayCtor(256);
  svScratch.n = prefix; svScratch.limit = prefix + VALUE_MAX_BYTES;
  return svScratch;
}
function svCopy(u8) { const c = new Uint8ArrayCtor(u8len(u8)); ReflectApply(TypedArraySet, c, [u8]); return c; }
function svRoom(w, k) {
  const need = w.n + k;
  if (need > w.limit) throw new RangeErrorCtor('the value is larger than ' + VALUE_MAX_BYTES + ' bytes encoded');
  const len = u8len(w.u8);
  if (need <= len) return;
  let size = len * 2;
  while (size < need) size *= 2;
  const grown = new Uint8ArrayCtor(size);
  ReflectApply(TypedArraySet, grown, [w.u8]);
  w.u8 = grown;
}
function svByte(w, b) { svRoom(w, 1); w.u8[w.n++] = b; }
function svU32(w, v) {
  svRoom(w, 4);
  const u = w.u8, n = w.n;
  u[n] = v & 255; u[n + 1] = (v >>> 8) & 255; u[n + 2] = (v >>> 16) & 255; u[n + 3] = (v >>> 24) & 255;
  w.n = n + 4;
}
function svBytes(w, src) {
  const k = u8len(src);
  svU32(w, k);
  svRoom(w, k);
  ReflectApply(TypedArraySet, w.u8, [src, w.n]);
  w.n += k;
}
function svString(w, s) { svBytes(w, utf8Encode(s)); }
function svBigInt(w, v) {
  const negative = v < 0n;
  let m = negative ? -v : v;
  const digits = [];
  while (m > 0n) { push(digits, NumberCtor(m & 255n)); m >>= 8n; }
  svByte(w, VALUE_BIGINT); svByte(w, negative ? 1 : 0); svU32(w, digits.length);
  svRoom(w, digits.length);
  for (let i = 0; i < digits.length; i++) w.u8[w.n++] = digits[i];
}
// Which kind of object v is, by its own internal slots or exact prototype: never by a property
// user code could fake. Returns VALUE_* or -1.
function svObjectKind(v) {
  if (ArrayIsArray(v)) return ObjectGetPrototypeOf(v) === ArrayPrototype ? VALUE_ARRAY : -1;
  if (ArrayBufferIsView(v)) return ReflectApply(TypedArrayTag, v, []) === 'Uint8Array' ? VALUE_BYTES : -1;
  try { ReflectApply(ArrayBufferByteLength, v, []); return VALUE_BUFFER; } catch (e) { }
  try { ReflectApply(MapSize, v, []); return ObjectGetPrototypeOf(v) === MapPrototype ? VALUE_MAP : -1; } catch (e) { }
  const proto = ObjectGetPrototypeOf(v);
  return proto === ObjectPrototype || proto === null ? VALUE_OBJECT : -1;
}
function svDescribe(v) {
  if (typeof v === 'function') return 'a function';
  if (typeof v === 'symbol') return 'a symbol';
  try {
    const p = ObjectGetPrototypeOf(v);
    const c = p !== null ? ObjectGetOwnPropertyDescriptor(p, 'constructor') : undefined;
    const f = c !== undefined && ObjectHasOwn(c, 'value') ? c.value : undefined;
    const n = typeof f === 'function' ? ObjectGetOwnPropertyDescriptor(f, 'name') : undefined;
    if (n !== undefined && ObjectHasOwn(n, 'value') && typeof n.value === 'string' && n.value !== '') return 'an instance of ' + n.value;
  } catch (e) { }
  return 'an object of an unsupported kind';
}
// `at` names where v sits, for an error (args[0].items[2]): a string, or [parent, key] pairs built
// into one only when an error is thrown (the hot path builds no strings). `seen` holds the
// objects being encoded above v (a cycle is a TypeError; the same object twice side by side is fine).
function svPath(at) {
  if (typeof at === 'string') return at;
  const k = at[1];
  return svPath(at[0]) + (typeof k === 'number' ? '[' + k + ']' : k);
}
function svEncode(w, v, depth, seen, at) {
  switch (typeof v) {
    case 'undefined': svByte(w, VALUE_UNDEFINED); return;
    case 'boolean': svByte(w, v ? VALUE_TRUE : VALUE_FALSE); return;
    case 'number':
      if ((v | 0) === v && !(v === 0 && 1 / v < 0)) { svByte(w, VALUE_INT); svU32(w, v); return; }
      svByte(w, VALUE_FLOAT); svFloat[0] = v; svRoom(w, 8); ReflectApply(TypedArraySet, w.u8, [svFloatBytes, w.n]); w.n += 8; return;
    case 'bigint': svBigInt(w, v); return;
    case 'string': svByte(w, VALUE_STRING); svString(w, v); return;
    case 'object': if (v === null) { svByte(w, VALUE_NULL); return; } break;
    default: throw new TypeErrorCtor(svPath(at) + ' is ' + svDescribe(v) + ', which a service call cannot carry');
  }
  const kind = svObjectKind(v);
  if (kind < 0) throw new TypeErrorCtor(svPath(at) + ' is ' + svDescribe(v) + ', which a service call cannot carry (plain objects, arrays, Maps, Uint8Array and ArrayBuffer only)');
  if (kind === VALUE_BYTES) { svByte(w, VALUE_BYTES); svBytes(w, v); return; }
  if (kind === VALUE_BUFFER) { svByte(w, VALUE_BUFFER); svBytes(w, new Uint8ArrayCtor(v)); return; }
  if (depth >= VALUE_MAX_DEPTH) throw new RangeErrorCtor(svPath(at) + ' is nested deeper than ' + VALUE_MAX_DEPTH + ' levels');
  for (let i = 0; i < seen.length; i++) if (seen[i] === v) throw new TypeErrorCtor(svPath(at) + ' refers back to an object that contains it (a cycle)');
  push(seen, v);
  svByte(w, kind);
  if (kind === VALUE_ARRAY) {
    const n = v.length;
    svU32(w, n);
    for (let i = 0; i < n; i++) svEncode(w, ObjectHasOwn(v, i) ? v[i] : undefined, depth + 1, seen, [at, i]);
  } else if (kind === VALUE_MAP) {
    const entries = mapList(v);
    svU32(w, entries.length);
    for (let i = 0; i < entries.length; i++) {
      svEncode(w, entries[i][0], depth + 1, seen, [at, ' key ' + i]);
      svEncode(w, entries[i][1], depth + 1, seen, [at, ' value ' + i]);
    }
  } else {
    const keys = ObjectKeys(v);
    svU32(w, keys.length);
    for (let i = 0; i < keys.length; i++) { svString(w, keys[i]); svEncode(w, v[keys[i]], depth + 1, seen, [at, '.' + keys[i]]); }
  }
  seen.length = seen.length - 1;
}

// ---- decoding -----------------------------------------------------------------------------------
// r: { u8, at, end }. Every read is checked against end; a failure is a TypeError with the offset
// (the caller turns it into service.corrupt).
function svBad(r, what) { return new TypeErrorCtor('malformed service message at byte ' + r.at + ': ' + what); }
function svTake(r, k, what) {
  if (k < 0 || r.end - r.at < k) throw svBad(r, what + ' runs past the end of the message');
  const at = r.at; r.at += k; return at;
}
function svReadU32(r, what) {
  const i = svTake(r, 4, what), u = r.u8;
  return (u[i] | (u[i + 1] << 8) | (u[i + 2] << 16) | (u[i + 3] << 24)) >>> 0;
}
function svReadBytes(r, what) {
  const k = svReadU32(r, what + ' length');
  const i = svTake(r, k, what);
  const out = new Uint8ArrayCtor(k);
  ReflectApply(TypedArraySet, out, [ReflectApply(TypedArraySubarray, r.u8, [i, i + k])]);
  return out;
}
function svReadString(r) { return utf8Decode(svReadBytes(r, 'a string'), false); }
// Defines the property (never [[Set]]): a key '__proto__' or a setter on Object.prototype changes nothing.
function svDefine(o, k, v) { ObjectDefineProperty(o, k, { __proto__: null, value: v, writable: true, enumerable: true, configurable: true }); }
// The two hex digits of each byte, for a bigint's magnitude.
const SV_HEX = (() => {
  const t = { __proto__: null };
  for (let b = 0; b < 256; b++) t[b] = (b < 16 ? '0' : '') + ReflectApply(NumberToString, b, [16]);
  return t;
})();
function svDecode(r, depth) {
  const tag = r.u8[svTake(r, 1, 'a tag')];
  switch (tag) {
    case VALUE_UNDEFINED: return undefined;
    case VALUE_NULL: return null;
    case VALUE_FALSE: return false;
    case VALUE_TRUE: return true;
    case VALUE_INT: return svReadU32(r, 'an integer') | 0;
    case VALUE_FLOAT: {
      const i = svTake(r, 8, 'a number');
      ReflectApply(TypedArraySet, svFloatBytes, [ReflectApply(TypedArraySubarray, r.u8, [i, i + 8])]);
      return svFloat[0];
    }
    case VALUE_BIGINT: {
      const sign = r.u8[svTake(r, 1, 'a bigint sign')];
      if (sign > 1) throw svBad(r, 'a bigint sign is ' + sign);
      const k = svReadU32(r, 'a bigint length');
      const i = svTake(r, k, 'a bigint');
      if (k === 0) return 0n;
      // One hex string and one conversion: linear, where shifting a growing bigint is quadratic.
      let hex = '0x';
      for (let j = k - 1; j >= 0; j--) hex += SV_HEX[r.u8[i + j]];
      const m = BigIntCtor(hex);
      return sign === 1 ? -m : m;
    }
    case VALUE_STRING: return svReadString(r);
    case VALUE_BYTES: return svReadBytes(r, 'bytes');
    case VALUE_BUFFER: return ReflectApply(TypedArrayBuffer, svReadBytes(r, 'an ArrayBuffer'), []);
    case VALUE_ARRAY: case VALUE_OBJECT: case VALUE_MAP: {
      if (depth >= VALUE_MAX_DEPTH) throw svBad(r, 'nested deeper than ' + VALUE_MAX_DEPTH + ' levels');
      const n = svReadU32(r, 'a count');
      // Every item takes at least a byte: a count beyond what is left is a lie, refused before any allocation.
      if (n > r.end - r.at) throw svBad(r, 'a count of ' + n + ' with ' + (r.end - r.at) + ' bytes left');
      if (tag === VALUE_ARRAY) {
        const a = [];
        for (let i = 0; i < n; i++) push(a, svDecode(r, depth + 1));
        return a;
      }
      if (tag === VALUE_MAP) {
        const m = new MapCtor();
        for (let i = 0; i < n; i++) { const k = svDecode(r, depth + 1); mapSet(m, k, svDecode(r, depth + 1)); }
        return m;
      }
      const o = {};
      for (let i = 0; i < n; i++) { const k = svReadString(r); svDefine(o, k, svDecode(r, depth + 1)); }
      return o;
    }
    default: throw svBad(r, 'unknown tag ' + tag);
  }
}
// The whole of u8[at, end) is one value, nothing after it.
function svDecodeAll(u8, at, end) {
  const r = { __proto__: null, u8, at, end };
  const v = svDecode(r, 0);
  if (r.at !== end) throw svBad(r, (end - r.at) + ' bytes after the value');
  return v;
}
