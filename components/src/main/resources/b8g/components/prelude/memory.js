// b8g prelude: The memory budget: growable memory made here, within the component's budget.
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
  const budget = call(TO_HOST_MEMORY, MEMORY_RESERVE);
  if (growable.length >= MAX_GROWABLE || reservedBytes + maxBytes > budget) {
    // What no longer fits may be garbage: a full GC (at most one per turn) clears its WeakRefs.
    call(TO_HOST_MEMORY, MEMORY_COLLECT);
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
    const budgetPages = MathFloor(call(TO_HOST_MEMORY, MEMORY_RESERVE) / WASM_PAGE);
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
