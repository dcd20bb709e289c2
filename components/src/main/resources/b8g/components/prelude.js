// b8g component prelude. Runs once in every isolate before any user code.
//
// It is evaluated as `(function (ring) { ... })(<ring.js>)` by the Component class. It:
//  - captures every built-in it relies on (primordials), so user code that patches
//    Array.prototype, Promise.prototype.then or Atomics changes nothing the platform does;
//  - removes ArrayBuffer.prototype.transfer/transferToFixedLength (a transferred shared buffer
//    would alias region memory past a revocation) and keeps private copies for revocation;
//  - defines TextEncoder, TextDecoder, console (silent without a log capability), setTimeout,
//    clearTimeout and CapabilityError;
//  - makes every growable memory (WebAssembly memories, resizable ArrayBuffers) itself, within
//    the component's off-heap budget, and removes SharedArrayBuffer (see "memory budget");
//  - defines one non-writable global entry point, __b8g(op, a, b, c), through which the host
//    attaches the native dispatcher, builds `env`, starts `main`, and delivers wake-ups, events,
//    timers and revocations. Capabilities are pure-JS stubs holding their slot in a closure; the
//    only native function is the dispatcher, held in one slot the host can clear (snapshots).
//
// Snapshots (see snapshots/README.md). A V8 snapshot copies every external ArrayBuffer into the
// heap, so after a restore the stubs' buffers are private copies, not the shared memory. The host
// therefore re-binds every stub by name (IN_REBIND) to a fresh view of the shared memory, and the
// stale copies are detached so a view user code kept across the snapshot fails loudly (length 0)
// instead of silently diverging. Pending reads and writes live in the stubs' own tables and go on:
// after a restore every stub is woken (IN_RESUMED) and re-polls its ring.
(function (ring) {
  'use strict';
  const g = globalThis;
  // ring.TYPE is a frozen __proto__:null literal (dictionary mode in V8): read it once, not per message.
  const RT_BYTES = ring.TYPE.BYTES, RT_TEXT = ring.TYPE.TEXT, RT_END = ring.TYPE.END, RT_BROKEN = ring.BROKEN;
  // Polls of the ring before a channel end parks in ready() (about 1-3 us): a peer on another core
  // usually publishes within microseconds, and a park costs that peer a Java call per wake-up.
  const SPIN_POLLS = 256;
  const ReflectApply = Reflect.apply;
  const ReflectDefineProperty = Reflect.defineProperty;
  const ObjectSetPrototypeOf = Object.setPrototypeOf;
  const ObjectFreeze = Object.freeze;
  const ObjectCreate = Object.create;
  const ObjectDefineProperty = Object.defineProperty;
  const ObjectKeys = Object.keys;
  const ArrayIsArray = Array.isArray;
  const MapCtor = Map;
  const MapGet = Map.prototype.get;
  const MapSet = Map.prototype.set;
  const MapDelete = Map.prototype.delete;
  const MapHas = Map.prototype.has;
  const MapClear = Map.prototype.clear;
  const MapEntries = Map.prototype.entries;
  const MapIteratorNext = Object.getPrototypeOf(new Map().entries()).next;
  const WeakMapCtor = WeakMap;
  const WeakMapGet = WeakMap.prototype.get;
  const WeakMapSet = WeakMap.prototype.set;
  const PromiseCtor = Promise;
  const PromiseThen = Promise.prototype.then;
  const PromiseResolve = Promise.resolve;
  const ErrorCtor = Error;
  const TypeErrorCtor = TypeError;
  const RangeErrorCtor = RangeError;
  const Uint8ArrayCtor = Uint8Array;
  const Uint16ArrayCtor = Uint16Array;
  const ArrayBufferCtor = ArrayBuffer;
  const TypedArrayProto = Object.getPrototypeOf(Uint8Array.prototype);
  const TypedArraySubarray = TypedArrayProto.subarray;
  const TypedArraySet = TypedArrayProto.set;
  const TypedArrayLength = Object.getOwnPropertyDescriptor(TypedArrayProto, 'length').get;
  const ArrayBufferIsView = ArrayBuffer.isView;
  const ArrayBufferByteLength = Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, 'byteLength').get;
  const ArrayBufferTransfer = ArrayBuffer.prototype.transfer;
  const ArrayShift = Array.prototype.shift;
  const ArrayJoin = Array.prototype.join;
  const StringCtor = String;
  const StringFromCharCode = String.fromCharCode;
  const StringCharCodeAt = String.prototype.charCodeAt;
  const StringSlice = String.prototype.slice;
  const StringIndexOf = String.prototype.indexOf;
  const JSONStringify = JSON.stringify;
  const NumberIsInteger = Number.isInteger;
  const SymbolAsyncIterator = Symbol.asyncIterator;
  const MathMin = Math.min;
  const StringToLowerCase = String.prototype.toLowerCase;
  const RegExpExec = RegExp.prototype.exec;
  const NumberCtor = Number;
  const DateNow = Date.now;
  const MathMax = Math.max;

  // A transferred ArrayBuffer keeps aliasing shared memory; user code must not have that power.
  delete ArrayBuffer.prototype.transfer;
  delete ArrayBuffer.prototype.transferToFixedLength;

  const STACK_LINE = /\n\s*at (?:.*\()?([^()\n]+:\d+:\d+)\)?/;
  // Calls every waiting callback once; callbacks added meanwhile wait for the next wake.
  function drain(list) {
    const n = list.length;
    const fs = [];
    for (let i = 0; i < n; i++) push(fs, list[i]);
    list.length = 0;
    for (let i = 0; i < n; i++) fs[i]();
  }
  // V8 aborts the whole process (a failed CHECK, not an exception) when it snapshots a heap whose
  // FinalizationRegistry has cleanup pending (checked with Javet 5.0.6 / V8 14.7). Whether cleanup
  // is pending cannot be seen from JS, so a component that ever registered a target is refused a
  // snapshot with a clear error (IN_PREPARE) before V8 is asked.
  let finalizationUsed = false;
  if (typeof FinalizationRegistry === 'function') {
    const FRRegister = FinalizationRegistry.prototype.register;
    ObjectDefineProperty(FinalizationRegistry.prototype, 'register', {
      value: function register(target, held, token) { finalizationUsed = true; return ReflectApply(FRRegister, this, [target, held, token]); },
      writable: true, configurable: true,
    });
  }

  function then(p, onOk, onErr) { return ReflectApply(PromiseThen, p, [onOk, onErr]); }
  function resolved(v) { return ReflectApply(PromiseResolve, PromiseCtor, [v]); }
  function u8len(u8) { return ReflectApply(TypedArrayLength, u8, []); }
  // Defines instead of [[Set]]: a setter user code put on Array.prototype must never run here.
  function push(a, v) { ReflectDefineProperty(a, a.length, { __proto__: null, value: v, writable: true, enumerable: true, configurable: true }); }
  function shift(a) { return ReflectApply(ArrayShift, a, []); }
  function mapGet(m, k) { return ReflectApply(MapGet, m, [k]); }
  function mapSet(m, k, v) { ReflectApply(MapSet, m, [k, v]); }
  function mapDelete(m, k) { ReflectApply(MapDelete, m, [k]); }
  function mapHas(m, k) { return ReflectApply(MapHas, m, [k]); }
  // [[key, value], ...] in insertion order, through captured built-ins only.
  function mapList(m) {
    const out = [];
    const it = ReflectApply(MapEntries, m, []);
    for (let e = ReflectApply(MapIteratorNext, it, []); !e.done; e = ReflectApply(MapIteratorNext, it, [])) push(out, e.value);
    return out;
  }

  // ---- errors ---------------------------------------------------------------------------------
  class CapabilityError extends ErrorCtor {
    constructor(code, message) { super(message); this.code = code; }
    get name() { return 'CapabilityError'; }
  }
  ObjectDefineProperty(g, 'CapabilityError', { value: CapabilityError, writable: true, configurable: true });

  // Host errors come back from the dispatcher as "\0code\0message".
  function hostError(r) {
    const i = ReflectApply(StringIndexOf, r, ['\0', 1]);
    const code = ReflectApply(StringSlice, r, [1, i]);
    const message = ReflectApply(StringSlice, r, [i + 1]);
    if (code === 'type') return new TypeErrorCtor(message);
    if (code === 'range' || code === 'channel.too_large') return new RangeErrorCtor(message);
    return new CapabilityError(code, message);
  }

  // ---- the dispatcher slot --------------------------------------------------------------------
  let dispatch = null;
  function call(op, a, b, c, d, e) {
    if (dispatch === null) throw new CapabilityError('capability.detached', 'the host is detached from this component (snapshot in progress)');
    const r = dispatch(op, a, b, c, d, e);
    if (typeof r === 'string' && r.length > 0 && ReflectApply(StringCharCodeAt, r, [0]) === 0) throw hostError(r);
    return r;
  }
  // Operation codes, shared with DispatchAdapter.java.
  const OP_SIGNAL = 1, OP_LOG = 2, OP_EXIT = 3, OP_REGION_READ = 4, OP_REGION_WRITE = 5,
    OP_ATTENUATE = 6, OP_RUN = 7, OP_CHILD_TERMINATE = 8, OP_WATCH_PATH = 9, OP_UNWATCH = 10,
    OP_EXPORT = 11, OP_LINK = 12, OP_TIMER = 13, OP_BUFFER = 14, OP_SNAPSHOT = 16, OP_TIMER_CLEAR = 17, OP_WATCH_REGION = 18;

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

  // ---- console --------------------------------------------------------------------------------
  let logSlot = -1;
  function show(v, depth) {
    if (typeof v === 'string') return depth === 0 ? v : JSONStringify(v);
    if (typeof v === 'bigint') return StringCtor(v) + 'n';
    if (typeof v === 'symbol' || typeof v === 'function') return StringCtor(v.toString());
    if (v === null || typeof v !== 'object') return StringCtor(v);
    if (v instanceof ErrorCtor) return StringCtor(v.stack || v);
    if (depth > 2) return ArrayIsArray(v) ? '[Array]' : '[Object]';
    try {
      if (ArrayIsArray(v)) { const parts = []; for (let i = 0; i < v.length && i < 100; i++) push(parts, show(v[i], depth + 1)); return '[ ' + ReflectApply(ArrayJoin, parts, [', ']) + ' ]'; }
      if (v instanceof Uint8ArrayCtor) return 'Uint8Array(' + u8len(v) + ')';
      const parts = []; const ks = ObjectKeys(v);
      for (let i = 0; i < ks.length && i < 100; i++) push(parts, ks[i] + ': ' + show(v[ks[i]], depth + 1));
      return '{ ' + ReflectApply(ArrayJoin, parts, [', ']) + ' }';
    } catch (e) { return '[object]'; }
  }
  function logger(level) {
    return function (...args) {
      if (logSlot < 0) return;
      const parts = [];
      for (let i = 0; i < args.length; i++) push(parts, show(args[i], 0));
      call(OP_LOG, logSlot, level, ReflectApply(ArrayJoin, parts, [' ']));
    };
  }
  const console = ObjectFreeze({ log: logger('info'), info: logger('info'), debug: logger('debug'), warn: logger('warn'), error: logger('error') });
  ObjectDefineProperty(g, 'console', { value: console, writable: true, configurable: true });

  // ---- timers ---------------------------------------------------------------------------------
  const timers = new MapCtor();
  let nextTimer = 1;
  function setTimeout(fn, ms = 0, ...args) {
    if (typeof fn !== 'function') throw new TypeErrorCtor('setTimeout needs a function');
    const id = nextTimer++;
    ms = +ms; if (!(ms >= 0)) ms = 0; if (ms > 2147483647) ms = 2147483647;
    // The due time is kept so a restored component can re-arm its timers (Java's are gone).
    mapSet(timers, id, { run: () => ReflectApply(fn, undefined, args), due: DateNow() + ms });
    call(OP_TIMER, id, ms | 0);
    return id;
  }
  function clearTimeout(id) { if (mapHas(timers, id)) { mapDelete(timers, id); call(OP_TIMER_CLEAR, id); } }

  // A stream whose operations always succeed at once would never end its turn, and the per-turn
  // CPU limit would stop it for being fast. So channel operations count against one quota per
  // turn, in units of one per operation plus what its bytes cost: one per 512 bytes of text
  // (encoded or decoded in JS: about 3 us optimised, but a fresh isolate's code is not optimised
  // yet, and on a busy machine the optimiser waits for a core) and one per 64 KiB of bytes copied
  // (a few us); a view read in place costs nothing more. Once YIELD_EVERY units are spent, a promise-returning call
  // resolves in a new turn of the loop (soon), and a synchronous one (tryRead, tryWrite,
  // readInPlace) reports "not now" once, so that the ready() the caller awaits next resolves in a
  // new turn. A turn then moves at most 4,096 messages, 2 MiB of text or 256 MiB of bytes, at the
  // cost of one Java call; the loops the README teaches never trip the CPU limit by streaming.
  const YIELD_EVERY = 4096;
  let immediate = 0;
  // Set when a synchronous operation said "not now" for the quota: the next ready() yields.
  let yieldDue = false;
  function nextTurn(v) {
    return new PromiseCtor((resolve) => {
      const id = nextTimer++;
      mapSet(timers, id, { run: () => resolve(v), due: DateNow() });
      call(OP_TIMER, id, 0);
    });
  }
  // Charges the bytes an operation moved (see YIELD_EVERY).
  function charge(bytes, type) { immediate += type === RT_TEXT ? bytes >>> 9 : bytes >>> 16; }
  function soon(v) {
    if (!yieldDue && ++immediate <= YIELD_EVERY) return resolved(v);
    immediate = 0; yieldDue = false;
    return nextTurn(v);
  }
  // For synchronous operations: true while this turn's quota lasts.
  function mayGoOn() {
    if (yieldDue) return false;
    if (++immediate <= YIELD_EVERY) return true;
    immediate = 0; yieldDue = true;
    return false;
  }
  ObjectDefineProperty(g, 'setTimeout', { value: setTimeout, writable: true, configurable: true });
  ObjectDefineProperty(g, 'clearTimeout', { value: clearTimeout, writable: true, configurable: true });

  // ---- capability stubs -----------------------------------------------------------------------
  // stub -> slot. A WeakMap, so a component cannot forge a stub: only objects made here are known.
  const slotOf = new WeakMapCtor();
  // slot -> internal record { kind, wake(), revoke() }
  let records = new MapCtor();
  const RIGHT_READ = 1, RIGHT_WRITE = 2;
  function rightsMask(rights) {
    if (rights === undefined) return RIGHT_READ | RIGHT_WRITE;
    if (typeof rights === 'string') rights = [rights];
    if (!ArrayIsArray(rights)) throw new TypeErrorCtor('rights must be "read", "write" or an array of them');
    let m = 0;
    for (let i = 0; i < rights.length; i++) {
      if (rights[i] === 'read') m |= RIGHT_READ; else if (rights[i] === 'write') m |= RIGHT_WRITE;
      else throw new TypeErrorCtor('unknown right ' + StringCtor(rights[i]) + ': use "read" or "write"');
    }
    return m;
  }
  function revokedError(what) { return new CapabilityError('capability.revoked', what + ' was revoked'); }
  function detach(buffer) {
    // Detach every view of the shared memory: views go to length 0, later writes go nowhere.
    if (buffer !== null && buffer !== undefined) { try { ReflectApply(ArrayBufferTransfer, buffer, [0]); } catch (e) { } }
  }
  function register(stub, slot, rec, name) {
    ReflectApply(WeakMapSet, slotOf, [stub, slot]);
    // Host-driven paths read optional members (prepare, rebind, transferred): with no prototype,
    // a getter user code put on Object.prototype cannot run inside them.
    ObjectSetPrototypeOf(rec, null);
    rec.stub = stub;
    rec.name = name;
    mapSet(records, slot, rec);
    return ObjectFreeze(stub);
  }
  function requireSlot(stub, what) {
    const s = (stub !== null && typeof stub === 'object') ? ReflectApply(WeakMapGet, slotOf, [stub]) : undefined;
    if (s === undefined) throw new TypeErrorCtor(what + ' must be a capability from env');
    return s;
  }

  function makeRegion(d, name) {
    let slot = d.slot;
    const size = d.size, rights = d.rights;
    let buffer = d.buffer === undefined ? null : d.buffer;
    let revoked = false;
    function live() { if (revoked) throw revokedError('region'); }
    function range(offset, length) {
      if (!NumberIsInteger(offset) || !NumberIsInteger(length) || offset < 0 || length < 0 || offset + length > size)
        throw new RangeErrorCtor('range [' + offset + ', ' + (offset + length) + ') is outside the region of ' + size + ' bytes');
    }
    const stub = {
      kind: 'region', size,
      rights: ObjectFreeze(rights === (RIGHT_READ | RIGHT_WRITE) ? ['read', 'write'] : rights === RIGHT_READ ? ['read'] : rights === RIGHT_WRITE ? ['write'] : []),
      get buffer() { live(); if (buffer === null) throw new CapabilityError('capability.rights', 'a shared view needs read and write rights; use read(offset, length)'); return buffer; },
      read(offset = 0, length = size - offset) {
        live(); range(offset, length);
        if (buffer !== null) { const out = new Uint8ArrayCtor(length); ReflectApply(TypedArraySet, out, [new Uint8ArrayCtor(buffer, offset, length)]); return out; }
        return new Uint8ArrayCtor(call(OP_REGION_READ, slot, offset, length));
      },
      write(offset, data) {
        live(); const b = typeof data === 'string' ? utf8Encode(data) : toBytes(data, 'data'); range(offset, u8len(b));
        if (buffer !== null) { ReflectApply(TypedArraySet, new Uint8ArrayCtor(buffer, offset, u8len(b)), [b]); return; }
        call(OP_REGION_WRITE, slot, offset, b);
      },
      attenuate(r) { live(); const m = rightsMask(r); return stubFor(decodeDescriptors(call(OP_ATTENUATE, slot, m))[0], name + '#' + m); },
    };
    return register(stub, slot, {
      kind: 'region', wake() {}, revoke() { revoked = true; detach(buffer); buffer = null; },
      prepare() { detach(buffer); },
      rebind(n) {
        if (n.kind !== 'region' || n.size !== size) return false;
        const old = buffer; slot = n.slot; buffer = n.buffer === undefined ? null : n.buffer;
        if (old !== buffer) detach(old);
        return true;
      },
    }, name);
  }

  function decode(type, bytes) { return type === RT_TEXT ? utf8Decode(bytes, false) : bytes; }
  // The other end is gone for good (its holder ended and no restart takes it up): EPIPE for a
  // writer; for a reader, a writer that ended without close(), after every message it wrote.
  function brokenError(name, writerSide) {
    return new CapabilityError('channel.broken', writerSide
      ? 'channel ' + name + ' is broken: its reader is gone, nothing written now would be read'
      : 'channel ' + name + ' is broken: its writer is gone without closing it (every message it wrote was read)');
  }
  function rejected(e) { return new PromiseCtor((resolve, reject) => reject(e)); }

  function makeReader(d, name) {
    let slot = d.slot;
    let buffer = d.buffer;
    let r = ring.reader(buffer);
    const waiting = []; // [resolve, reject] pairs of pending reads, kept here, not in Java
    const watchers = [];
    let revoked = false, ended = false, transferred = false, broken = false;
    function live() {
      if (revoked) throw revokedError('channel');
      if (transferred) throw new CapabilityError('capability.transferred', 'this channel end was given away');
      if (broken) throw brokenError(name, false);
    }
    function signalWriter() { if (r.wake) { r.wake = false; call(OP_SIGNAL, slot); } }
    function becomeBroken() { ended = true; broken = true; throw brokenError(name, false); }
    // Returns null when nothing is there yet, undefined at end of stream; throws channel.broken
    // when the writer is gone without close() and every message it wrote was read.
    function poll() {
      live();
      if (ended) return undefined;
      const t = r.poll();
      // Even when nothing is left: skipping a padding record frees space a waiting writer needs.
      signalWriter();
      if (t === 0) return null;
      if (t === RT_END) { ended = true; return undefined; }
      if (t === RT_BROKEN) becomeBroken();
      charge(r.length, t);
      return decode(t, r.bytes);
    }
    function pump() {
      while (waiting.length > 0) {
        let v;
        try { v = poll(); } catch (e) { while (waiting.length > 0) { shift(waiting); shift(waiting)(e); } return; }
        if (v === null) { if (r.armWait()) continue; return; }
        const resolve = shift(waiting); shift(waiting);
        resolve(v);
      }
    }
    const stub = {
      kind: 'channel', end: 'read',
      // A message, null when none is there now (or this turn has streamed its share: await
      // ready()), undefined at the end.
      tryRead() { live(); return mayGoOn() ? poll() : null; },
      read() {
        if (waiting.length === 0) { const v = poll(); if (v !== null) return soon(v); }
        else live();
        return new PromiseCtor((resolve, reject) => { push(waiting, resolve); push(waiting, reject); if (waiting.length === 2 && r.armWait()) pump(); });
      },
      // Zero-copy: calls fn(view, type) with a view over the shared ring, valid only during the call.
      readInPlace(fn) {
        live();
        if (ended || !mayGoOn()) return false;
        const t = r.peek();
        if (t === 0) { signalWriter(); return false; }
        if (t === RT_END) { r.release(); signalWriter(); ended = true; return false; }
        if (t === RT_BROKEN) becomeBroken();
        const view = r.view;
        try { fn(view, t === RT_TEXT ? 'text' : 'bytes'); } finally { r.release(); signalWriter(); }
        return true;
      },
      // Resolves when a message (or the end) can be read without waiting.
      ready() {
        live();
        if (yieldDue) return soon(undefined);
        if (watchers.length === 0) { for (let i = 0; i < SPIN_POLLS; i++) if (r.readable()) return soon(undefined); }
        return new PromiseCtor((resolve) => {
          push(watchers, resolve);
          if (watchers.length === 1 && r.armWait()) queueWake();
        });
      },
      get ended() { return ended; },
      [SymbolAsyncIterator]() {
        const self = this;
        return { next() { return then(self.read(), (v) => v === undefined ? { value: undefined, done: true } : { value: v, done: false }); }, [SymbolAsyncIterator]() { return this; } };
      },
    };
    function queueWake() { then(resolved(undefined), () => wake()); }
    function wake() {
      if (revoked || transferred) return;
      pump();
      if (watchers.length > 0) {
        drain(watchers);
      }
    }
    return register(stub, slot, {
      kind: 'reader', wake,
      revoke(err) { revoked = true; detach(buffer); buffer = null; const e = err || revokedError('channel'); while (waiting.length > 0) { shift(waiting); shift(waiting)(e); } },
      transferred() { transferred = true; detach(buffer); buffer = null; },
      // A new ring reader over the shared memory: it takes its head from memory, which this side
      // published before the snapshot (a turn boundary), so no message is read twice or skipped.
      prepare() { detach(buffer); },
      rebind(n) {
        if (n.kind !== 'reader' || revoked || transferred) return false;
        const nr = ring.reader(n.buffer);
        const old = buffer; slot = n.slot; buffer = n.buffer; r = nr;
        if (old !== buffer) detach(old);
        return true;
      },
    }, name);
  }

  function makeWriter(d, name) {
    let slot = d.slot;
    let buffer = d.buffer;
    let w = ring.writer(buffer);
    const waiting = []; // pending writes: [bytes, type, resolve, reject]
    const watchers = [];
    let revoked = false, closed = false, transferred = false;
    function live() {
      if (revoked) throw revokedError('channel');
      if (transferred) throw new CapabilityError('capability.transferred', 'this channel end was given away');
      if (closed) throw new CapabilityError('channel.closed', 'the channel was closed by this writer');
    }
    function encode(msg) {
      if (typeof msg === 'string') return [utf8Encode(msg), RT_TEXT];
      return [toBytes(msg, 'a message'), RT_BYTES];
    }
    function offer(bytes, type) {
      const res = w.offer(bytes, type);
      charge(w.length, type);
      if (res === 2) call(OP_SIGNAL, slot);
      else if (res === RT_BROKEN) throw brokenError(name, true);
      return res !== 0;
    }
    function pump() {
      while (waiting.length > 0) {
        let ok;
        try { ok = offer(waiting[0], waiting[1]); } catch (e) { while (waiting.length > 0) { shift(waiting); shift(waiting); shift(waiting); shift(waiting)(e); } return; }
        if (!ok) { if (w.armWait()) continue; return; }
        shift(waiting); shift(waiting); const resolve = shift(waiting); shift(waiting);
        resolve();
      }
    }
    function enqueue(bytes, type) {
      return new PromiseCtor((resolve, reject) => {
        push(waiting, bytes); push(waiting, type); push(waiting, resolve); push(waiting, reject);
        if (waiting.length === 4 && w.armWait()) pump();
      });
    }
    const stub = {
      kind: 'channel', end: 'write', maxMessage: w.maxPayload,
      // Writes now and returns true, or returns false when the ring is full.
      tryWrite(msg) {
        live();
        if (waiting.length > 0 || !mayGoOn()) return false;
        const e = encode(msg);
        return offer(e[0], e[1]);
      },
      // Writes now and returns undefined, or returns a promise that resolves once written.
      write(msg) {
        live();
        const e = encode(msg);
        // Written: undefined, or (once per YIELD_EVERY writes in a turn) a promise that resolves in
        // the next turn, so a loop that awaits what write() returns never trips the CPU limit.
        if (waiting.length === 0 && offer(e[0], e[1])) return mayGoOn() ? undefined : soon(undefined);
        return enqueue(e[0], e[1]);
      },
      // Resolves when a message fits; rejects with channel.broken once the reader is gone.
      ready() {
        live();
        if (w.gone()) return rejected(brokenError(name, true));
        if (yieldDue) return soon(undefined);
        if (watchers.length === 0) { for (let i = 0; i < SPIN_POLLS; i++) if (w.writable()) return soon(undefined); }
        return new PromiseCtor((resolve, reject) => {
          push(watchers, resolve); push(watchers, reject);
          if (watchers.length === 2 && w.armWait()) then(resolved(undefined), () => wake());
        });
      },
      // End of stream: the reader's iteration ends after the messages before it.
      close() {
        if (closed) return undefined;
        live();
        closed = true;
        if (waiting.length === 0 && offer(new Uint8ArrayCtor(0), RT_END)) return undefined;
        return enqueue(new Uint8ArrayCtor(0), RT_END);
      },
    };
    function wake() {
      if (revoked || transferred) return;
      pump();
      if (watchers.length === 0) return;
      if (w.gone()) {
        const e = brokenError(name, true);
        while (watchers.length > 0) { shift(watchers); shift(watchers)(e); }
      } else {
        // [resolve, reject] pairs: call each resolve once.
        const rs = [];
        for (let i = 0; i < watchers.length; i += 2) push(rs, watchers[i]);
        watchers.length = 0;
        drain(rs);
      }
    }
    return register(stub, slot, {
      kind: 'writer', wake,
      revoke(err) {
        revoked = true; detach(buffer); buffer = null;
        const e = err || revokedError('channel');
        while (waiting.length > 0) { shift(waiting); shift(waiting); shift(waiting); shift(waiting)(e); }
        while (watchers.length > 0) { shift(watchers); shift(watchers)(e); }
      },
      transferred() { transferred = true; detach(buffer); buffer = null; },
      prepare() { detach(buffer); },
      rebind(n) {
        if (n.kind !== 'writer' || revoked || transferred) return false;
        const nw = ring.writer(n.buffer);
        const old = buffer; slot = n.slot; buffer = n.buffer; w = nw;
        if (old !== buffer) detach(old);
        return true;
      },
    }, name);
  }

  // ---- host capabilities ----------------------------------------------------------------------
  const children = new MapCtor(); // child id -> { resolve, listeners }
  const watches = new MapCtor();  // watch id -> callback

  function makeRun(d, name) {
    let slot = d.slot;
    function start(script, grants = {}) {
      if (typeof script !== 'string') throw new TypeErrorCtor('run(script, grants): script must be a string path');
      if (grants === null || typeof grants !== 'object') throw new TypeErrorCtor('run(script, grants): grants must be an object of capabilities');
      const keys = ObjectKeys(grants);
      const names = [], slots = [], values = [];
      for (let i = 0; i < keys.length; i++) {
        const k = keys[i], v = grants[k];
        if (ReflectApply(StringIndexOf, k, ['\n']) >= 0) throw new TypeErrorCtor('a grant name must not contain a line break');
        // Strings are plain values (like arguments); everything else must be a capability stub.
        if (typeof v === 'string') { push(values, k); push(values, v); continue; }
        push(names, k); push(slots, requireSlot(v, 'grant "' + k + '"'));
      }
      let encoded = '';
      for (let i = 0; i < values.length; i++) encoded += values[i].length + ':' + values[i];
      const id = call(OP_RUN, slot, script, ReflectApply(ArrayJoin, names, ['\n']), ReflectApply(ArrayJoin, slots, [',']), encoded);
      for (let i = 0; i < slots.length; i++) {
        const rec = mapGet(records, slots[i]);
        if (rec !== undefined && rec.transferred !== undefined && (rec.kind === 'reader' || rec.kind === 'writer')) rec.transferred();
      }
      let resolveExit;
      const exited = new PromiseCtor((resolve) => { resolveExit = resolve; });
      mapSet(children, id, { resolve: resolveExit, listeners: [] });
      const child = {
        id, exited,
        terminate() { call(OP_CHILD_TERMINATE, slot, id); },
      };
      return register(child, -id, { kind: 'child', wake() {}, revoke() {} }, 'child:' + id);
    }
    const stub = function run(script, grants) { return start(script, grants); };
    return register(stub, slot, { kind: 'run', wake() {}, revoke() {}, rebind(n) { if (n.kind !== 'run') return false; slot = n.slot; return true; } }, name);
  }

  function makeWatch(d, name) {
    let slot = d.slot;
    function handle(id) { return ObjectFreeze({ close() { mapDelete(watches, id); call(OP_UNWATCH, slot, id); } }); }
    const stub = {
      // Calls onEvent({ kind: 'created'|'modified'|'deleted'|'overflow', path }) for changes of a granted file or
      // directory ('overflow': events were lost, look again; 'deleted' of the watched directory ends the watch).
      path(path, onEvent) {
        if (typeof onEvent !== 'function') throw new TypeErrorCtor('watch.path(path, onEvent): onEvent must be a function');
        const id = call(OP_WATCH_PATH, slot, StringCtor(path));
        mapSet(watches, id, onEvent);
        return handle(id);
      },
      // Calls onEvent({ kind: 'exit', code, reason }) when a child started with run ends.
      child(child, onEvent) {
        if (typeof onEvent !== 'function') throw new TypeErrorCtor('watch.child(child, onEvent): onEvent must be a function');
        const s = requireSlot(child, 'child');
        const c = mapGet(children, -s);
        if (c === undefined) throw new TypeErrorCtor('not a child of this component');
        push(c.listeners, onEvent);
        return ObjectFreeze({ close() { for (let i = 0; i < c.listeners.length; i++) if (c.listeners[i] === onEvent) c.listeners[i] = null; } });
      },
      // Calls onEvent({ kind: 'readable' }) whenever the channel end has messages or its end.
      channel(reader, onEvent) {
        if (typeof onEvent !== 'function') throw new TypeErrorCtor('watch.channel(reader, onEvent): onEvent must be a function');
        let open = true;
        function loop() { if (!open) return; then(reader.ready(), () => { if (open) { onEvent({ kind: 'readable' }); loop(); } }); }
        loop();
        return ObjectFreeze({ close() { open = false; } });
      },
      // Calls onEvent({ kind: 'modified', path: <region name> }) when the region's bytes change
      // (the host samples a checksum of a region this component may read, every 50 ms).
      region(region, onEvent) {
        if (typeof onEvent !== 'function') throw new TypeErrorCtor('watch.region(region, onEvent): onEvent must be a function');
        const id = call(OP_WATCH_REGION, slot, requireSlot(region, 'watch.region(region, onEvent): region'));
        mapSet(watches, id, onEvent);
        return handle(id);
      },
    };
    return register(stub, slot, { kind: 'watch', wake() {}, revoke() {}, rebind(n) { if (n.kind !== 'watch') return false; slot = n.slot; return true; } }, name);
  }

  // Capability descriptors come from the host as one string of length-prefixed fields
  // (name, kind, slot, rights, size, value per capability), never as objects: an object built by
  // the host would run setters user code defined on Object.prototype.
  function decodeDescriptors(s) {
    const fields = [];
    let i = 0;
    while (i < s.length) {
      const colon = ReflectApply(StringIndexOf, s, [':', i]);
      const len = NumberCtor(ReflectApply(StringSlice, s, [i, colon]));
      push(fields, ReflectApply(StringSlice, s, [colon + 1, colon + 1 + len]));
      i = colon + 1 + len;
    }
    const out = [];
    for (let k = 0; k + 5 < fields.length; k += 6) {
      const d = ObjectCreate(null);
      d.name = fields[k]; d.kind = fields[k + 1]; d.slot = NumberCtor(fields[k + 2]);
      d.rights = NumberCtor(fields[k + 3]); d.size = NumberCtor(fields[k + 4]); d.value = fields[k + 5];
      if (d.kind === 'reader' || d.kind === 'writer' || (d.kind === 'region' && d.rights === (RIGHT_READ | RIGHT_WRITE))) {
        d.buffer = call(OP_BUFFER, d.slot);
      }
      push(out, d);
    }
    return out;
  }

  // ---- snapshot capability --------------------------------------------------------------------
  // A request is recorded here, not in Java: the host takes the snapshot after the current turn
  // (never inside it) and settles the promise in the runtime that goes on. The same record is in
  // the image, so a component restored from it learns so through the same promise.
  const snapshotRequests = new MapCtor(); // request id -> [resolve, reject]
  let nextSnapshotRequest = 1;
  function makeSnapshot(d, name) {
    let slot = d.slot;
    const stub = {
      kind: 'snapshot',
      // Resolves with { restored: false } when the image is written and this component goes on,
      // and with { restored: true } in a component restored from that image.
      take(path) {
        if (typeof path !== 'string') throw new TypeErrorCtor('snapshot.take(path): path must be a string');
        const id = nextSnapshotRequest++;
        call(OP_SNAPSHOT, slot, id, path);
        return new PromiseCtor((resolve, reject) => { mapSet(snapshotRequests, id, [resolve, reject]); });
      },
    };
    return register(stub, slot, { kind: 'snapshot', wake() {}, revoke() {}, rebind(n) { if (n.kind !== 'snapshot') return false; slot = n.slot; return true; } }, name);
  }

  // name: what the host calls this capability when it re-binds it after a restore.
  function stubFor(d, name) {
    if (name === undefined) name = d.name;
    switch (d.kind) {
      case 'region': return makeRegion(d, name);
      case 'reader': return makeReader(d, name);
      case 'writer': return makeWriter(d, name);
      case 'run': return makeRun(d, name);
      case 'watch': return makeWatch(d, name);
      case 'snapshot': return makeSnapshot(d, name);
      case 'log': logSlot = d.slot; return register({ kind: 'log' }, d.slot, {
        kind: 'log', wake() {}, revoke() { logSlot = -1; },
        rebind(n) { if (n.kind !== 'log') return false; logSlot = n.slot; return true; },
      }, name);
      case 'value': return d.value;
      default: throw new TypeErrorCtor('unknown capability kind ' + d.kind);
    }
  }

  const envValues = new MapCtor();
  function buildEnv(descriptors) {
    const env = ObjectCreate(null);
    for (let i = 0; i < descriptors.length; i++) {
      const d = descriptors[i];
      if (d.kind === 'value') {
        // Plain values (link secrets) are read through a getter from a table the prelude empties
        // before a snapshot and the host refills after it: no secret is written into an image.
        const nm = d.name;
        mapSet(envValues, nm, d.value);
        ObjectDefineProperty(env, nm, { __proto__: null, get: () => mapGet(envValues, nm), enumerable: true });
        continue;
      }
      env[d.name] = stubFor(d);
    }
    ObjectDefineProperty(env, 'export', {
      value: function (name, cap) {
        if (typeof name !== 'string') throw new TypeErrorCtor('export(name, capability): name must be a string');
        const s = requireSlot(cap, 'export(name, capability): capability');
        call(OP_EXPORT, name, s);
        const rec = mapGet(records, s);
        if (rec !== undefined && (rec.kind === 'reader' || rec.kind === 'writer')) rec.transferred();
      },
    });
    ObjectDefineProperty(env, 'link', {
      value: function (secret) {
        if (typeof secret !== 'string') throw new TypeErrorCtor('link(secret): secret must be a string');
        const ds = decodeDescriptors(call(OP_LINK, secret));
        const out = ObjectCreate(null);
        for (let i = 0; i < ds.length; i++) out[ds[i].name] = stubFor(ds[i], 'link:' + ds[i].name);
        return ObjectFreeze(out);
      },
    });
    return ObjectFreeze(env);
  }

  // ---- memory budget (WebAssembly, resizable buffers) -----------------------------------------
  // A component's memory outside the JS heap has a budget as large as its heap's (MemoryBudget.java
  // measures it). V8 counts an ordinary ArrayBuffer as the isolate's external memory, which the
  // host reads. What V8 does not count is kept here, where every such memory is made (V8 14.7,
  // measured; components/README.md has the figures):
  //  - a WebAssembly memory is not external memory, and growing it (memory.grow in wasm code too)
  //    runs no GC; V8 reserves address space for its whole maximum when it is made (4 GiB without
  //    one, 16 GiB for memory64), so many memories exhaust the address space;
  //  - a resizable ArrayBuffer reserves its maxByteLength when it is made (2 ** 45 reserved
  //    32 TiB); only the bytes in use are external memory;
  //  - a SharedArrayBuffer is not external memory at all.
  // So SharedArrayBuffer is removed (a component has no second thread to share it with, and a
  // snapshottable one never had it), and every growable memory (WebAssembly memory, resizable
  // ArrayBuffer) is made by this code, with a maximum: the maximums of those still reachable fit
  // in the budget together, and there are at most MAX_GROWABLE of them. A module's own memories
  // become imports this code makes at instantiation, so one the module does not export is counted
  // too. A growable memory is held weakly: its share returns once it, and every buffer over it
  // that was handed out, has been collected.
  const OP_MEMORY = 32, MEMORY_RESERVE = 1, MEMORY_COLLECT = 2;
  const IN_MEMORY = 32;
  const WASM_PAGE = 65536;
  const MAX_GROWABLE = 64;
  const ReflectConstruct = Reflect.construct;
  const ReflectOwnKeys = Reflect.ownKeys;
  const ObjectGetOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
  const WeakRefCtor = WeakRef;
  const WeakRefDeref = WeakRef.prototype.deref;
  const MathFloor = Math.floor;
  const MathTrunc = Math.trunc;
  const BigIntCtor = BigInt;
  const DataViewProto = DataView.prototype;
  function getter(proto, name) { return ObjectGetOwnPropertyDescriptor(proto, name).get; }
  const TypedArrayBuffer = getter(TypedArrayProto, 'buffer');
  const TypedArrayByteOffset = getter(TypedArrayProto, 'byteOffset');
  const TypedArrayByteLength = getter(TypedArrayProto, 'byteLength');
  const DataViewBuffer = getter(DataViewProto, 'buffer');
  const DataViewByteOffset = getter(DataViewProto, 'byteOffset');
  const DataViewByteLength = getter(DataViewProto, 'byteLength');

  function deref(ref) { return ReflectApply(WeakRefDeref, ref, []); }
  function weak(target) { return new WeakRefCtor(target); }

  // Growable memories made so far and not yet found collected: { wasm, target, views, reserved }.
  const growable = [];
  let reservedBytes = 0;
  const growableOf = new WeakMapCtor(); // WebAssembly memory -> its record

  function reachable(rec) {
    if (deref(rec.target) !== undefined) return true;
    for (let i = 0; i < rec.views.length; i++) if (deref(rec.views[i]) !== undefined) return true;
    return false;
  }
  // Forgets what has been collected. (Asking a WeakRef keeps its target until this job ends; the
  // target was reachable anyway.)
  function prune() {
    let kept = 0, sum = 0;
    for (let i = 0; i < growable.length; i++) {
      const rec = growable[i];
      if (!reachable(rec)) continue;
      let v = 0;
      for (let k = 0; k < rec.views.length; k++) if (deref(rec.views[k]) !== undefined) rec.views[v++] = rec.views[k];
      rec.views.length = v;
      growable[kept++] = rec;
      sum += rec.reserved;
    }
    growable.length = kept;
    reservedBytes = sum;
  }
  // How many bytes a new growable memory may reserve: maxBytes if they fit, else what is left;
  // a RangeError if not even minBytes fit, or the component holds MAX_GROWABLE already.
  function reserve(minBytes, maxBytes, what) {
    const budget = call(OP_MEMORY, MEMORY_RESERVE);
    if (growable.length >= MAX_GROWABLE || reservedBytes + maxBytes > budget) {
      // What no longer fits may be garbage: a full GC (at most one per turn) clears its WeakRefs.
      call(OP_MEMORY, MEMORY_COLLECT);
      prune();
    }
    if (growable.length >= MAX_GROWABLE) {
      throw new RangeErrorCtor('cannot make ' + what + ': this component holds ' + MAX_GROWABLE +
        ' growable memories (WebAssembly memories and resizable ArrayBuffers), the most it may');
    }
    const room = budget - reservedBytes;
    if (minBytes > room) {
      throw new RangeErrorCtor('cannot make ' + what + ': it needs ' + minBytes + ' bytes, and ' + room + ' of the ' + budget +
        ' bytes of this component\'s off-heap budget are left for growable memory');
    }
    return maxBytes < room ? maxBytes : room;
  }
  function track(target, wasm, reserved) {
    const rec = ObjectCreate(null);
    rec.wasm = wasm; rec.target = weak(target); rec.views = []; rec.reserved = reserved;
    push(growable, rec);
    reservedBytes += reserved;
    if (wasm) ReflectApply(WeakMapSet, growableOf, [target, rec]);
  }

  // Replaces a built-in constructor by `wrapper` everywhere user code can reach it: the global (or
  // namespace) property and prototype.constructor. The original stays in this closure only.
  function replaceConstructor(holder, name, original, wrapper) {
    const keys = ReflectOwnKeys(original);
    for (let i = 0; i < keys.length; i++) {
      if (keys[i] !== 'prototype') ObjectDefineProperty(wrapper, keys[i], ObjectGetOwnPropertyDescriptor(original, keys[i]));
    }
    ObjectDefineProperty(wrapper, 'prototype', { __proto__: null, value: original.prototype, writable: false });
    ObjectDefineProperty(original.prototype, 'constructor', { __proto__: null, value: wrapper, writable: true, enumerable: false, configurable: true });
    ObjectDefineProperty(holder, name, { __proto__: null, value: wrapper, writable: true, enumerable: false, configurable: true });
  }

  // Keeps the attributes of holder[name], with a new value.
  function replaceValue(holder, name, value) {
    const d = ObjectGetOwnPropertyDescriptor(holder, name);
    ObjectDefineProperty(holder, name, { __proto__: null, value, writable: d.writable, enumerable: d.enumerable, configurable: d.configurable });
  }

  // new ArrayBuffer(length, { maxByteLength }): only a resizable buffer reserves ahead of use.
  // (An expression: a declaration named ArrayBuffer would be what the whole prelude sees.)
  const ArrayBufferWrapper = function ArrayBuffer(length, options) {
    if (new.target === undefined) throw new TypeErrorCtor('Constructor ArrayBuffer requires \'new\'');
    if (options === null || (typeof options !== 'object' && typeof options !== 'function')) return ReflectConstruct(ArrayBufferCtor, [length], new.target);
    const m = options.maxByteLength;
    if (m === undefined) return ReflectConstruct(ArrayBufferCtor, [length], new.target);
    // Read once, and V8 gets the number read: a getter cannot show this code one size and V8 another.
    const n = +m;
    const max = n !== n ? 0 : MathTrunc(n) + 0;
    if (!(max >= 0 && max <= 9007199254740991)) throw new RangeErrorCtor('Invalid array buffer max length');
    // Charged in whole 64 KiB pages: V8 reserves at least a page for each.
    const reserved = (MathFloor(max / WASM_PAGE) + (max % WASM_PAGE === 0 && max > 0 ? 0 : 1)) * WASM_PAGE;
    reserve(reserved, reserved, 'a resizable ArrayBuffer of maxByteLength ' + max);
    const buffer = ReflectConstruct(ArrayBufferCtor, [length, { __proto__: null, maxByteLength: max }], new.target);
    track(buffer, false, reserved);
    return buffer;
  };
  replaceConstructor(g, 'ArrayBuffer', ArrayBufferCtor, ArrayBufferWrapper);
  if (typeof g.SharedArrayBuffer === 'function') delete g.SharedArrayBuffer;

  function sharedMemoryError() {
    return new TypeErrorCtor('shared WebAssembly memory is not available to a component (it has no SharedArrayBuffer); share memory through a region');
  }

  let committedWasm = () => 0;
  if (typeof WebAssembly === 'object' && WebAssembly !== null) (function () {
    const W = WebAssembly;
    const OrigModule = W.Module, OrigInstance = W.Instance, OrigMemory = W.Memory;
    const OrigInstantiate = W.instantiate, OrigModuleImports = W.Module.imports;
    const CompileErrorCtor = W.CompileError;
    const MemoryProto = OrigMemory.prototype;
    const MemoryBuffer = getter(MemoryProto, 'buffer');
    const MemoryToResizable = MemoryProto.toResizableBuffer, MemoryToFixed = MemoryProto.toFixedLengthBuffer;
    // JS promise integration: each suspended call keeps a stack of its own outside the heap (about
    // 1 MiB reserved each, measured), and tens of thousands of them ended the process (V8 out of
    // memory) with 14 MiB of heap. A component has no budget for stacks, so it has no JSPI.
    delete W.promising;
    delete W.Suspending;
    delete W.SuspendError;
    // The module name under which a module's own memories are imported after the rewrite below.
    const HIDDEN = 'b8g:memory';
    const modules = new WeakMapCtor(); // module -> { memories: [{ min, max, is64 }], userModules: [name] }

    // A memory made here: charged, clamped to what is left of the budget, and tracked.
    function makeMemory(initial, maximum, is64, newTarget) {
      const allowed = reserve(initial * WASM_PAGE, maximum * WASM_PAGE, 'a WebAssembly memory of ' + initial + ' pages');
      const max = MathFloor(allowed / WASM_PAGE);
      const d = ObjectCreate(null);
      if (is64) { d.address = 'i64'; d.initial = BigIntCtor(initial); d.maximum = BigIntCtor(max); }
      else { d.initial = initial; d.maximum = max; }
      const memory = ReflectConstruct(OrigMemory, [d], newTarget);
      track(memory, true, max * WASM_PAGE);
      return memory;
    }
    // A descriptor's initial or maximum as V8 converts it (WebIDL [EnforceRange]), as a Number.
    function pages(v, is64, what) {
      if (v === undefined) return undefined;
      if (is64) {
        if (typeof v === 'number') throw new TypeErrorCtor('WebAssembly.Memory(): Property \'' + what + '\': Cannot convert ' + v + ' to a BigInt');
        const b = BigIntCtor(v);
        if (b < 0n || b > 18446744073709551615n) throw new TypeErrorCtor('WebAssembly.Memory(): Property \'' + what + '\' is out of range');
        return NumberCtor(b);
      }
      const n = +v;
      if (n !== n || n === Infinity || n === -Infinity) throw new TypeErrorCtor('WebAssembly.Memory(): Property \'' + what + '\' must be convertible to a valid number');
      const t = MathTrunc(n) + 0;
      if (t < 0 || t > 4294967295) throw new TypeErrorCtor('WebAssembly.Memory(): Property \'' + what + '\' is out of range');
      return t;
    }
    function Memory(descriptor) {
      if (new.target === undefined) throw new TypeErrorCtor('WebAssembly.Memory must be invoked with \'new\'');
      if (descriptor === null || (typeof descriptor !== 'object' && typeof descriptor !== 'function')) throw new TypeErrorCtor('WebAssembly.Memory(): Argument 0 must be a memory descriptor');
      // Each field is read once, and V8 gets what was read.
      const address = descriptor.address;
      const kind = address === undefined ? 'i32' : StringCtor(address);
      if (kind !== 'i32' && kind !== 'i64') throw new TypeErrorCtor('WebAssembly.Memory(): Property \'address\' must be \'i32\' or \'i64\'');
      const is64 = kind === 'i64';
      const initial = pages(descriptor.initial, is64, 'initial');
      const maximum = pages(descriptor.maximum, is64, 'maximum');
      if (descriptor.shared) throw sharedMemoryError();
      if (initial === undefined) throw new TypeErrorCtor('WebAssembly.Memory(): Property \'initial\' is required');
      if (maximum !== undefined && maximum < initial) throw new RangeErrorCtor('WebAssembly.Memory(): Property \'maximum\': value ' + maximum + ' is below the lower bound ' + initial);
      return makeMemory(initial, maximum === undefined ? Infinity : maximum, is64, new.target);
    }
    replaceConstructor(W, 'Memory', OrigMemory, Memory);

    // A buffer over a memory keeps the memory's pages alive after the memory object is collected.
    function noteBuffer(memory, buffer) {
      const rec = ReflectApply(WeakMapGet, growableOf, [memory]);
      if (rec === undefined) return;
      const views = rec.views;
      if (views.length > 0 && deref(views[views.length - 1]) === buffer) return;
      push(views, weak(buffer));
    }
    function wrapBufferMethod(name, original) {
      replaceValue(MemoryProto, name, { [name]() { const b = ReflectApply(original, this, []); noteBuffer(this, b); return b; } }[name]);
    }
    const bufferDescriptor = ObjectGetOwnPropertyDescriptor(MemoryProto, 'buffer');
    ObjectDefineProperty(MemoryProto, 'buffer', {
      __proto__: null, enumerable: bufferDescriptor.enumerable, configurable: true,
      get: ObjectGetOwnPropertyDescriptor({ get buffer() { const b = ReflectApply(MemoryBuffer, this, []); noteBuffer(this, b); return b; } }, 'buffer').get,
    });
    if (typeof MemoryToResizable === 'function') wrapBufferMethod('toResizableBuffer', MemoryToResizable);
    if (typeof MemoryToFixed === 'function') wrapBufferMethod('toFixedLengthBuffer', MemoryToFixed);

    // ---- module bytes: a module's own memories become imports -------------------------------
    function compileError(message) { return new CompileErrorCtor('WebAssembly.Module(): ' + message); }
    // A private copy of a BufferSource: what is parsed here is exactly what V8 compiles.
    function sourceBytes(source) {
      let view;
      if (ArrayBufferIsView(source)) {
        let buffer, offset, length;
        try {
          buffer = ReflectApply(TypedArrayBuffer, source, []); offset = ReflectApply(TypedArrayByteOffset, source, []); length = ReflectApply(TypedArrayByteLength, source, []);
        } catch (e) {
          buffer = ReflectApply(DataViewBuffer, source, []); offset = ReflectApply(DataViewByteOffset, source, []); length = ReflectApply(DataViewByteLength, source, []);
        }
        view = new Uint8ArrayCtor(buffer, offset, length);
      } else {
        try { ReflectApply(ArrayBufferByteLength, source, []); } catch (e) {
          throw new TypeErrorCtor('WebAssembly: the module source must be an ArrayBuffer or a typed array');
        }
        view = new Uint8ArrayCtor(source);
      }
      const copy = new Uint8ArrayCtor(u8len(view));
      ReflectApply(TypedArraySet, copy, [view]);
      return copy;
    }
    // Reads an unsigned LEB128 number of at most `bits` bits into at[0], the next position into at[1].
    function leb(b, pos, end, bits, at) {
      let value = 0, scale = 1;
      const most = bits === 32 ? 5 : 10;
      for (let i = 1; ; i++) {
        if (pos >= end) throw compileError('a number runs past the end of its section');
        const byte = b[pos++];
        value += (byte & 0x7f) * scale; // exact up to 2 ** 53; larger ones are far over any budget
        scale *= 128;
        if ((byte & 0x80) === 0) break;
        if (i === most) throw compileError('a number is longer than ' + most + ' bytes');
      }
      if (value >= (bits === 32 ? 4294967296 : 18446744073709551616)) throw compileError('a number is out of range');
      at[0] = value; at[1] = pos;
    }
    function pushLeb(out, v) {
      do { let byte = v % 128; v = MathFloor(v / 128); if (v > 0) byte |= 0x80; push(out, byte); } while (v > 0);
    }
    function pushName(out, s) {
      pushLeb(out, s.length);
      for (let i = 0; i < s.length; i++) push(out, ReflectApply(StringCharCodeAt, s, [i]));
    }
    // The module with its memory section rewritten into imports from HIDDEN (same limits, the
    // maximum clamped to the budget), appended after its own memory imports so every memory keeps
    // its index. Returns { bytes, memories }. Bytes that are not a module are left to V8 to refuse.
    function prepare(source) {
      const b = sourceBytes(source);
      const n = u8len(b);
      const plan = ObjectCreate(null);
      plan.bytes = b; plan.memories = [];
      if (n < 8 || b[0] !== 0 || b[1] !== 0x61 || b[2] !== 0x73 || b[3] !== 0x6d || b[4] !== 1 || b[5] !== 0 || b[6] !== 0 || b[7] !== 0) return plan;
      const at = [0, 0];
      const ids = [], froms = [], starts = [], ends = [];
      let memoryAt = -1, importAt = -1;
      for (let pos = 8; pos < n;) {
        const from = pos, id = b[pos++];
        leb(b, pos, n, 32, at);
        const size = at[0]; pos = at[1];
        if (size > n - pos) throw compileError('section ' + id + ' runs past the end of the module');
        if (id === 5) { if (memoryAt >= 0) throw compileError('more than one memory section'); memoryAt = ids.length; }
        if (id === 2) { if (importAt >= 0) throw compileError('more than one import section'); importAt = ids.length; }
        push(ids, id); push(froms, from); push(starts, pos); push(ends, pos + size);
        pos += size;
      }
      if (memoryAt < 0) return plan;
      const budgetPages = MathFloor(call(OP_MEMORY, MEMORY_RESERVE) / WASM_PAGE);
      const end = ends[memoryAt];
      leb(b, starts[memoryAt], end, 32, at);
      const count = at[0];
      let p = at[1];
      const entries = [];
      for (let i = 0; i < count; i++) {
        if (p >= end) throw compileError('the memory section ends before its last memory');
        const flags = b[p++];
        if ((flags & ~7) !== 0) throw compileError('memory limits with flags ' + flags + ' are not supported');
        if ((flags & 2) !== 0) throw sharedMemoryError();
        const is64 = (flags & 4) !== 0;
        leb(b, p, end, is64 ? 64 : 32, at);
        const min = at[0]; p = at[1];
        let max = Infinity;
        if ((flags & 1) !== 0) { leb(b, p, end, is64 ? 64 : 32, at); max = at[0]; p = at[1]; }
        if (min > budgetPages) {
          throw new RangeErrorCtor('WebAssembly.Module(): memory ' + i + ' starts at ' + min + ' pages of 64 KiB, more than the ' +
            budgetPages + ' pages of this component\'s off-heap budget');
        }
        const cap = max < budgetPages ? max : budgetPages;
        const m = ObjectCreate(null);
        m.min = min; m.max = cap; m.is64 = is64;
        push(plan.memories, m);
        pushName(entries, HIDDEN); pushName(entries, StringCtor(i)); push(entries, 2);
        push(entries, is64 ? 5 : 1); pushLeb(entries, min); pushLeb(entries, cap);
      }
      if (p !== end) throw compileError('the memory section has bytes after its last memory');
      // The new import section: the old entries, then the memories.
      let oldCount = 0, restFrom = 0, restTo = 0;
      if (importAt >= 0) { leb(b, starts[importAt], ends[importAt], 32, at); oldCount = at[0]; restFrom = at[1]; restTo = ends[importAt]; }
      const head = [];
      pushLeb(head, oldCount + count);
      const size = head.length + (restTo - restFrom) + entries.length;
      const section = [2];
      pushLeb(section, size);
      for (let i = 0; i < head.length; i++) push(section, head[i]);
      // Pieces of the new module: arrays of new bytes, or [from, to) ranges of the old one.
      const pieces = [], rangeFrom = [], rangeTo = [];
      function range(from, to) { push(pieces, null); push(rangeFrom, from); push(rangeTo, to); }
      function bytes(a) { push(pieces, a); push(rangeFrom, 0); push(rangeTo, 0); }
      function importSection() { bytes(section); range(restFrom, restTo); bytes(entries); }
      range(0, 8);
      let importDone = false;
      for (let k = 0; k < ids.length; k++) {
        if (k === memoryAt) continue;
        if (k === importAt) { importSection(); importDone = true; continue; }
        // Without an import section of its own, the module gets one before its first section
        // that must follow imports (all but custom and type sections).
        if (!importDone && importAt < 0 && ids[k] !== 0 && ids[k] !== 1) { importSection(); importDone = true; }
        range(froms[k], ends[k]);
      }
      if (!importDone) importSection();
      let total = 0;
      for (let i = 0; i < pieces.length; i++) total += pieces[i] === null ? rangeTo[i] - rangeFrom[i] : pieces[i].length;
      const out = new Uint8ArrayCtor(total);
      const whole = ReflectApply(TypedArrayBuffer, b, []);
      let o = 0;
      for (let i = 0; i < pieces.length; i++) {
        const a = pieces[i];
        if (a === null) {
          ReflectApply(TypedArraySet, out, [new Uint8ArrayCtor(whole, rangeFrom[i], rangeTo[i] - rangeFrom[i]), o]);
          o += rangeTo[i] - rangeFrom[i];
        } else {
          for (let j = 0; j < a.length; j++) out[o++] = a[j];
        }
      }
      plan.bytes = out;
      return plan;
    }
    // Records what instantiating `module` must make; refuses a module that imports from HIDDEN itself.
    function adopt(module, plan) {
      const info = ObjectCreate(null);
      info.memories = plan.memories;
      info.userModules = [];
      if (plan.memories.length > 0) {
        const list = ReflectApply(OrigModuleImports, OrigModule, [module]);
        let hidden = 0;
        for (let i = 0; i < list.length; i++) {
          const name = list[i].module;
          if (name === HIDDEN) { hidden++; continue; }
          let seen = false;
          for (let k = 0; k < info.userModules.length; k++) if (info.userModules[k] === name) seen = true;
          if (!seen) push(info.userModules, name);
        }
        if (hidden !== plan.memories.length) throw compileError('the module imports from "' + HIDDEN + '", a module name the platform reserves');
      }
      ReflectApply(WeakMapSet, modules, [module, info]);
      return module;
    }
    // The imports V8 gets: the caller's, read through on demand, and the module's own memories.
    function link(module, importObject) {
      const info = ReflectApply(WeakMapGet, modules, [module]);
      if (info === undefined || info.memories.length === 0) return importObject;
      if (info.userModules.length > 0 && (importObject === null || (typeof importObject !== 'object' && typeof importObject !== 'function'))) {
        throw new TypeErrorCtor('WebAssembly.Instance(): Imports argument must be present and must be an object');
      }
      const merged = ObjectCreate(null);
      for (let i = 0; i < info.userModules.length; i++) {
        const name = info.userModules[i];
        ObjectDefineProperty(merged, name, { __proto__: null, get: () => importObject[name], enumerable: true });
      }
      const own = ObjectCreate(null);
      for (let i = 0; i < info.memories.length; i++) {
        const m = info.memories[i];
        own[StringCtor(i)] = makeMemory(m.min, m.max, m.is64, OrigMemory);
      }
      merged[HIDDEN] = ObjectFreeze(own);
      return merged;
    }
    function isModule(v) { return v !== null && typeof v === 'object' && ReflectApply(WeakMapGet, modules, [v]) !== undefined; }
    function rejected(e) { return new PromiseCtor((resolve, reject) => reject(e)); }

    function Module(bytes) {
      if (new.target === undefined) throw new TypeErrorCtor('WebAssembly.Module must be invoked with \'new\'');
      const plan = prepare(bytes);
      return adopt(ReflectConstruct(OrigModule, [plan.bytes], new.target), plan);
    }
    replaceConstructor(W, 'Module', OrigModule, Module);
    // Module.imports(m) lists what the caller must provide, not the memories made here.
    replaceValue(Module, 'imports', function imports(module) {
      const list = ReflectApply(OrigModuleImports, OrigModule, [module]);
      if (!isModule(module) || ReflectApply(WeakMapGet, modules, [module]).memories.length === 0) return list;
      const out = [];
      for (let i = 0; i < list.length; i++) if (list[i].module !== HIDDEN) push(out, list[i]);
      return out;
    });
    function Instance(module, importObject) {
      if (new.target === undefined) throw new TypeErrorCtor('WebAssembly.Instance must be invoked with \'new\'');
      return ReflectConstruct(OrigInstance, [module, link(module, importObject)], new.target);
    }
    replaceConstructor(W, 'Instance', OrigInstance, Instance);
    // V8 ends an asynchronous compile with a task on its platform's message loop, which a
    // component's loop does not run: WebAssembly.compile never settled (measured). So the module
    // is compiled at once, in this turn, and the promise settles with it.
    function compile(bytes) {
      return new PromiseCtor((resolve) => resolve(ReflectConstruct(Module, [bytes])));
    }
    function instantiate(source, importObject) {
      if (isModule(source)) {
        let imports;
        try { imports = link(source, importObject); } catch (e) { return rejected(e); }
        return ReflectApply(OrigInstantiate, W, [source, imports]);
      }
      return then(compile(source), (module) =>
        then(ReflectApply(OrigInstantiate, W, [module, link(module, importObject)]), (instance) => ({ module, instance })));
    }
    replaceValue(W, 'compile', compile);
    replaceValue(W, 'instantiate', instantiate);

    // Committed bytes of every WebAssembly memory still reachable (the host asks after each turn).
    committedWasm = function () {
      prune();
      let sum = 0;
      for (let i = 0; i < growable.length; i++) {
        const rec = growable[i];
        if (!rec.wasm) continue;
        const memory = deref(rec.target);
        let bytes = 0;
        if (memory !== undefined) bytes = ReflectApply(ArrayBufferByteLength, ReflectApply(MemoryBuffer, memory, []), []);
        else for (let k = 0; k < rec.views.length; k++) {
          const v = deref(rec.views[k]);
          if (v !== undefined) bytes = MathMax(bytes, ReflectApply(ArrayBufferByteLength, v, []));
        }
        sum += bytes;
      }
      return sum;
    };
  })();

  // ---- the host's entry point -----------------------------------------------------------------
  // Operation codes, shared with Component.java.
  const IN_ATTACH = 1, IN_DETACH = 2, IN_START = 3, IN_WAKE = 4, IN_REVOKE = 5, IN_TIMER = 6,
    IN_WATCH_EVENT = 7, IN_CHILD_EXIT = 8, IN_PREPARE = 10, IN_RESTORE_BEGIN = 11,
    IN_REBIND = 12, IN_RESUMED = 13, IN_SNAPSHOT_DONE = 14, IN_VALUES = 15;
  let started = false;
  // Between IN_RESTORE_BEGIN and IN_RESUMED: the records not yet re-bound, by their old slot.
  let unbound = null;

  function rebind(d, bySlot) {
    let rec, old;
    if (bySlot) { rec = mapGet(unbound, d.slot); old = d.slot; }
    else {
      // By name: the first record of that name not yet re-bound (slot order).
      const all = mapList(unbound);
      for (let i = 0; i < all.length; i++) { if (all[i][1].name === d.name) { old = all[i][0]; rec = all[i][1]; break; } }
    }
    if (rec === undefined || rec.rebind === undefined) return false;
    let ok;
    try { ok = rec.rebind(d); } catch (e) { ok = false; }
    if (!ok) return false;
    mapDelete(unbound, old);
    ReflectApply(WeakMapSet, slotOf, [rec.stub, d.slot]);
    mapSet(records, d.slot, rec);
    return true;
  }

  function resumed(restored) {
    const left = unbound; unbound = null;
    const left1 = mapList(left);
    for (let i = 0; i < left1.length; i++) {
      const slot = left1[i][0], rec = left1[i][1];
      // In the same host (restored false) a record the host did not re-bind keeps its slot (a
      // child, a stub given away). In a restored stack the image grants nothing by itself: what
      // the manifest no longer grants is revoked.
      if (!restored) { mapSet(records, slot, rec); continue; }
      if (rec.kind === 'region' || rec.kind === 'reader' || rec.kind === 'writer' || rec.kind === 'log')
        rec.revoke(new CapabilityError('capability.revoked', (rec.name || 'a capability') + ' is not granted after the restore'));
    }
    if (restored) {
      // Java's timers and children did not survive; re-arm the timers, report the children gone.
      const ts = mapList(timers);
      const now = DateNow();
      for (let i = 0; i < ts.length; i++) call(OP_TIMER, ts[i][0], MathMin(2147483647, MathMax(0, ts[i][1].due - now)) | 0);
      const lost = mapList(children);
      for (let i = 0; i < lost.length; i++) enter(IN_CHILD_EXIT, lost[i][0], 1, 'the child did not survive the restore');
      const done = mapList(snapshotRequests);
      for (let i = 0; i < done.length; i++) { mapDelete(snapshotRequests, done[i][0]); done[i][1][0](ObjectFreeze({ restored: true })); }
    }
    // Re-poll every ring: a read that was waiting gets what arrived meanwhile.
    const all = mapList(records);
    for (let i = 0; i < all.length; i++) { try { all[i][1].wake(); } catch (e) { } }
  }
  function settle(code, message) { try { call(OP_EXIT, code, message); } catch (e) { } }
  // One line for people: "Error: message (at file:line:col)".
  function reason(e) {
    try { return describeError(e); } catch (x) { return 'an error whose description threw'; }
  }
  function describeError(e) {
    if (!(e instanceof ErrorCtor)) return show(e, 0);
    const stack = StringCtor(e.stack || '');
    const at = ReflectApply(RegExpExec, STACK_LINE, [stack]);
    return e.name + ': ' + e.message + (at ? ' (at ' + at[1] + ')' : '');
  }
  function enter(op, a, b, c) {
    immediate = 0; yieldDue = false; // every host entry starts a new turn
    switch (op) {
      case IN_ATTACH: dispatch = a; return;
      case IN_DETACH: dispatch = null; return;
      case IN_START: {
        if (started) throw new TypeErrorCtor('already started');
        started = true;
        // The user script's top-level `main` (a function declaration or a top-level let/const),
        // looked up by name in the global scope at this point, after the script ran.
        const entry = typeof main === 'function' ? main : undefined;
        if (entry === undefined) { settle(1, 'the script does not define a function main(env)'); return; }
        let p;
        try { p = entry(buildEnv(decodeDescriptors(a))); } catch (e) { settle(1, reason(e)); return; }
        then(resolved(p), () => settle(0, ''), (e) => settle(1, reason(e)));
        return;
      }
      case IN_WAKE: { const r = mapGet(records, a); if (r !== undefined) r.wake(); return; }
      case IN_REVOKE: { const r = mapGet(records, a); if (r !== undefined) { mapDelete(records, a); r.revoke(); } return; }
      case IN_TIMER: { const t = mapGet(timers, a); if (t !== undefined) { mapDelete(timers, a); t.run(); } return; }
      case IN_WATCH_EVENT: { const f = mapGet(watches, a); if (f !== undefined) f(ObjectFreeze({ kind: b, path: c })); return; }
      case IN_CHILD_EXIT: {
        const ch = mapGet(children, a);
        if (ch === undefined) return;
        mapDelete(children, a);
        const ev = ObjectFreeze({ kind: 'exit', code: b, reason: c });
        ch.resolve(ev);
        for (let i = 0; i < ch.listeners.length; i++) if (ch.listeners[i] !== null) ch.listeners[i](ev);
        return;
      }
      case IN_PREPARE: {
        // '' when the heap can be snapshotted; otherwise why not, for people.
        if (finalizationUsed) return 'it registered a FinalizationRegistry target, and V8 aborts the process on a snapshot with finalization cleanup pending';
        // V8 would copy every shared buffer still attached into the context blob (regions travel as
        // their own sections): detach them; the host re-binds fresh views after the snapshot.
        const all = mapList(records);
        for (let i = 0; i < all.length; i++) if (all[i][1].prepare !== undefined) all[i][1].prepare();
        ReflectApply(MapClear, envValues, []);
        expose();
        return '';
      }
      case IN_RESTORE_BEGIN: unbound = records; records = new MapCtor(); return;
      case IN_REBIND: return rebind(decodeDescriptors(a)[0], b === true);
      case IN_VALUES: { const ds = decodeDescriptors(a); for (let i = 0; i < ds.length; i++) if (ds[i].kind === 'value') mapSet(envValues, ds[i].name, ds[i].value); return; }
      case IN_RESUMED: resumed(a === true); return;
      case IN_MEMORY: return committedWasm();
      case IN_SNAPSHOT_DONE: {
        const r = mapGet(snapshotRequests, a);
        if (r === undefined) return;
        mapDelete(snapshotRequests, a);
        if (b === '') r[0](ObjectFreeze({ restored: false })); else r[1](new CapabilityError('snapshot.failed', b));
        return;
      }
      default: throw new TypeErrorCtor('unknown host operation');
    }
  }
  // The host takes this off the global object before user code runs (Component.bindEntry) and
  // holds it privately; IN_PREPARE puts it back for the moment of a snapshot, so a runtime
  // restored from the blob can be bound again. No user code runs in between.
  function expose() { ReflectDefineProperty(g, '__b8g', { __proto__: null, value: enter, writable: false, enumerable: false, configurable: true }); }
  expose();
})
