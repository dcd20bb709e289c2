// Baseline: the fastest hand-written SPSC ring we can write in JS over memory shared by two
// isolates, with the record layout of b8g.memory.RingDescriptor (8-byte header, 8-byte alignment,
// padding record at the wrap, tail and head on their own lines in the trailer) and no platform
// code: no stubs, no checks, no promises, no counters. As Agrona's and Aeron's consumers do, the
// reader releases the room it consumed in batches: it stores head once per quarter of the ring
// (or when it has read everything published, before it spins or parks), not once per message;
// the writer re-reads head only when its cached copy says the ring is full.
//
// Waiting: a bounded spin on Atomics.load, then pump*() returns false. The Java driver (bare
// runtimes over a direct ByteBuffer) then yields the thread and calls it again; the Node peers
// (peer-ring.js: worker_threads and isolated-vm over a SharedArrayBuffer) park with
// parkReader()/parkWriter(), which set a waiting flag, re-check and Atomics.wait; the other side
// notifies only when it finds the flag set (one Atomics.load per publish or release).
//
// Globals the drivers use: setup(ab, capacity, size, mode), start(n), pumpWriter() and
// pumpReader() -> true when done, parkWriter(ms), parkReader(ms). The writer writes n messages of
// `size` bytes, then an empty marker; the reader consumes until the marker. mode: 'copy' copies
// each payload out into a new Uint8Array (what tryRead does), 'inplace' only touches the payload
// through a view (what readInPlace does).
'use strict';
const SPIN = 2000;
let u8, i32, ab, capacity, mask, tailI, headI, readerWaitingI, writerWaitingI, msg, empty, copy, batch;
let tail = 0, head = 0, released = 0, tailCache = 0, headCache = 0, need = 0, left = 0, sink = 0;
function setup(buffer, cap, size, mode) {
  ab = buffer; capacity = cap; mask = cap - 1;
  u8 = new Uint8Array(ab); i32 = new Int32Array(ab);
  tailI = (cap >> 2) + 32; headI = (cap >> 2) + 64;
  readerWaitingI = (cap >> 2) + 96; writerWaitingI = readerWaitingI + 1;
  batch = cap >> 2;
  msg = new Uint8Array(size); for (let i = 0; i < size; i++) msg[i] = i & 255;
  empty = new Uint8Array(0);
  copy = mode === 'copy';
}
function start(n) { left = n + 1; }
function offer(m) {
  const length = m.length, size = (length + 15) & -8;
  let index = tail & mask;
  const toEnd = capacity - index;
  const required = size <= toEnd ? size : toEnd + size;
  if (capacity - ((tail - headCache) | 0) < required) {
    headCache = Atomics.load(i32, headI);
    if (capacity - ((tail - headCache) | 0) < required) { need = required; return false; }
  }
  if (size > toEnd) { i32[(index >> 2) + 1] = 1; i32[index >> 2] = toEnd - 8; tail = (tail + toEnd) | 0; index = 0; }
  if (length !== 0) u8.set(m, index + 8);
  i32[(index >> 2) + 1] = 2; i32[index >> 2] = length;
  tail = (tail + size) | 0;
  Atomics.store(i32, tailI, tail);
  if (Atomics.load(i32, readerWaitingI) !== 0) { Atomics.store(i32, readerWaitingI, 0); Atomics.notify(i32, readerWaitingI, 1); }
  return true;
}
function pumpWriter() {
  let spins = 0;
  while (left > 0) {
    if (offer(left === 1 ? empty : msg)) { left--; spins = 0; } else if (++spins > SPIN) return false;
  }
  return true;
}
// Publishes the head this reader has reached (the room it consumed since the last release).
function release() {
  released = head;
  Atomics.store(i32, headI, head);
  if (Atomics.load(i32, writerWaitingI) !== 0) { Atomics.store(i32, writerWaitingI, 0); Atomics.notify(i32, writerWaitingI, 1); }
}
function pumpReader() {
  let spins = 0;
  for (;;) {
    if (head === tailCache) {
      tailCache = Atomics.load(i32, tailI);
      if (head === tailCache) {
        if (released !== head) release();
        if (++spins > SPIN) return false;
        continue;
      }
    }
    spins = 0;
    const index = head & mask;
    const length = i32[index >> 2], type = i32[(index >> 2) + 1];
    head = (head + ((length + 15) & -8)) | 0;
    if (type === 1) continue;
    if (copy) {
      // Up to 64 bytes a byte loop (no view allocated), as fast as a view and one set() or faster.
      const out = new Uint8Array(length);
      if (length <= 64) { for (let i = 0; i < length; i++) out[i] = u8[index + 8 + i]; }
      else out.set(new Uint8Array(ab, index + 8, length));
      sink += length === 0 ? 0 : out[0] + out.length;
    } else {
      const view = new Uint8Array(ab, index + 8, length);
      sink += length === 0 ? 0 : view[0] + view.length;
    }
    if (length === 0) { release(); return true; }
    if (((head - released) | 0) >= batch) release();
  }
}
// Node drivers only: park until the other side signals (or ms pass), after a pump returned false.
function parkReader(ms) {
  Atomics.store(i32, readerWaitingI, 1);
  if (Atomics.load(i32, tailI) === head) Atomics.wait(i32, readerWaitingI, 1, ms);
  Atomics.store(i32, readerWaitingI, 0);
}
function parkWriter(ms) {
  Atomics.store(i32, writerWaitingI, 1);
  headCache = Atomics.load(i32, headI);
  if (capacity - ((tail - headCache) | 0) < need) Atomics.wait(i32, writerWaitingI, 1, ms);
  Atomics.store(i32, writerWaitingI, 0);
}
