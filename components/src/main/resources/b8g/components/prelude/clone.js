// b8g prelude: structured clone: structuredClone(value, { transfer }) per HTML's StructuredSerialize/Deserialize.
// What it copies: primitives (not symbols), primitive wrappers, Date, RegExp, ArrayBuffer (a
// resizable one stays resizable, within the growable-memory budget), typed arrays and DataView
// (views of one buffer share one copy of it), Map, Set, Error (name, message, stack, cause),
// arrays (holes and extra properties kept) and other objects (own enumerable string keys, each
// getter run once), with cycles and shared references kept. Everything else is a DataCloneError:
// functions, symbols, WeakMap, WeakSet, WeakRef, Promise, and the platform's own objects (any
// object whose Symbol.toStringTag is not one of the above: Event, AbortSignal, CryptoKey, ...).
//
// Transfer is refused, every time, with a DataCloneError. A transferred ArrayBuffer is detached
// and its memory moved to the copy; the prelude removed ArrayBuffer.prototype.transfer because a
// buffer it hands out over shared memory (a region, a ring's view) would then alias that memory
// past a revocation, and a resizable buffer's share of the budget is tracked through the buffer
// itself. Telling those apart from a component's own buffers would need a registry of every
// buffer the platform ever handed out, for a copy's saving; cloning without transfer copies.
const ObjectPrototypeToString = Object.prototype.toString;
const ObjectHasOwn = Object.hasOwn;
const BooleanValueOf = Boolean.prototype.valueOf;
const NumberValueOf = Number.prototype.valueOf;
const StringValueOf = String.prototype.valueOf;
const BigIntValueOf = BigInt.prototype.valueOf;
const SymbolValueOf = Symbol.prototype.valueOf;
const ObjectCtor = Object;
const DateCtor = Date;
const DateGetTime = Date.prototype.getTime;
const RegExpCtor = RegExp;
const RegExpSource = getter(RegExp.prototype, 'source');
// [[OriginalFlags]], read through each flag's own (brand-checking) getter, never `flags`.
const REGEXP_FLAGS = [['hasIndices', 'd'], ['global', 'g'], ['ignoreCase', 'i'], ['multiline', 'm'], ['dotAll', 's'],
  ['unicode', 'u'], ['unicodeSets', 'v'], ['sticky', 'y']];
for (let i = 0; i < REGEXP_FLAGS.length; i++) {
  const d = ObjectGetOwnPropertyDescriptor(RegExp.prototype, REGEXP_FLAGS[i][0]);
  REGEXP_FLAGS[i][0] = d === undefined ? null : d.get;
}
const MapSize = getter(Map.prototype, 'size');
const SetCtor = Set;
const SetAdd = Set.prototype.add;
const SetSize = getter(Set.prototype, 'size');
const SetValues = Set.prototype.values;
const SetIteratorNext = Object.getPrototypeOf(new Set().values()).next;
const ArrayBufferResizable = getter(ArrayBuffer.prototype, 'resizable');
const ArrayBufferMaxByteLength = getter(ArrayBuffer.prototype, 'maxByteLength');
const ArrayBufferDetachedDescriptor = ObjectGetOwnPropertyDescriptor(ArrayBuffer.prototype, 'detached');
const ArrayBufferDetached = ArrayBufferDetachedDescriptor === undefined ? null : ArrayBufferDetachedDescriptor.get;
const TypedArrayTag = getter(TypedArrayProto, SymbolToStringTag);
const DataViewCtor = DataView;
const ErrorIsError = typeof ErrorCtor.isError === 'function' ? ErrorCtor.isError : null;
const TYPED_ARRAYS = { __proto__: null };
for (const name of ['Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array',
  'Float16Array', 'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array']) {
  if (typeof g[name] === 'function') TYPED_ARRAYS[name] = g[name];
}
const SERIALIZABLE_ERRORS = { __proto__: null, Error: ErrorCtor, EvalError, RangeError: RangeErrorCtor, ReferenceError, SyntaxError, TypeError: TypeErrorCtor, URIError };
// Tags Object.prototype.toString gives objects this clone copies as plain objects or arrays.
const PLAIN_TAGS = { __proto__: null, '[object Object]': true, '[object Array]': true };

function dataCloneError(what) { return domException('DataCloneError', "Failed to execute 'structuredClone': " + what + ' could not be cloned.'); }
// True when calling the brand-checking built-in `fn` on v does not throw.
function branded(fn, v, args) { try { ReflectApply(fn, v, args); return true; } catch (e) { return false; } }
function defineData(o, k, v) { ObjectDefineProperty(o, k, { __proto__: null, value: v, writable: true, enumerable: true, configurable: true }); }
function defineHidden(o, k, v) { ObjectDefineProperty(o, k, { __proto__: null, value: v, writable: true, enumerable: false, configurable: true }); }

// Objects are told apart by Object.prototype.toString's tag, and a kind is confirmed by its own
// brand-checking built-in before it is trusted; a brand check that throws costs microseconds, so
// no object goes through every one of them. An object whose tag claims a kind it lacks (made with
// Object.create(Map.prototype), say) is an ordinary object, as HTML says.
function cloneValue(v, memory) {
  const t = typeof v;
  if (t === 'symbol') throw dataCloneError('a Symbol');
  if (t === 'function') throw dataCloneError('a function');
  if (v === null || t !== 'object') return v;
  const seen = mapGet(memory, v);
  if (seen !== undefined) return seen;
  if (ArrayIsArray(v)) {
    const out = [];
    ObjectDefineProperty(out, 'length', { __proto__: null, value: v.length >>> 0 });
    mapSet(memory, v, out);
    return copyProperties(v, out, memory);
  }
  if (ArrayBufferIsView(v)) return cloneView(v, memory);
  if (ErrorIsError !== null && ErrorIsError(v)) return cloneError(v, memory);
  let out;
  switch (ReflectApply(ObjectPrototypeToString, v, [])) {
    case '[object Boolean]': if (branded(BooleanValueOf, v, [])) out = ObjectCtor(ReflectApply(BooleanValueOf, v, [])); break;
    case '[object Number]': if (branded(NumberValueOf, v, [])) out = ObjectCtor(ReflectApply(NumberValueOf, v, [])); break;
    case '[object String]': if (branded(StringValueOf, v, [])) out = ObjectCtor(ReflectApply(StringValueOf, v, [])); break;
    case '[object BigInt]': if (branded(BigIntValueOf, v, [])) out = ObjectCtor(ReflectApply(BigIntValueOf, v, [])); break;
    case '[object Symbol]': if (branded(SymbolValueOf, v, [])) throw dataCloneError('a Symbol object'); break;
    case '[object Date]': if (branded(DateGetTime, v, [])) out = new DateCtor(ReflectApply(DateGetTime, v, [])); break;
    case '[object RegExp]': if (v !== RegExpCtor.prototype && branded(RegExpSource, v, [])) out = cloneRegExp(v); break;
    case '[object ArrayBuffer]': if (branded(ArrayBufferByteLength, v, [])) out = cloneBuffer(v); break;
    case '[object Map]': if (branded(MapSize, v, [])) return cloneMap(v, memory); break;
    case '[object Set]': if (branded(SetSize, v, [])) return cloneSet(v, memory); break;
    case '[object Error]': if (ErrorIsError === null) return cloneError(v, memory); break;
    case '[object Object]': case '[object Arguments]': break;
    default: {
      const tag = ReflectApply(ObjectPrototypeToString, v, []);
      throw dataCloneError(StringCtor(ReflectApply(StringSlice, tag, [8, -1])) + ' object');
    }
  }
  if (out === undefined) {
    // A WeakMap, say, whose Symbol.toStringTag user code set to 'Object' is copied as the
    // ordinary object it claims to be: its own enumerable properties, nothing it holds inside.
    out = {};
    mapSet(memory, v, out);
    return copyProperties(v, out, memory);
  }
  mapSet(memory, v, out);
  return out;
}
// Own enumerable string keys, each read (a getter runs once) if still there when its turn comes.
function copyProperties(from, to, memory) {
  const keys = ObjectKeys(from);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    if (!ObjectHasOwn(from, k)) continue;
    defineData(to, k, cloneValue(from[k], memory));
  }
  return to;
}
function cloneRegExp(v) {
  let flags = '';
  for (let i = 0; i < REGEXP_FLAGS.length; i++) if (REGEXP_FLAGS[i][0] !== null && ReflectApply(REGEXP_FLAGS[i][0], v, [])) flags += REGEXP_FLAGS[i][1];
  // A new RegExp: lastIndex starts at 0 again, as HTML says.
  return new RegExpCtor(ReflectApply(RegExpSource, v, []), flags);
}
function detached(buf) {
  if (ArrayBufferDetached !== null) return ReflectApply(ArrayBufferDetached, buf, []);
  try { new Uint8ArrayCtor(buf); return false; } catch (e) { return true; }
}
function cloneBuffer(v) {
  if (detached(v)) throw dataCloneError('a detached ArrayBuffer');
  const n = ReflectApply(ArrayBufferByteLength, v, []);
  // An ordinary ArrayBuffer: V8 counts it against the off-heap budget like any other. A
  // resizable one reserves its maximum through the prelude's ArrayBuffer, within the budget.
  const out = ReflectApply(ArrayBufferResizable, v, [])
    ? new ArrayBufferWrapper(n, { __proto__: null, maxByteLength: ReflectApply(ArrayBufferMaxByteLength, v, []) })
    : new ArrayBufferCtor(n);
  ReflectApply(TypedArraySet, new Uint8ArrayCtor(out), [new Uint8ArrayCtor(v, 0, n)]);
  return out;
}
function cloneView(v, memory) {
  const tag = ReflectApply(TypedArrayTag, v, []);
  if (tag === undefined) {
    const buffer = cloneValue(ReflectApply(DataViewBuffer, v, []), memory);
    const out = new DataViewCtor(buffer, ReflectApply(DataViewByteOffset, v, []), ReflectApply(DataViewByteLength, v, []));
    mapSet(memory, v, out);
    return out;
  }
  const Ctor = TYPED_ARRAYS[tag];
  if (Ctor === undefined) throw dataCloneError('a ' + tag);
  const buffer = cloneValue(ReflectApply(TypedArrayBuffer, v, []), memory);
  const out = new Ctor(buffer, ReflectApply(TypedArrayByteOffset, v, []), u8len(v));
  mapSet(memory, v, out);
  return out;
}
function cloneMap(v, memory) {
  const out = new MapCtor();
  mapSet(memory, v, out);
  // The entries as they are now; cloning them may run getters that change the map.
  const entries = mapList(v);
  for (let i = 0; i < entries.length; i++) mapSet(out, cloneValue(entries[i][0], memory), cloneValue(entries[i][1], memory));
  return out;
}
function cloneSet(v, memory) {
  const out = new SetCtor();
  mapSet(memory, v, out);
  const values = [];
  const it = ReflectApply(SetValues, v, []);
  for (let e = ReflectApply(SetIteratorNext, it, []); !e.done; e = ReflectApply(SetIteratorNext, it, [])) push(values, e.value);
  for (let i = 0; i < values.length; i++) ReflectApply(SetAdd, out, [cloneValue(values[i], memory)]);
  return out;
}
function isError(v) {
  if (ErrorIsError !== null) return ErrorIsError(v);
  return ReflectApply(ObjectPrototypeToString, v, []) === '[object Error]';
}
function cloneError(v, memory) {
  let name = v.name;
  if (typeof name !== 'string' || SERIALIZABLE_ERRORS[name] === undefined) name = 'Error';
  const md = ObjectGetOwnPropertyDescriptor(v, 'message');
  const message = md !== undefined && ObjectHasOwn(md, 'value') ? StringCtor(md.value) : undefined;
  const out = new SERIALIZABLE_ERRORS[name]();
  mapSet(memory, v, out);
  if (message !== undefined) defineHidden(out, 'message', message);
  // The stack is kept, as browsers and V8's serializer keep it; so is the cause.
  const stack = v.stack;
  if (typeof stack === 'string') defineHidden(out, 'stack', stack);
  else delete out.stack;
  const cd = ObjectGetOwnPropertyDescriptor(v, 'cause');
  if (cd !== undefined && ObjectHasOwn(cd, 'value')) defineHidden(out, 'cause', cloneValue(cd.value, memory));
  return out;
}
function structuredClone(value, options = undefined) {
  if (arguments.length === 0) throw new TypeErrorCtor("Failed to execute 'structuredClone': 1 argument required, but only 0 present.");
  if (options !== undefined && options !== null) {
    if (typeof options !== 'object' && typeof options !== 'function') throw new TypeErrorCtor("Failed to execute 'structuredClone': The provided value is not of type 'StructuredSerializeOptions'.");
    const transfer = options.transfer;
    if (transfer !== undefined) {
      if (transfer === null || typeof transfer !== 'object') throw new TypeErrorCtor("Failed to execute 'structuredClone': transfer is not an iterable of objects.");
      // sequence<object>, read through the iterator protocol as WebIDL converts sequences.
      const list = sequence(transfer, "Failed to execute 'structuredClone': transfer");
      for (let i = 0; i < list.length; i++) {
        const t = list[i];
        if (t === null || (typeof t !== 'object' && typeof t !== 'function')) throw new TypeErrorCtor("Failed to execute 'structuredClone': transfer holds a value that is not an object.");
      }
      if (list.length > 0) throw domException('DataCloneError', "Failed to execute 'structuredClone': transfer is not supported in b8g (a transferred buffer would move memory the platform shares or budgets); clone without transfer, which copies.");
    }
  }
  return cloneValue(value, new MapCtor());
}
defineGlobal('structuredClone', structuredClone);
