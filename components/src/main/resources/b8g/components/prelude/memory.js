// b8g prelude: the growable-memory table: what each WebAssembly memory or resizable ArrayBuffer reserves of the off-heap budget.
// A component's memory outside the JS heap has a budget as large as its heap's (MemoryBudget.java
// measures it). V8 counts an ordinary ArrayBuffer as the isolate's external memory, which the
// host reads. What V8 does not count is kept in this table (V8 14.7, measured;
// components/README.md has the figures):
//  - a WebAssembly memory is not external memory, and growing it (memory.grow in wasm code too)
//    runs no GC; V8 reserves address space for its whole maximum when it is made (4 GiB without
//    one, 16 GiB for memory64), so many memories exhaust the address space;
//  - a resizable ArrayBuffer reserves its maxByteLength when it is made (2 ** 45 reserved
//    32 TiB); only the bytes in use are external memory;
//  - a SharedArrayBuffer is not external memory at all.
// So SharedArrayBuffer is removed (a component has no second thread to share it with, and a
// snapshottable one never had it), and every growable memory is made by the prelude
// (array-buffer.js, wasm.js) with a maximum: the maximums of those still reachable fit in the
// budget together, and there are at most MAX_GROWABLE of them. A module's own memories become
// imports wasm.js makes at instantiation (wasm-module.js rewrites the module), so one the module
// does not export is counted too. A growable memory is held weakly: its share returns once it,
// and every buffer over it that was handed out, has been collected.
const WASM_PAGE = 65536;
const MAX_GROWABLE = 64;
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
