// b8g prelude: primordials: every built-in the platform relies on, captured before user code runs, and the small helpers that call them.
//
// The b8g component prelude runs once in every isolate before any user code. Engine joins the
// files of this folder, in the order Engine.PRELUDE names them, into one classic script:
// `(function (ring) { 'use strict'; <the protocol> <these files> })(<ring.js>)`, where the
// protocol (TO_HOST_*, TO_GUEST_*, KIND_*, ...) is written from Protocol.java. Each file holds one
// role, said on its first line; all share the one function scope. The prelude:
//  - captures every built-in it relies on (this file), so user code that patches
//    Array.prototype, Promise.prototype.then or Atomics changes nothing the platform does;
//  - removes ArrayBuffer.prototype.transfer/transferToFixedLength (a transferred shared buffer
//    would alias region memory past a revocation) and keeps private copies for revocation;
//  - defines TextEncoder, TextDecoder, console (silent without a log capability), setTimeout,
//    clearTimeout and CapabilityError, and the WinterTC globals of events.js, web-misc.js,
//    clone.js and crypto.js (those files capture the built-ins only they use, before user code too);
//  - makes every growable memory (WebAssembly memories, resizable ArrayBuffers) itself, within
//    the component's off-heap budget, and removes SharedArrayBuffer (memory.js);
//  - defines one non-writable global entry point, __b8g(op, a, b, c) (entry.js), through which
//    the host attaches the native dispatcher, builds `env`, starts `main`, and delivers wake-ups,
//    events, timers and revocations. Capabilities are pure-JS stubs whose slot only the prelude
//    holds (in a closure or the stub's record); the only native function is the dispatcher, held
//    in one slot the host can clear (snapshots).
//
// Snapshots (see snapshots/README.md). A V8 snapshot copies every external ArrayBuffer into the
// heap, so after a restore the stubs' buffers are private copies, not the shared memory. The host
// therefore re-binds every stub by name (TO_GUEST_REBIND) to a fresh view of the shared memory, and the
// stale copies are detached so a view user code kept across the snapshot fails loudly (length 0)
// instead of silently diverging. Pending reads and writes live in the stubs' own tables and go on:
// after a restore every stub is woken (TO_GUEST_RESUMED) and re-polls its ring.
const g = globalThis;
const ReflectApply = Reflect.apply;
const ReflectDefineProperty = Reflect.defineProperty;
const ObjectSetPrototypeOf = Object.setPrototypeOf;
const ObjectFreeze = Object.freeze;
const ObjectCreate = Object.create;
const ObjectDefineProperty = Object.defineProperty;
const ObjectGetOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
function getter(proto, name) { return ObjectGetOwnPropertyDescriptor(proto, name).get; }
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
const StringLastIndexOf = String.prototype.lastIndexOf;
const JSONStringify = JSON.stringify;
const NumberIsInteger = Number.isInteger;
const SymbolAsyncIterator = Symbol.asyncIterator;
const SymbolIterator = Symbol.iterator;
const IteratorPrototype = Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]()));
const AsyncIteratorPrototype = Object.getPrototypeOf(Object.getPrototypeOf(async function* () {}).prototype);
const NumberToString = Number.prototype.toString;
const MathMin = Math.min;
const StringToLowerCase = String.prototype.toLowerCase;
const RegExpExec = RegExp.prototype.exec;
const NumberCtor = Number;
const DateNow = Date.now;
const MathMax = Math.max;
const ReflectConstruct = Reflect.construct;
const ReflectOwnKeys = Reflect.ownKeys;
const WeakRefCtor = WeakRef;
const WeakRefDeref = WeakRef.prototype.deref;
const MathFloor = Math.floor;
const MathTrunc = Math.trunc;
const BigIntCtor = BigInt;
const DataViewProto = DataView.prototype;
// Absent from a snapshottable isolate (V8 leaves it out there), so also while the startup blob is
// made; late-globals.js takes it when a context restored from that blob is first attached.
let Wasm = typeof WebAssembly === 'object' && WebAssembly !== null ? WebAssembly : null;
const TypedArrayBuffer = getter(TypedArrayProto, 'buffer');
const TypedArrayByteOffset = getter(TypedArrayProto, 'byteOffset');
// A Uint8Array as the host reads bytes: its buffer, offset and length (Java reads them from the
// buffer's backing store; Javet's toBytes() of a view returns its whole buffer).
function viewArgs(u8) { return [ReflectApply(TypedArrayBuffer, u8, []), ReflectApply(TypedArrayByteOffset, u8, []), u8len(u8)]; }
const TypedArrayByteLength = getter(TypedArrayProto, 'byteLength');
const DataViewBuffer = getter(DataViewProto, 'buffer');
const DataViewByteOffset = getter(DataViewProto, 'byteOffset');
const DataViewByteLength = getter(DataViewProto, 'byteLength');


// A transferred ArrayBuffer keeps aliasing shared memory; user code must not have that power.
delete ArrayBuffer.prototype.transfer;
delete ArrayBuffer.prototype.transferToFixedLength;

const then = (function then(p, onOk, onErr) { return ReflectApply(PromiseThen, p, [onOk, onErr]); });
const resolved = (function resolved(v) { return ReflectApply(PromiseResolve, PromiseCtor, [v]); });
function rejected(e) { return new PromiseCtor((resolve, reject) => reject(e)); }
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
const replaceValue = (function replaceValue(holder, name, value) {
  const d = ObjectGetOwnPropertyDescriptor(holder, name);
  ObjectDefineProperty(holder, name, { __proto__: null, value, writable: d.writable, enumerable: d.enumerable, configurable: d.configurable });
});
