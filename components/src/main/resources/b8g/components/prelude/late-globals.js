// b8g prelude: the globals V8 adds to a context restored from a blob, taken or removed before any user code sees them.
// A snapshot-enabled isolate has no WebAssembly, SharedArrayBuffer or Float16Array (nor
// Temporal, DisposableStack, AsyncDisposableStack, SuppressedError), so the prelude evaluated
// there, as it is for the startup blob, never saw them; V8 installs them raw in every context it
// restores from a blob made that way (V8 14.7, measured). The host attaches its dispatcher before
// any user code runs, in every isolate (fresh, pooled, restored), and the first attach lands here:
// - a context no user code has run in yet (a start from the startup blob) takes WebAssembly and
//   Float16Array as if they had been there at evaluation, and wraps WebAssembly (wasm.js);
// - a context user code ran in without WebAssembly (a snapshottable component, restored) stays
//   without it: the raw global would be WebAssembly outside the memory budget;
// - SharedArrayBuffer is removed in both (array-buffer.js);
// - the global object is made anew from Javet's template, with the deserialized global's own
//   properties copied onto it but not its prototype: globalThis is an EventTarget again
//   (events.js), unless user code gave it a prototype of its own.
// Idempotent: later attaches (after a snapshot) find nothing to do. Runs no user code: it reads
// the global's own data properties only (ownGlobal), never through a getter user code may have
// put on the global or on Object.prototype, because an attach may run outside a turn, where the
// CPU watchdog does not look, and before the dispatcher is there.
const lateGlobals = (function lateGlobals() {
  removeShared();
  const proto = ObjectGetPrototypeOf(g);
  if (proto !== EventTarget.prototype && (!started || proto === ObjectPrototype)) ObjectSetPrototypeOf(g, EventTarget.prototype);
  if (!started && TYPED_ARRAYS.Float16Array === undefined && typeof ownGlobal('Float16Array') === 'function') TYPED_ARRAYS.Float16Array = ownGlobal('Float16Array');
  if (Wasm !== null) return;
  const w = ownGlobal('WebAssembly');
  if (w === undefined) return;
  if (!started && typeof w === 'object' && w !== null) {
    Wasm = w;
    WasmCompileError = w.CompileError;
    installWasm();
  } else if (ObjectGetOwnPropertyDescriptor(g, 'WebAssembly') !== undefined) {
    delete g.WebAssembly;
  }
});

// The value of the global's own data property `name`, or undefined (absent, or an accessor): the
// descriptor's prototype is cut first, so reading `value` cannot reach Object.prototype.
function ownGlobal(name) {
  const d = ObjectGetOwnPropertyDescriptor(g, name);
  if (d === undefined) return undefined;
  ObjectSetPrototypeOf(d, null);
  return d.value;
}
