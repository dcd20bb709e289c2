// b8g prelude: ArrayBuffer: a resizable one is made within the growable-memory budget (memory.js); no SharedArrayBuffer.
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
function removeShared() { if (typeof ownGlobal('SharedArrayBuffer') === 'function') delete g.SharedArrayBuffer; }
removeShared();

