// b8g prelude: channel ends: one maker for what a reader and a writer share, and each end's own stub over ring.js.
// ring.TYPE is a frozen __proto__:null literal (dictionary mode in V8): read it once, not per message.
const RT_BYTES = ring.TYPE.BYTES, RT_TEXT = ring.TYPE.TEXT, RT_END = ring.TYPE.END, RT_BROKEN = ring.BROKEN;
// Polls of the ring before a channel end parks in ready(): a peer on another core usually
// publishes within microseconds, so a short spin saves a park and a wake-up through Java. 2048
// (the raw ring's spin) was tried to keep a readInPlace reader from parking; on an oversubscribed
// machine it burnt the CPU the other side needed (worker and service tests timed out at load 40),
// so it stays at 256 until a quiet A/B shows the longer spin pays.
const SPIN_POLLS = 256;
// An end's state. Each takes over from those before it, never the other way: a revoked end stays
// revoked, and an end given away cannot be closed or broken any more.
const END_OPEN = 0, END_CLOSED = 1, END_BROKEN = 2, END_GIVEN = 3, END_REVOKED = 4;

// ---- what both ends share ---------------------------------------------------------------------
// One object of one shape for both kinds, so the functions below see one shape. slot, buffer and
// ring (the ring.js reader or writer) are replaced by a rebind. waiting holds the pending reads
// or writes, entries of `width` items with the resolve and reject last (kept here, not in Java);
// watchers the [resolve, reject] pairs of ready() calls parked until wake().
function channelEnd(d, name, kind) {
  const reads = kind === KIND_READER;
  return {
    kind, name, reads, width: reads ? 2 : 4,
    slot: d.slot, buffer: d.buffer, ring: reads ? ring.reader(d.buffer) : ring.writer(d.buffer),
    state: END_OPEN, waiting: [], watchers: [],
  };
}
// The other end is gone for good (its holder ended and no restart takes it up): EPIPE for a
// writer; for a reader, a writer that ended without close(), after every message it wrote.
function brokenError(name, writerSide) {
  return new CapabilityError('channel.broken', writerSide
    ? 'channel ' + name + ' is broken: its reader is gone, nothing written now would be read'
    : 'channel ' + name + ' is broken: its writer is gone without closing it (every message it wrote was read)');
}
function endError(end) {
  switch (end.state) {
    case END_REVOKED: return revokedError('channel');
    case END_GIVEN: return new CapabilityError('capability.transferred', 'this channel end was given away');
    case END_BROKEN: return brokenError(end.name, false);
    default: return new CapabilityError('channel.closed', 'the channel was closed by this writer');
  }
}
// Every operation of an end starts here.
function live(end) { if (end.state !== END_OPEN) throw endError(end); }

// Calls item `at` of every entry of `list` (entries of `width` items) with v, once. The list is
// emptied first: what is added meanwhile waits for the next time.
function settleAll(list, width, at, v) {
  const n = list.length;
  if (n === 0) return;
  const fs = [];
  for (let i = at; i < n; i += width) push(fs, list[i]);
  list.length = 0;
  for (let i = 0; i < fs.length; i++) fs[i](v);
}
function rejectAll(list, width, e) { settleAll(list, width, width - 1, e); }

// ready() once the end is live: resolves soon when the ring lets the end go on now (polled
// SPIN_POLLS times), else parks until wake() (queued at once when armWait finds it can go on).
function whenReady(end, wake) {
  if (yieldDue) return soon(undefined);
  const watchers = end.watchers;
  if (watchers.length === 0) {
    const r = end.ring;
    if (end.reads) { for (let i = 0; i < SPIN_POLLS; i++) if (r.readable()) return soon(undefined); }
    else { for (let i = 0; i < SPIN_POLLS; i++) if (r.writable()) return soon(undefined); }
  }
  return new PromiseCtor((resolve, reject) => {
    push(watchers, resolve); push(watchers, reject);
    if (watchers.length === 2 && end.ring.armWait()) then(resolved(undefined), wake);
  });
}

// The end's record. Revocation and giving the end away detach its view of the ring; a snapshot
// detaches it (prepare) and the restore re-binds a fresh one: a new ring end takes its position
// from memory, which this side published before the snapshot (a turn boundary), so no message is
// read twice or skipped.
function endRecord(end, wake) {
  return {
    kind: end.kind, wake,
    revoke(err) {
      end.state = END_REVOKED; detach(end.buffer); end.buffer = null;
      const e = err || revokedError('channel');
      rejectAll(end.waiting, end.width, e);
      // A writer's ready() rejects too; a reader's stays parked.
      if (!end.reads) rejectAll(end.watchers, 2, e);
    },
    transferred() { if (end.state < END_GIVEN) end.state = END_GIVEN; detach(end.buffer); end.buffer = null; },
    prepare() { detach(end.buffer); },
    rebind(n) {
      if (n.kind !== end.kind || end.state >= END_GIVEN) return false;
      const r = end.reads ? ring.reader(n.buffer) : ring.writer(n.buffer);
      const old = end.buffer; end.slot = n.slot; end.buffer = n.buffer; end.ring = r;
      if (old !== end.buffer) detach(old);
      return true;
    },
  };
}

// ---- the reader -------------------------------------------------------------------------------
function makeReader(d, name) {
  const end = channelEnd(d, name, KIND_READER);
  const waiting = end.waiting; // [resolve, reject] pairs of pending reads
  let ended = false;
  function signalWriter(r) { if (r.wake) { r.wake = false; call(TO_HOST_SIGNAL, end.slot); } }
  function becomeBroken() { ended = true; end.state = END_BROKEN; throw endError(end); }
  // Returns null when nothing is there yet, undefined at end of stream; throws channel.broken
  // when the writer is gone without close() and every message it wrote was read.
  function poll() {
    live(end);
    return pollLive();
  }
  // poll() once the caller has checked that the end is live.
  function pollLive() {
    if (ended) return undefined;
    const r = end.ring;
    const t = r.poll();
    // Even when nothing is left: skipping a padding record frees space a waiting writer needs.
    signalWriter(r);
    if (t === 0) return null;
    if (t === RT_END) { ended = true; return undefined; }
    if (t === RT_BROKEN) becomeBroken();
    charge(r.length, t === RT_TEXT);
    return t === RT_TEXT ? utf8Decode(r.bytes, false) : r.bytes;
  }
  function pump() {
    while (waiting.length > 0) {
      let v;
      try { v = poll(); } catch (e) { rejectAll(waiting, 2, e); return; }
      if (v === null) { if (end.ring.armWait()) continue; return; }
      const resolve = shift(waiting); shift(waiting);
      resolve(v);
    }
  }
  function wake() {
    if (end.state >= END_GIVEN) return;
    pump();
    settleAll(end.watchers, 2, 0, undefined);
  }
  const stub = {
    kind: 'channel', end: 'read',
    // A message, null when none is there now (or this turn has streamed its share: await
    // ready()), undefined at the end.
    tryRead() { live(end); return mayGoOn() ? pollLive() : null; },
    read() {
      if (waiting.length === 0) { const v = poll(); if (v !== null) return soon(v); }
      else live(end);
      return new PromiseCtor((resolve, reject) => { push(waiting, resolve); push(waiting, reject); if (waiting.length === 2 && end.ring.armWait()) pump(); });
    },
    // Zero-copy: calls fn(view, type) with a view over the shared ring, valid only during the call.
    readInPlace(fn) {
      live(end);
      if (ended || !mayGoOn()) return false;
      const r = end.ring;
      const t = r.peek();
      if (t === 0) { signalWriter(r); return false; }
      if (t === RT_END) { r.release(); signalWriter(r); ended = true; return false; }
      if (t === RT_BROKEN) becomeBroken();
      const view = r.view;
      try { fn(view, t === RT_TEXT ? 'text' : 'bytes'); } finally { r.release(); signalWriter(r); }
      return true;
    },
    // Resolves when a message (or the end) can be read without waiting.
    ready() { live(end); return whenReady(end, wake); },
    get ended() { return ended; },
    // A ReadableStream of the messages (channel-streams.js).
    get readable() { return channelReadable(stub); },
    [SymbolAsyncIterator]() {
      const self = this;
      return { next() { return then(self.read(), (v) => v === undefined ? { value: undefined, done: true } : { value: v, done: false }); }, [SymbolAsyncIterator]() { return this; } };
    },
  };
  return register(stub, end.slot, endRecord(end, wake), name);
}

// ---- the writer -------------------------------------------------------------------------------
function makeWriter(d, name) {
  const end = channelEnd(d, name, KIND_WRITER);
  const waiting = end.waiting; // pending writes: [bytes, type, resolve, reject]
  let closed = false;
  // A message's bytes (its type is RT_TEXT for a string, else RT_BYTES): no pair allocated per message.
  function bytesOf(msg) { return typeof msg === 'string' ? utf8Encode(msg) : toBytes(msg, 'a message'); }
  function offer(bytes, type) {
    const w = end.ring;
    const res = w.offer(bytes, type);
    charge(w.length, type === RT_TEXT);
    if (res === 2) call(TO_HOST_SIGNAL, end.slot);
    else if (res === RT_BROKEN) throw brokenError(name, true);
    return res !== 0;
  }
  function pump() {
    while (waiting.length > 0) {
      let written;
      try { written = offer(waiting[0], waiting[1]); } catch (e) { rejectAll(waiting, 4, e); return; }
      if (!written) { if (end.ring.armWait()) continue; return; }
      shift(waiting); shift(waiting); const resolve = shift(waiting); shift(waiting);
      resolve();
    }
  }
  function enqueue(bytes, type) {
    return new PromiseCtor((resolve, reject) => {
      push(waiting, bytes); push(waiting, type); push(waiting, resolve); push(waiting, reject);
      if (waiting.length === 4 && end.ring.armWait()) pump();
    });
  }
  function wake() {
    if (end.state >= END_GIVEN) return;
    pump();
    if (end.watchers.length === 0) return;
    if (end.ring.gone()) rejectAll(end.watchers, 2, brokenError(name, true));
    else settleAll(end.watchers, 2, 0, undefined);
  }
  const stub = {
    kind: 'channel', end: 'write', maxMessage: end.ring.maxPayload,
    // Writes now and returns true, or returns false when the ring is full.
    tryWrite(msg) {
      live(end);
      if (waiting.length > 0 || !mayGoOn()) return false;
      return offer(bytesOf(msg), typeof msg === 'string' ? RT_TEXT : RT_BYTES);
    },
    // Writes now and returns undefined, or returns a promise that resolves once written.
    write(msg) {
      live(end);
      const bytes = bytesOf(msg), type = typeof msg === 'string' ? RT_TEXT : RT_BYTES;
      // Written: undefined, or (once per YIELD_EVERY writes in a turn) a promise that resolves in
      // the next turn, so a loop that awaits what write() returns never trips the CPU limit.
      if (waiting.length === 0 && offer(bytes, type)) return mayGoOn() ? undefined : soon(undefined);
      return enqueue(bytes, type);
    },
    // Resolves when a message fits; rejects with channel.broken once the reader is gone.
    ready() {
      live(end);
      if (end.ring.gone()) return rejected(brokenError(name, true));
      return whenReady(end, wake);
    },
    // End of stream: the reader's iteration ends after the messages before it.
    close() {
      if (closed) return undefined;
      live(end);
      closed = true; end.state = END_CLOSED;
      if (waiting.length === 0 && offer(new Uint8ArrayCtor(0), RT_END)) return undefined;
      return enqueue(new Uint8ArrayCtor(0), RT_END);
    },
    // A WritableStream whose backpressure is the ring's (channel-streams.js).
    get writable() { return channelWritable(stub); },
  };
  return register(stub, end.slot, endRecord(end, wake), name);
}
