// b8g prelude: crypto: crypto.getRandomValues, randomUUID, crypto.subtle (digest; HMAC keys, sign, verify), CryptoKey.
// Random bytes and every digest and MAC come from the host (TO_HOST_RANDOM, TO_HOST_DIGEST,
// TO_HOST_HMAC: java.security's SecureRandom, MessageDigest, Mac), crossing as ArrayBuffer
// copies. No random bytes are pooled here: a snapshot would copy the pool into every component
// restored from it, and two restored copies would draw the same "random" numbers.
// A key's bytes are held in this closure (a WeakMap keyed by the CryptoKey), never in a property.
const RANDOM_MAX = 65536;
const INTEGER_ARRAYS = { __proto__: null, Int8Array: true, Uint8Array: true, Uint8ClampedArray: true, Int16Array: true,
  Uint16Array: true, Int32Array: true, Uint32Array: true, BigInt64Array: true, BigUint64Array: true };
// Digest names as WebCrypto registers them (matched without regard to case), with each hash's
// block size in bits: an HMAC key generated without a length has one block.
const HASHES = { __proto__: null, 'SHA-1': 512, 'SHA-256': 512, 'SHA-384': 1024, 'SHA-512': 1024 };
const HASH_NAMES = { __proto__: null, 'sha-1': 'SHA-1', 'sha-256': 'SHA-256', 'sha-384': 'SHA-384', 'sha-512': 'SHA-512' };
const KEY_USAGES = { __proto__: null, sign: true, verify: true };
const ArrayCtor = Array;

function randomBytes(n) { return new Uint8ArrayCtor(call(TO_HOST_RANDOM, n)); }
function getRandomValues(array) {
  if (!ArrayBufferIsView(array)) throw new TypeErrorCtor("Failed to execute 'getRandomValues' on 'Crypto': parameter 1 is not of type 'ArrayBufferView'.");
  const tag = ReflectApply(TypedArrayTag, array, []);
  if (tag === undefined || INTEGER_ARRAYS[tag] !== true) {
    throw domException('TypeMismatchError', "Failed to execute 'getRandomValues' on 'Crypto': The provided ArrayBufferView is of type '" + (tag === undefined ? 'DataView' : tag) + "', which is not an integer array type.");
  }
  const n = ReflectApply(TypedArrayByteLength, array, []);
  if (n > RANDOM_MAX) throw domException('QuotaExceededError', "Failed to execute 'getRandomValues' on 'Crypto': The ArrayBufferView's byte length (" + n + ') exceeds the number of bytes of entropy available via this API (' + RANDOM_MAX + ').');
  if (n > 0) ReflectApply(TypedArraySet, new Uint8ArrayCtor(ReflectApply(TypedArrayBuffer, array, []), ReflectApply(TypedArrayByteOffset, array, []), n), [randomBytes(n)]);
  return array;
}
const HEX = '0123456789abcdef';
// RFC 9562 version 4: 122 random bits, the version nibble 4, the variant bits 10.
function randomUUID() {
  const b = randomBytes(16);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  let s = '';
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) s += '-';
    s += HEX[b[i] >> 4] + HEX[b[i] & 15];
  }
  return s;
}

// ---- algorithms and data -------------------------------------------------------------------------------
function notSupported(what) { return domException('NotSupportedError', what); }
function algorithmName(alg, op) {
  if (typeof alg === 'string') return alg;
  if (alg === null || typeof alg !== 'object') throw new TypeErrorCtor("Failed to execute '" + op + "' on 'SubtleCrypto': the algorithm must be a string or an object with a name.");
  const name = alg.name;
  if (name === undefined) throw new TypeErrorCtor("Failed to execute '" + op + "' on 'SubtleCrypto': the algorithm has no name.");
  return StringCtor(name);
}
function hashName(alg, op) {
  const n = HASH_NAMES[ReflectApply(StringToLowerCase, algorithmName(alg, op), [])];
  if (n === undefined) throw notSupported("Failed to execute '" + op + "' on 'SubtleCrypto': Algorithm: Unrecognized name");
  return n;
}
function isHmac(alg, op) {
  return ReflectApply(StringToLowerCase, algorithmName(alg, op), []) === 'hmac';
}
// A BufferSource as a Uint8Array over the same bytes (the host copies them at once).
function bufferSource(v, op, what) {
  if (ArrayBufferIsView(v)) {
    const tag = ReflectApply(TypedArrayTag, v, []);
    return tag === undefined
      ? new Uint8ArrayCtor(ReflectApply(DataViewBuffer, v, []), ReflectApply(DataViewByteOffset, v, []), ReflectApply(DataViewByteLength, v, []))
      : new Uint8ArrayCtor(ReflectApply(TypedArrayBuffer, v, []), ReflectApply(TypedArrayByteOffset, v, []), ReflectApply(TypedArrayByteLength, v, []));
  }
  if (branded(ArrayBufferByteLength, v, [])) return new Uint8ArrayCtor(v);
  throw new TypeErrorCtor("Failed to execute '" + op + "' on 'SubtleCrypto': " + what + " is not of type '(ArrayBuffer or ArrayBufferView)'.");
}
function copyBytes(u8) {
  const out = new Uint8ArrayCtor(u8len(u8));
  ReflectApply(TypedArraySet, out, [u8]);
  return out;
}
// The usages asked for, each once, in the order of WebCrypto's KeyUsage enum (as browsers list them).
function usagesOf(list, op) {
  const asked = { __proto__: null };
  const list2 = sequence(list, "Failed to execute '" + op + "' on 'SubtleCrypto': keyUsages");
  for (let i = 0; i < list2.length; i++) {
    const s = StringCtor(list2[i]);
    if (KEY_USAGES[s] !== true) throw domException('SyntaxError', "Failed to execute '" + op + "' on 'SubtleCrypto': Cannot create a key using the specified key usages.");
    asked[s] = true;
  }
  const out = [];
  if (asked.sign) push(out, 'sign');
  if (asked.verify) push(out, 'verify');
  if (out.length === 0) throw domException('SyntaxError', "Failed to execute '" + op + "' on 'SubtleCrypto': Usages cannot be empty when creating a key.");
  return out;
}

// ---- CryptoKey ----------------------------------------------------------------------------------------
const keyBytes = new WeakMapCtor(); // CryptoKey -> Uint8Array over a whole buffer of its own, never visible
class CryptoKey {
  #type; #extractable; #algorithm; #usages;
  constructor(token = undefined, extractable, algorithm, usages, bytes) {
    if (token !== INTERNAL) throw new TypeErrorCtor('Illegal constructor');
    this.#type = 'secret';
    this.#extractable = extractable;
    this.#algorithm = algorithm;
    this.#usages = usages;
    ReflectApply(WeakMapSet, keyBytes, [this, bytes]);
  }
  get type() { if (!(#type in this)) throw illegalInvocation('CryptoKey.type'); return this.#type; }
  get extractable() { if (!(#type in this)) throw illegalInvocation('CryptoKey.extractable'); return this.#extractable; }
  get algorithm() { if (!(#type in this)) throw illegalInvocation('CryptoKey.algorithm'); return this.#algorithm; }
  get usages() { if (!(#type in this)) throw illegalInvocation('CryptoKey.usages'); return this.#usages; }
  static has(k, usage) { const u = k.#usages; for (let i = 0; i < u.length; i++) if (u[i] === usage) return true; return false; }
  static hash(k) { return k.#algorithm.hash.name; }
  static isKey(k) { return k !== null && typeof k === 'object' && #type in k; }
  static extractableKey(k) { return k.#extractable; }
}
const keyHasUsage = CryptoKey.has, keyHash = CryptoKey.hash, isCryptoKey = CryptoKey.isKey, keyExtractable = CryptoKey.extractableKey;
for (const k of ['has', 'hash', 'isKey', 'extractableKey']) delete CryptoKey[k];
toStringTag(CryptoKey, 'CryptoKey');
function hmacKey(hash, bits, bytes, extractable, usages) {
  const algorithm = ObjectFreeze({ name: 'HMAC', hash: ObjectFreeze({ name: hash }), length: bits });
  return new CryptoKey(INTERNAL, !!extractable, algorithm, ObjectFreeze(usages), bytes);
}
function requireKey(key, op, usage) {
  if (!isCryptoKey(key)) throw new TypeErrorCtor("Failed to execute '" + op + "' on 'SubtleCrypto': parameter is not of type 'CryptoKey'.");
  if (!keyHasUsage(key, usage)) throw domException('InvalidAccessError', "Failed to execute '" + op + "' on 'SubtleCrypto': key usages do not permit this operation ('" + usage + "').");
  return ReflectApply(WeakMapGet, keyBytes, [key]);
}
// Bytes cross as (ArrayBuffer, offset, length): the host reads them from the buffer's store.
// A key's bytes fill a buffer of their own (copyBytes, randomBytes), which crosses whole.
function mac(key, data) {
  const d = viewArgs(data);
  return call(TO_HOST_HMAC, keyHash(key), ReflectApply(TypedArrayBuffer, ReflectApply(WeakMapGet, keyBytes, [key]), []), d[0], d[1], d[2]);
}

// ---- SubtleCrypto ----------------------------------------------------------------------------------------
// Each method checks its arguments and computes at once; the result or the error is the promise's.
function settled(fn) {
  try { return resolved(fn()); } catch (e) { return rejected(e); }
}
class SubtleCrypto {
  constructor(token = undefined) { if (token !== INTERNAL) throw new TypeErrorCtor('Illegal constructor'); }
  digest(algorithm, data) {
    return settled(() => {
      const hash = hashName(algorithm, 'digest');
      const d = viewArgs(bufferSource(data, 'digest', 'data'));
      return call(TO_HOST_DIGEST, hash, d[0], d[1], d[2]);
    });
  }
  importKey(format, keyData, algorithm, extractable, keyUsages) {
    return settled(() => {
      if (format !== 'raw') throw notSupported("Failed to execute 'importKey' on 'SubtleCrypto': only the 'raw' format is supported, not '" + StringCtor(format) + "'.");
      if (!isHmac(algorithm, 'importKey')) throw notSupported("Failed to execute 'importKey' on 'SubtleCrypto': only HMAC keys are supported.");
      if (algorithm.hash === undefined) throw new TypeErrorCtor("Failed to execute 'importKey' on 'SubtleCrypto': HmacImportParams: hash is required.");
      const hash = hashName(algorithm.hash, 'importKey');
      const bytes = copyBytes(bufferSource(keyData, 'importKey', 'keyData'));
      const usages = usagesOf(keyUsages, 'importKey');
      const n = u8len(bytes);
      if (n === 0) throw domException('DataError', "Failed to execute 'importKey' on 'SubtleCrypto': HMAC key data must not be empty.");
      let bits = n * 8;
      if (algorithm.length !== undefined) {
        const l = NumberCtor(algorithm.length);
        if (!(l <= bits && l > bits - 8)) throw domException('DataError', "Failed to execute 'importKey' on 'SubtleCrypto': The length (" + l + ') does not match the key data (' + bits + ' bits).');
        bits = l;
      }
      return hmacKey(hash, bits, bytes, extractable, usages);
    });
  }
  generateKey(algorithm, extractable, keyUsages) {
    return settled(() => {
      if (!isHmac(algorithm, 'generateKey')) throw notSupported("Failed to execute 'generateKey' on 'SubtleCrypto': only HMAC keys are supported.");
      if (algorithm.hash === undefined) throw new TypeErrorCtor("Failed to execute 'generateKey' on 'SubtleCrypto': HmacKeyGenParams: hash is required.");
      const hash = hashName(algorithm.hash, 'generateKey');
      const usages = usagesOf(keyUsages, 'generateKey');
      const bits = algorithm.length === undefined ? HASHES[hash] : NumberCtor(algorithm.length);
      if (!(bits > 0 && bits <= RANDOM_MAX * 8 && NumberIsInteger(bits))) throw domException('OperationError', "Failed to execute 'generateKey' on 'SubtleCrypto': HMAC key length must be 1 to " + RANDOM_MAX * 8 + ' bits, not ' + bits + '.');
      const bytes = randomBytes(MathFloor((bits + 7) / 8));
      // Bits past the length are zero.
      if (bits % 8 !== 0) bytes[u8len(bytes) - 1] &= (0xff << (8 - bits % 8)) & 0xff;
      return hmacKey(hash, bits, bytes, extractable, usages);
    });
  }
  exportKey(format, key) {
    return settled(() => {
      if (format !== 'raw') throw notSupported("Failed to execute 'exportKey' on 'SubtleCrypto': only the 'raw' format is supported, not '" + StringCtor(format) + "'.");
      if (!isCryptoKey(key)) throw new TypeErrorCtor("Failed to execute 'exportKey' on 'SubtleCrypto': parameter 2 is not of type 'CryptoKey'.");
      if (!keyExtractable(key)) throw domException('InvalidAccessError', "Failed to execute 'exportKey' on 'SubtleCrypto': key is not extractable");
      const bytes = ReflectApply(WeakMapGet, keyBytes, [key]);
      const out = new ArrayBufferCtor(u8len(bytes));
      ReflectApply(TypedArraySet, new Uint8ArrayCtor(out), [bytes]);
      return out;
    });
  }
  sign(algorithm, key, data) {
    return settled(() => {
      if (!isHmac(algorithm, 'sign')) throw notSupported("Failed to execute 'sign' on 'SubtleCrypto': only HMAC is supported.");
      requireKey(key, 'sign', 'sign');
      return mac(key, bufferSource(data, 'sign', 'data'));
    });
  }
  verify(algorithm, key, signature, data) {
    return settled(() => {
      if (!isHmac(algorithm, 'verify')) throw notSupported("Failed to execute 'verify' on 'SubtleCrypto': only HMAC is supported.");
      requireKey(key, 'verify', 'verify');
      const sig = copyBytes(bufferSource(signature, 'verify', 'signature'));
      const expected = new Uint8ArrayCtor(mac(key, bufferSource(data, 'verify', 'data')));
      const n = u8len(expected);
      if (u8len(sig) !== n) return false;
      // Every byte compared, whatever the first difference.
      let diff = 0;
      for (let i = 0; i < n; i++) diff |= sig[i] ^ expected[i];
      return diff === 0;
    });
  }
}
// The rest of SubtleCrypto exists, so feature tests find it, and says what it lacks.
for (const op of ['encrypt', 'decrypt', 'deriveBits', 'deriveKey', 'wrapKey', 'unwrapKey']) {
  const fn = { [op]() { return rejected(notSupported("Failed to execute '" + op + "' on 'SubtleCrypto': b8g supports digest and HMAC only.")); } }[op];
  ObjectDefineProperty(SubtleCrypto.prototype, op, { __proto__: null, value: fn, writable: true, enumerable: false, configurable: true });
}
toStringTag(SubtleCrypto, 'SubtleCrypto');
const subtle = new SubtleCrypto(INTERNAL);

class Crypto {
  #brand = true;
  constructor(token = undefined) { if (token !== INTERNAL) throw new TypeErrorCtor('Illegal constructor'); }
  getRandomValues(array) { if (!(#brand in this)) throw illegalInvocation('Crypto.getRandomValues'); return getRandomValues(array); }
  randomUUID() { if (!(#brand in this)) throw illegalInvocation('Crypto.randomUUID'); return randomUUID(); }
  get subtle() { if (!(#brand in this)) throw illegalInvocation('Crypto.subtle'); return subtle; }
}
toStringTag(Crypto, 'Crypto');
const crypto = new Crypto(INTERNAL);
defineGlobal('Crypto', Crypto);
defineGlobal('SubtleCrypto', SubtleCrypto);
defineGlobal('CryptoKey', CryptoKey);
defineGlobal('crypto', crypto);
