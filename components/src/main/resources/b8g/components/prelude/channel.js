// b8g prelude: Channel ends: the reader and writer stubs over ring.js.
function decode(type, bytes) { return type === RT_TEXT ? utf8Decode(bytes, false) : bytes; }
// The other end is gone for good (its holder ended and no restart takes it up): EPIPE for a
// writer; for a reader, a writer that ended without close(), after every message it wrote.
function brokenError(name, writerSide) {
  return new CapabilityError('channel.broken', writerSide
    ? 'channel ' + name + ' is broken: its reader is gone, nothing written now would be read'
    : 'channel ' + name + ' is broken: its writer is gone without closing it (every message it wrote was read)');
}
function rejected(e) { return new PromiseCtor((resolve, reject) => reject(e)); }

function makeReader(d, name) {
  let slot = d.slot;
  let buffer = d.buffer;
  let r = ring.reader(buffer);
  const waiting = []; // [resolve, reject] pairs of pending reads, kept here, not in Java
  const watchers = [];
  let revoked = false, ended = false, transferred = false, broken = false;
  function live() {
    if (revoked) throw revokedError('channel');
    if (transferred) throw new CapabilityError('capability.transferred', 'this channel end was given away');
    if (broken) throw brokenError(name, false);
  }
  function signalWriter() { if (r.wake) { r.wake = false; call(TO_HOST_SIGNAL, slot); } }
  function becomeBroken() { ended = true; broken = true; throw brokenError(name, false); }
  // Returns null when nothing is there yet, undefined at end of stream; throws channel.broken
  // when the writer is gone without close() and every message it wrote was read.
  function poll() {
    live();
    if (ended) return undefined;
    const t = r.poll();
    // Even when nothing is left: skipping a padding record frees space a waiting writer needs.
    signalWriter();
    if (t === 0) return null;
    if (t === RT_END) { ended = true; return undefined; }
    if (t === RT_BROKEN) becomeBroken();
    charge(r.length, t);
    return decode(t, r.bytes);
  }
  function pump() {
    while (waiting.length > 0) {
      let v;
      try { v = poll(); } catch (e) { while (waiting.length > 0) { shift(waiting); shift(waiting)(e); } return; }
      if (v === null) { if (r.armWait()) continue; return; }
      const resolve = shift(waiting); shift(waiting);
      resolve(v);
    }
  }
  const stub = {
    kind: 'channel', end: 'read',
    // A message, null when none is there now (or this turn has streamed its share: await
    // ready()), undefined at the end.
    tryRead() { live(); return mayGoOn() ? poll() : null; },
    read() {
      if (waiting.length === 0) { const v = poll(); if (v !== null) return soon(v); }
      else live();
      return new PromiseCtor((resolve, reject) => { push(waiting, resolve); push(waiting, reject); if (waiting.length === 2 && r.armWait()) pump(); });
    },
    // Zero-copy: calls fn(view, type) with a view over the shared ring, valid only during the call.
    readInPlace(fn) {
      live();
      if (ended || !mayGoOn()) return false;
      const t = r.peek();
      if (t === 0) { signalWriter(); return false; }
      if (t === RT_END) { r.release(); signalWriter(); ended = true; return false; }
      if (t === RT_BROKEN) becomeBroken();
      const view = r.view;
      try { fn(view, t === RT_TEXT ? 'text' : 'bytes'); } finally { r.release(); signalWriter(); }
      return true;
    },
    // Resolves when a message (or the end) can be read without waiting.
    ready() {
      live();
      if (yieldDue) return soon(undefined);
      if (watchers.length === 0) { for (let i = 0; i < SPIN_POLLS; i++) if (r.readable()) return soon(undefined); }
      return new PromiseCtor((resolve) => {
        push(watchers, resolve);
        if (watchers.length === 1 && r.armWait()) queueWake();
      });
    },
    get ended() { return ended; },
    [SymbolAsyncIterator]() {
      const self = this;
      return { next() { return then(self.read(), (v) => v === undefined ? { value: undefined, done: true } : { value: v, done: false }); }, [SymbolAsyncIterator]() { return this; } };
    },
  };
  function queueWake() { then(resolved(undefined), () => wake()); }
  function wake() {
    if (revoked || transferred) return;
    pump();
    if (watchers.length > 0) {
      drain(watchers);
    }
  }
  return register(stub, slot, {
    kind: KIND_READER, wake,
    revoke(err) { revoked = true; detach(buffer); buffer = null; const e = err || revokedError('channel'); while (waiting.length > 0) { shift(waiting); shift(waiting)(e); } },
    transferred() { transferred = true; detach(buffer); buffer = null; },
    // A new ring reader over the shared memory: it takes its head from memory, which this side
    // published before the snapshot (a turn boundary), so no message is read twice or skipped.
    prepare() { detach(buffer); },
    rebind(n) {
      if (n.kind !== KIND_READER || revoked || transferred) return false;
      const nr = ring.reader(n.buffer);
      const old = buffer; slot = n.slot; buffer = n.buffer; r = nr;
      if (old !== buffer) detach(old);
      return true;
    },
  }, name);
}

function makeWriter(d, name) {
  let slot = d.slot;
  let buffer = d.buffer;
  let w = ring.writer(buffer);
  const waiting = []; // pending writes: [bytes, type, resolve, reject]
  const watchers = [];
  let revoked = false, closed = false, transferred = false;
  function live() {
    if (revoked) throw revokedError('channel');
    if (transferred) throw new CapabilityError('capability.transferred', 'this channel end was given away');
    if (closed) throw new CapabilityError('channel.closed', 'the channel was closed by this writer');
  }
  function encode(msg) {
    if (typeof msg === 'string') return [utf8Encode(msg), RT_TEXT];
    return [toBytes(msg, 'a message'), RT_BYTES];
  }
  function offer(bytes, type) {
    const res = w.offer(bytes, type);
    charge(w.length, type);
    if (res === 2) call(TO_HOST_SIGNAL, slot);
    else if (res === RT_BROKEN) throw brokenError(name, true);
    return res !== 0;
  }
  function pump() {
    while (waiting.length > 0) {
      let ok;
      try { ok = offer(waiting[0], waiting[1]); } catch (e) { while (waiting.length > 0) { shift(waiting); shift(waiting); shift(waiting); shift(waiting)(e); } return; }
      if (!ok) { if (w.armWait()) continue; return; }
      shift(waiting); shift(waiting); const resolve = shift(waiting); shift(waiting);
      resolve();
    }
  }
  function enqueue(bytes, type) {
    return new PromiseCtor((resolve, reject) => {
      push(waiting, bytes); push(waiting, type); push(waiting, resolve); push(waiting, reject);
      if (waiting.length === 4 && w.armWait()) pump();
    });
  }
  const stub = {
    kind: 'channel', end: 'write', maxMessage: w.maxPayload,
    // Writes now and returns true, or returns false when the ring is full.
    tryWrite(msg) {
      live();
      if (waiting.length > 0 || !mayGoOn()) return false;
      const e = encode(msg);
      return offer(e[0], e[1]);
    },
    // Writes now and returns undefined, or returns a promise that resolves once written.
    write(msg) {
      live();
      const e = encode(msg);
      // Written: undefined, or (once per YIELD_EVERY writes in a turn) a promise that resolves in
      // the next turn, so a loop that awaits what write() returns never trips the CPU limit.
      if (waiting.length === 0 && offer(e[0], e[1])) return mayGoOn() ? undefined : soon(undefined);
      return enqueue(e[0], e[1]);
    },
    // Resolves when a message fits; rejects with channel.broken once the reader is gone.
    ready() {
      live();
      if (w.gone()) return rejected(brokenError(name, true));
      if (yieldDue) return soon(undefined);
      if (watchers.length === 0) { for (let i = 0; i < SPIN_POLLS; i++) if (w.writable()) return soon(undefined); }
      return new PromiseCtor((resolve, reject) => {
        push(watchers, resolve); push(watchers, reject);
        if (watchers.length === 2 && w.armWait()) then(resolved(undefined), () => wake());
      });
    },
    // End of stream: the reader's iteration ends after the messages before it.
    close() {
      if (closed) return undefined;
      live();
      closed = true;
      if (waiting.length === 0 && offer(new Uint8ArrayCtor(0), RT_END)) return undefined;
      return enqueue(new Uint8ArrayCtor(0), RT_END);
    },
  };
  function wake() {
    if (revoked || transferred) return;
    pump();
    if (watchers.length === 0) return;
    if (w.gone()) {
      const e = brokenError(name, true);
      while (watchers.length > 0) { shift(watchers); shift(watchers)(e); }
    } else {
      // [resolve, reject] pairs: call each resolve once.
      const rs = [];
      for (let i = 0; i < watchers.length; i += 2) push(rs, watchers[i]);
      watchers.length = 0;
      drain(rs);
    }
  }
  return register(stub, slot, {
    kind: KIND_WRITER, wake,
    revoke(err) {
      revoked = true; detach(buffer); buffer = null;
      const e = err || revokedError('channel');
      while (waiting.length > 0) { shift(waiting); shift(waiting); shift(waiting); shift(waiting)(e); }
      while (watchers.length > 0) { shift(watchers); shift(watchers)(e); }
    },
    transferred() { transferred = true; detach(buffer); buffer = null; },
    prepare() { detach(buffer); },
    rebind(n) {
      if (n.kind !== KIND_WRITER || revoked || transferred) return false;
      const nw = ring.writer(n.buffer);
      const old = buffer; slot = n.slot; buffer = n.buffer; w = nw;
      if (old !== buffer) detach(old);
      return true;
    },
  }, name);
}
