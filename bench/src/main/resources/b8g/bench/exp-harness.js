// Experiments (b8g.bench.Experiments): the channel code paths in ONE isolate on ONE thread, writer
// and reader alternating in batches, so the figure is CPU cost per message, free of scheduling
// noise. Evaluated after the platform boot script (prelude + ring.js) and the protocol's
// declarations in a bare runtime.
'use strict';
let ENV = null;
// Drives the prelude's entry point as the host does (the protocol's constants are declared ahead
// of this script, from b8g.components.Protocol): a JS dispatcher that hands out the ring's memory
// and does nothing else, so no Java call can happen on these paths.
function setupStubs(ab) {
  __b8g(TO_GUEST_ATTACH, function dispatch(op) { return op === TO_HOST_BUFFER ? ab : undefined; });
  const field = (v) => { const t = '' + v; return t.length + ':' + t; };
  const record = (name, kind, slot, rights) => field(name) + field(kind) + field(slot) + field(rights) + field(0) + field('');
  globalThis.main = function main(env) { ENV = env; return new Promise(() => {}); };
  __b8g(TO_GUEST_START, record('out', KIND_WRITER, 1, RIGHT_WRITE) + record('in', KIND_READER, 2, RIGHT_READ));
}
// A new turn, as every host entry is: the per-turn quota of channel operations starts again.
function newTurn() { __b8g(TO_GUEST_WAKE, 0); }
function batchFor(size) { return size >= 4096 ? 8 : 256; }
// Platform stubs: tryWrite / tryRead (copy out) or readInPlace.
function stubLoop(size, total, inPlace) {
  const out = ENV.out, inp = ENV.in, B = batchFor(size);
  const buf = new Uint8Array(size);
  let n = 0, sink = 0;
  const touch = (v) => { sink += v[0] + v.length; };
  while (n < total) {
    newTurn();
    let k = 0;
    while (k < B && out.tryWrite(buf)) k++;
    for (let j = 0; j < k; j++) {
      if (inPlace) inp.readInPlace(touch); else { const m = inp.tryRead(); sink += m[0] + m.length; }
    }
    n += k;
  }
  return sink;
}
// ring.js directly (the platform's ring core without the stubs).
let RW = null, RR = null;
function setupRing(ab) { RW = globalThis.R2.writer(ab); RR = globalThis.R2.reader(ab); }
function ringLoop(size, total, inPlace) {
  const w = RW, r = RR, B = batchFor(size);
  const buf = new Uint8Array(size);
  let n = 0, sink = 0;
  while (n < total) {
    let k = 0;
    while (k < B && w.offer(buf, 2) !== 0) k++;
    for (let j = 0; j < k; j++) {
      if (inPlace) { r.peek(); const v = r.view; sink += v[0] + v.length; r.release(); }
      else { r.poll(); const m = r.bytes; sink += m[0] + m.length; }
    }
    n += k;
  }
  return sink;
}
// Raw ring: the same layout, no checks, no private fields, no Reflect.apply.
function makeRaw(ab) {
  const capacity = ab.byteLength - 512, mask = capacity - 1;
  const u8 = new Uint8Array(ab), i32 = new Int32Array(ab);
  const tailI = (capacity >> 2) + 32, headI = (capacity >> 2) + 64;
  let tail = 0, headCache = 0, head = 0, tailCache = 0;
  function offer(m) {
    const length = m.length, size = (length + 15) & -8;
    let index = tail & mask;
    const toEnd = capacity - index;
    const required = size <= toEnd ? size : toEnd + size;
    if (capacity - ((tail - headCache) | 0) < required) {
      headCache = Atomics.load(i32, headI);
      if (capacity - ((tail - headCache) | 0) < required) return false;
    }
    if (size > toEnd) { i32[(index >> 2) + 1] = 1; i32[index >> 2] = toEnd - 8; tail = (tail + toEnd) | 0; index = 0; }
    u8.set(m, index + 8);
    i32[(index >> 2) + 1] = 2; i32[index >> 2] = length;
    tail = (tail + size) | 0;
    Atomics.store(i32, tailI, tail);
    return true;
  }
  function take(inPlace) {
    for (;;) {
      if (head === tailCache) { tailCache = Atomics.load(i32, tailI); if (head === tailCache) return null; }
      const index = head & mask;
      const length = i32[index >> 2], type = i32[(index >> 2) + 1];
      const size = (length + 15) & -8;
      head = (head + size) | 0;
      if (type === 1) { Atomics.store(i32, headI, head); continue; }
      let out;
      if (inPlace) out = new Uint8Array(ab, index + 8, length);
      else {
        out = new Uint8Array(length);
        if (length <= 64) { for (let i = 0; i < length; i++) out[i] = u8[index + 8 + i]; }
        else out.set(new Uint8Array(ab, index + 8, length));
      }
      Atomics.store(i32, headI, head);
      return out;
    }
  }
  return { offer, take };
}
let RAW = null;
function setupRaw(ab) { RAW = makeRaw(ab); }
function rawLoop(size, total, inPlace) {
  const raw = RAW, B = batchFor(size);
  const buf = new Uint8Array(size);
  let n = 0, sink = 0;
  while (n < total) {
    let k = 0;
    while (k < B && raw.offer(buf)) k++;
    for (let j = 0; j < k; j++) { const m = raw.take(inPlace); sink += m[0] + m.length; }
    n += k;
  }
  return sink;
}
