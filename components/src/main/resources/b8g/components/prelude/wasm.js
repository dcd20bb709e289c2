// b8g prelude: WebAssembly: memories, modules and instances made within the budget, and the committed bytes the host asks for.
let committedWasm = () => 0;
// Wraps Wasm in place; once, when Wasm is known (here, or late-globals.js). Parenthesised, so V8
// compiles it as the prelude is evaluated and the startup blob keeps its bytecode: a start from
// the blob does not compile it again (about as long as the restore itself, measured).
const installWasm = (function () {
  const W = Wasm;
  const OrigModule = W.Module, OrigInstance = W.Instance, OrigMemory = W.Memory;
  const OrigInstantiate = W.instantiate, OrigModuleImports = W.Module.imports;
  const MemoryProto = OrigMemory.prototype;
  const MemoryBuffer = getter(MemoryProto, 'buffer');
  const MemoryToResizable = MemoryProto.toResizableBuffer, MemoryToFixed = MemoryProto.toFixedLengthBuffer;
  // JS promise integration: each suspended call keeps a stack of its own outside the heap (about
  // 1 MiB reserved each, measured), and tens of thousands of them ended the process (V8 out of
  // memory) with 14 MiB of heap. A component has no budget for stacks, so it has no JSPI.
  delete W.promising;
  delete W.Suspending;
  delete W.SuspendError;
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
  const wrapBufferMethod = (function wrapBufferMethod(name, original) {
    replaceValue(MemoryProto, name, { [name]() { const b = ReflectApply(original, this, []); noteBuffer(this, b); return b; } }[name]);
  });
  const bufferDescriptor = ObjectGetOwnPropertyDescriptor(MemoryProto, 'buffer');
  ObjectDefineProperty(MemoryProto, 'buffer', {
    __proto__: null, enumerable: bufferDescriptor.enumerable, configurable: true,
    get: ObjectGetOwnPropertyDescriptor({ get buffer() { const b = ReflectApply(MemoryBuffer, this, []); noteBuffer(this, b); return b; } }, 'buffer').get,
  });
  if (typeof MemoryToResizable === 'function') wrapBufferMethod('toResizableBuffer', MemoryToResizable);
  if (typeof MemoryToFixed === 'function') wrapBufferMethod('toFixedLengthBuffer', MemoryToFixed);

  // Records what instantiating `module` must make; refuses a module that imports from HIDDEN_MEMORY itself.
  function adopt(module, plan) {
    const info = ObjectCreate(null);
    info.memories = plan.memories;
    info.userModules = [];
    if (plan.memories.length > 0) {
      const list = ReflectApply(OrigModuleImports, OrigModule, [module]);
      let hidden = 0;
      for (let i = 0; i < list.length; i++) {
        const name = list[i].module;
        if (name === HIDDEN_MEMORY) { hidden++; continue; }
        let seen = false;
        for (let k = 0; k < info.userModules.length; k++) if (info.userModules[k] === name) seen = true;
        if (!seen) push(info.userModules, name);
      }
      if (hidden !== plan.memories.length) throw compileError('the module imports from "' + HIDDEN_MEMORY + '", a module name the platform reserves');
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
    merged[HIDDEN_MEMORY] = ObjectFreeze(own);
    return merged;
  }
  function isModule(v) { return v !== null && typeof v === 'object' && ReflectApply(WeakMapGet, modules, [v]) !== undefined; }

  function Module(bytes) {
    if (new.target === undefined) throw new TypeErrorCtor('WebAssembly.Module must be invoked with \'new\'');
    const plan = rewriteModule(bytes);
    return adopt(ReflectConstruct(OrigModule, [plan.bytes], new.target), plan);
  }
  replaceConstructor(W, 'Module', OrigModule, Module);
  // Module.imports(m) lists what the caller must provide, not the memories made here.
  replaceValue(Module, 'imports', function imports(module) {
    const list = ReflectApply(OrigModuleImports, OrigModule, [module]);
    if (!isModule(module) || ReflectApply(WeakMapGet, modules, [module]).memories.length === 0) return list;
    const out = [];
    for (let i = 0; i < list.length; i++) if (list[i].module !== HIDDEN_MEMORY) push(out, list[i]);
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
});
if (Wasm !== null) installWasm();
