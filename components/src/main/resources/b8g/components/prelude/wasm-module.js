// b8g prelude: WebAssembly module bytes: a module's own memories rewritten into imports, so wasm.js makes them.
// The module name under which a module's own memories are imported after the rewrite.
const HIDDEN_MEMORY = 'b8g:memory';
let WasmCompileError = Wasm === null ? undefined : Wasm.CompileError;
function sharedMemoryError() {
  return new TypeErrorCtor('shared WebAssembly memory is not available to a component (it has no SharedArrayBuffer); share memory through a region');
}

function compileError(message) { return new WasmCompileError('WebAssembly.Module(): ' + message); }
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
// The module with its memory section rewritten into imports from HIDDEN_MEMORY (same limits, the
// maximum clamped to the budget), appended after its own memory imports so every memory keeps
// its index. Returns { bytes, memories }. Bytes that are not a module are left to V8 to refuse.
function rewriteModule(source) {
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
    pushName(entries, HIDDEN_MEMORY); pushName(entries, StringCtor(i)); push(entries, 2);
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
