// b8g prelude: services: the client stub (env.NAME.method(...args) -> promise) and the serving end (env.NAME.serve(impl)) over two rings per client.
// A client holds one binding: a request ring it writes and a response ring it reads (parts 0 and
// 1 of its slot). A server holds every client's binding (parts 2i and 2i+1) and reads each request
// ring while fewer than SERVICE_MAX_IN_FLIGHT of that client's calls run, so a client that floods
// fills only its own ring and waits; the others go on. Messages are service-values.js bytes:
//   request:  u32 call id, u8 method length, method (UTF-8), the arguments as one array value
//   response: u32 call id, u8 status (0 ok, 1 error), the result, or [code, message]
// Both sides check every byte they read: a server may be hostile to its clients and a client to
// its server. The hot path is JS on both sides; Java is called only to wake a peer that parked.
const ProxyCtor = Proxy;
const StringSplit = String.prototype.split;
const SV_OK = 0, SV_ERROR = 1;
// Names the client stub never treats as methods: `await env.orders` must not call `then`, and
// conversions and JSON find nothing.
const SV_RESERVED = { __proto__: null, then: true, catch: true, finally: true, constructor: true, toString: true, valueOf: true, toJSON: true, serve: true };
const SV_CODE = /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$/;
const SV_MAX_MESSAGE = 1024; // characters of an error message a server may send back

function svMethods(list) { return list === '' ? null : ReflectApply(StringSplit, list, [',']); }
function svAllowed(methods, m) {
  if (methods === null) return true;
  for (let i = 0; i < methods.length; i++) if (methods[i] === m) return true;
  return false;
}
function svError(code, message) { return new CapabilityError(code, message); }
// The own data value of desc, or undefined (an accessor's descriptor has no own `value`, and
// reading it would find a getter user code put on Object.prototype).
function svOwnValue(desc) { return desc !== undefined && ObjectHasOwn(desc, 'value') ? desc.value : undefined; }
// An error's own message if it is a string, else what.
function svMessage(e, what) {
  if (e === null || (typeof e !== 'object' && typeof e !== 'function')) return typeof e === 'string' ? e : what;
  const m = svOwnValue(ObjectGetOwnPropertyDescriptor(e, 'message'));
  return typeof m === 'string' ? m : what;
}
function svUtf8Short(s) { const b = utf8Encode(s); if (u8len(b) > 255) throw new RangeErrorCtor('a method name is at most 255 bytes'); return b; }

// ---- the client -------------------------------------------------------------------------------
function makeService(d, name) {
  const st = {
    slot: d.slot, methods: svMethods(d.value), req: null, res: null, reqBuf: null, resBuf: null,
    revoked: false, given: false, nextId: 1,
    // call id -> { resolve, reject, method }
    pending: new MapCtor(),
    // encoded requests that found the ring full, in order: [id, bytes, ...]
    queue: [],
  };
  function attach(slot) {
    st.reqBuf = call(TO_HOST_BUFFER, slot, 0); st.resBuf = call(TO_HOST_BUFFER, slot, 1);
    st.req = ring.writer(st.reqBuf); st.res = ring.reader(st.resBuf);
  }
  attach(st.slot);
  function live() {
    if (st.revoked) throw revokedError('service ' + name);
    if (st.given) throw svError('capability.transferred', 'service ' + name + ' was given away');
  }
  function failAll(e) {
    const all = mapList(st.pending);
    ReflectApply(MapClear, st.pending, []);
    st.queue.length = 0;
    for (let i = 0; i < all.length; i++) all[i][1].reject(e);
  }
  function broken() {
    return svError('channel.broken', 'service ' + name + ' is broken: its server is gone, and the calls it had not answered fail');
  }
  // Writes what waits in the queue; false when the ring is full (the writer is armed to wake).
  function flush() {
    const q = st.queue;
    while (q.length > 0) {
      const res = st.req.offer(q[1], RT_BYTES);
      if (res === RT_BROKEN) { failAll(broken()); return false; }
      if (res === 0) { if (st.req.armWait()) continue; return false; }
      if (res === 2) call(TO_HOST_SIGNAL, st.slot, 0);
      shift(q); shift(q);
    }
    return true;
  }
  // Settles every response there is; arms the reader while calls are pending.
  function drain() {
    const r = st.res;
    for (;;) {
      const t = r.peek();
      if (t === 0) {
        if (r.wake) { r.wake = false; call(TO_HOST_SIGNAL, st.slot, 1); }
        if (ReflectApply(MapSize, st.pending, []) === 0 || !r.armWait()) return;
        continue;
      }
      if (t === RT_BROKEN) { failAll(broken()); return; }
      const view = r.view;
      try { settle(view); } finally { r.release(); }
      if (r.wake) { r.wake = false; call(TO_HOST_SIGNAL, st.slot, 1); }
      if (t === RT_END) { failAll(broken()); return; }
    }
  }
  function settle(view) {
    const n = u8len(view);
    if (n < 5) return; // not even a call id: nothing to settle
    const id = (view[0] | (view[1] << 8) | (view[2] << 16) | (view[3] << 24)) >>> 0;
    const p = mapGet(st.pending, id);
    if (p === undefined) return; // a call that failed already (a restart, a timeout): its answer is late
    mapDelete(st.pending, id);
    let v;
    try { v = svDecodeAll(view, 5, n); } catch (e) {
      p.reject(svError('service.corrupt', name + '.' + p.method + ': the server sent a malformed answer (' + e.message + ')'));
      return;
    }
    if (view[4] === SV_OK) { p.resolve(v); return; }
    if (view[4] !== SV_ERROR || !ArrayIsArray(v) || typeof v[0] !== 'string' || typeof v[1] !== 'string' || ReflectApply(RegExpExec, SV_CODE, [v[0]]) === null) {
      p.reject(svError('service.corrupt', name + '.' + p.method + ': the server sent a malformed error'));
      return;
    }
    p.reject(svError(v[0], name + '.' + p.method + ': ' + ReflectApply(StringSlice, v[1], [0, SV_MAX_MESSAGE])));
  }
  function invoke(method, m, args) {
    live();
    if (!svAllowed(st.methods, method)) {
      return rejected(svError('service.unknown_method', name + '.' + method + ' is not a method this component may call'));
    }
    if (ReflectApply(MapSize, st.pending, []) >= SERVICE_MAX_PENDING) {
      return rejected(new RangeErrorCtor(name + '.' + method + ': ' + SERVICE_MAX_PENDING + ' calls are pending; await some before making more'));
    }
    if (st.req.gone()) return rejected(broken());
    let id = st.nextId;
    while (id === 0 || mapHas(st.pending, id)) id = (id + 1) >>> 0;
    st.nextId = (id + 1) >>> 0;
    const ml = u8len(m);
    const w = svReset(5 + ml);
    svEncodeValue(w, args, name + '.' + method + ' arguments');
    const u = w.u8;
    u[0] = id & 255; u[1] = (id >>> 8) & 255; u[2] = (id >>> 16) & 255; u[3] = (id >>> 24) & 255; u[4] = ml;
    ReflectApply(TypedArraySet, u, [m, 5]);
    const bytes = ReflectApply(TypedArraySubarray, u, [0, w.n]);
    if (w.n > st.req.maxPayload) throw new RangeErrorCtor(name + '.' + method + ': the call takes ' + w.n + ' bytes; at most ' + st.req.maxPayload + ' fit');
    const promise = new PromiseCtor((resolve, reject) => { mapSet(st.pending, id, { __proto__: null, resolve, reject, method }); });
    // Straight from the scratch writer when nothing waits; a copy when it must wait for room.
    let sent = false;
    if (st.queue.length === 0) {
      const res = st.req.offer(bytes, RT_BYTES);
      if (res === RT_BROKEN) { failAll(broken()); return promise; }
      if (res === 2) call(TO_HOST_SIGNAL, st.slot, 0);
      sent = res !== 0;
    }
    if (!sent) { push(st.queue, id); push(st.queue, svCopy(bytes)); if (st.queue.length === 2) flush(); }
    drain();
    return promise;
  }
  // One function per method name, made once.
  const fns = new MapCtor();
  function method(k) {
    let f = mapGet(fns, k);
    if (f === undefined) {
      const m = svUtf8Short(k); // encoded once per method name
      f = function (...args) { return invoke(k, m, args); };
      mapSet(fns, k, f);
    }
    return f;
  }
  const target = ObjectFreeze(ObjectCreate(null));
  // Traps looked up on a null-prototype handler: a trap user code put on Object.prototype is never found.
  const stub = new ProxyCtor(target, {
    __proto__: null,
    get(t, k) { return typeof k === 'string' && SV_RESERVED[k] !== true ? method(k) : undefined; },
    has(t, k) { return typeof k === 'string' && SV_RESERVED[k] !== true && svAllowed(st.methods, k); },
    set() { return false; },
    defineProperty() { return false; },
  });
  const rec = {
    kind: KIND_SERVICE,
    wake() { if (st.revoked || st.given) return; flush(); drain(); },
    revoke(err) {
      st.revoked = true; detach(st.reqBuf); detach(st.resBuf); st.reqBuf = null; st.resBuf = null;
      failAll(err || revokedError('service ' + name));
    },
    // No transferred(): exporting a client keeps it (a linker gets rings of its own).
    prepare() { detach(st.reqBuf); detach(st.resBuf); },
    rebind(n) {
      if (n.kind !== KIND_SERVICE || st.revoked || st.given) return false;
      st.slot = n.slot; st.methods = svMethods(n.value);
      attach(n.slot);
      return true;
    },
    busy() { return ReflectApply(MapSize, st.pending, []) > 0; },
  };
  return register(stub, st.slot, rec, name);
}

// ---- the serving end ----------------------------------------------------------------------------
function makeServe(d, name) {
  const st = { slot: d.slot, impl: null, bindings: [], revoked: false };
  function binding(i, methods) {
    const reqBuf = call(TO_HOST_BUFFER, st.slot, 2 * i), resBuf = call(TO_HOST_BUFFER, st.slot, 2 * i + 1);
    return { __proto__: null, index: i, methods: svMethods(methods), reqBuf, resBuf, req: ring.reader(reqBuf), res: ring.writer(resBuf), inFlight: 0, out: [], lastName: null, lastMethod: '' };
  }
  function attachAll(value) {
    const list = decodeFields(value);
    const old = st.bindings;
    st.bindings = [];
    for (let i = 0; i < list.length; i++) push(st.bindings, binding(i, list[i]));
    for (let i = 0; i < old.length; i++) { detach(old[i].reqBuf); detach(old[i].resBuf); }
  }
  attachAll(d.value);
  // The function that serves `method` for this call: an own or inherited method of impl, never
  // one of Object.prototype's (a client must not reach __defineGetter__ or constructor).
  // Methods are looked up once per name (impl's methods are taken as they are when first called).
  const found = new MapCtor();
  function lookup(method) {
    let f = mapGet(found, method);
    if (f === undefined && !mapHas(found, method)) { f = lookupNow(method); mapSet(found, method, f); }
    return f;
  }
  function lookupNow(method) {
    if (method === 'constructor' || method === 'then') return undefined;
    for (let o = st.impl; o !== null && o !== ObjectPrototype; o = ObjectGetPrototypeOf(o)) {
      const desc = ObjectGetOwnPropertyDescriptor(o, method);
      if (desc !== undefined) { const v = svOwnValue(desc); return typeof v === 'function' ? v : undefined; }
    }
    return undefined;
  }
  function respond(b, id, status, value) {
    const w = svReset(5);
    try { svEncodeValue(w, value, 'the result'); } catch (e) {
      w.n = 5; status = SV_ERROR;
      svEncode(w, ['service.bad_result', 'the server returned a value a service call cannot carry: ' + svMessage(e, 'unsupported')], 0, [], 'the error');
    }
    const u = w.u8;
    u[0] = id & 255; u[1] = (id >>> 8) & 255; u[2] = (id >>> 16) & 255; u[3] = (id >>> 24) & 255; u[4] = status;
    let bytes = ReflectApply(TypedArraySubarray, u, [0, w.n]);
    if (w.n > b.res.maxPayload) {
      const e = svWriter(5);
      svEncode(e, ['service.bad_result', 'the result takes ' + w.n + ' bytes; at most ' + b.res.maxPayload + ' fit'], 0, [], 'the error');
      e.u8[0] = u[0]; e.u8[1] = u[1]; e.u8[2] = u[2]; e.u8[3] = u[3]; e.u8[4] = SV_ERROR;
      bytes = ReflectApply(TypedArraySubarray, e.u8, [0, e.n]);
    }
    // A binding whose bound of calls was reached reads its ring again once one ends: after this
    // turn's synchronous code (never inside a read in progress).
    if (b.inFlight-- === SERVICE_MAX_IN_FLIGHT) then(resolved(undefined), () => pump(b));
    if (b.out.length === 0) {
      const res = b.res.offer(bytes, RT_BYTES);
      if (res === RT_BROKEN) return; // the client is gone: its answer too
      if (res === 2) call(TO_HOST_SIGNAL, st.slot, 2 * b.index + 1);
      if (res !== 0) return;
    }
    push(b.out, svCopy(bytes));
    if (b.out.length === 1) flushOut(b);
  }
  function fail(b, id, e) {
    let code = 'service.failed';
    const message = svMessage(e, 'the server failed');
    if (e !== null && (typeof e === 'object' || typeof e === 'function')) {
      const c = svOwnValue(ObjectGetOwnPropertyDescriptor(e, 'code'));
      if (typeof c === 'string' && ReflectApply(RegExpExec, SV_CODE, [c]) !== null) code = c;
    }
    respond(b, id, SV_ERROR, [code, ReflectApply(StringSlice, message, [0, SV_MAX_MESSAGE])]);
  }
  // Writes the answers that wait; false when the ring is full (armed to wake) or broken.
  function flushOut(b) {
    const q = b.out;
    while (q.length > 0) {
      const res = b.res.offer(q[0], RT_BYTES);
      if (res === RT_BROKEN) { q.length = 0; return false; } // the client is gone: its answers too
      if (res === 0) { if (b.res.armWait()) continue; return false; }
      if (res === 2) call(TO_HOST_SIGNAL, st.slot, 2 * b.index + 1);
      shift(q);
    }
    return true;
  }
  // The method name of a request: the last one's string again when the bytes are the same (a
  // client mostly calls one method), else decoded.
  function svMethodName(b, view, ml) {
    const last = b.lastName;
    if (last !== null && u8len(last) === ml) {
      let same = true;
      for (let i = 0; i < ml; i++) if (last[i] !== view[5 + i]) { same = false; break; }
      if (same) return b.lastMethod;
    }
    const bytes = new Uint8ArrayCtor(ml);
    ReflectApply(TypedArraySet, bytes, [ReflectApply(TypedArraySubarray, view, [5, 5 + ml])]);
    const name = utf8Decode(bytes, true);
    b.lastName = bytes; b.lastMethod = name;
    return name;
  }
  function serveOne(b, view) {
    const n = u8len(view);
    if (n < 5) return; // no call id to answer
    const id = (view[0] | (view[1] << 8) | (view[2] << 16) | (view[3] << 24)) >>> 0;
    const ml = view[4];
    b.inFlight++;
    let method, args;
    try {
      if (5 + ml > n) throw new TypeErrorCtor('the method name runs past the end');
      method = svMethodName(b, view, ml);
      args = svDecodeAll(view, 5 + ml, n);
      if (!ArrayIsArray(args)) throw new TypeErrorCtor('the arguments are not an array');
    } catch (e) { respond(b, id, SV_ERROR, ['service.corrupt', 'malformed request: ' + svMessage(e, 'unreadable')]); return; }
    // Narrowing is enforced here, where the client cannot reach: its stub only checks early.
    const fn = svAllowed(b.methods, method) ? lookup(method) : undefined;
    if (fn === undefined) { respond(b, id, SV_ERROR, ['service.unknown_method', method + ' is not a method this client may call']); return; }
    let r;
    try { r = ReflectApply(fn, st.impl, args); } catch (e) { fail(b, id, e); return; }
    // A value that is no thenable is answered now; a thenable (a promise) when it settles.
    let thenable = false;
    if (r !== null && (typeof r === 'object' || typeof r === 'function')) {
      try { thenable = typeof r.then === 'function'; } catch (e) { fail(b, id, e); return; }
    }
    if (!thenable) { respond(b, id, SV_OK, r); return; }
    then(resolved(r), (v) => respond(b, id, SV_OK, v), (e) => fail(b, id, e));
  }
  function pump(b) {
    if (b.out.length > 0 && !flushOut(b)) return;
    const r = b.req;
    while (b.inFlight < SERVICE_MAX_IN_FLIGHT) {
      const t = r.peek();
      if (t === 0) {
        if (r.wake) { r.wake = false; call(TO_HOST_SIGNAL, st.slot, 2 * b.index); }
        if (!r.armWait()) return;
        continue;
      }
      if (t === RT_BROKEN) return; // the client is gone; a restart of it reopens the ring and wakes this slot
      if (t === RT_END) { r.release(); continue; }
      const view = r.view;
      try { serveOne(b, view); } finally { r.release(); }
      if (r.wake) { r.wake = false; call(TO_HOST_SIGNAL, st.slot, 2 * b.index); }
    }
  }
  function pumpAll() {
    if (st.impl === null || st.revoked) return;
    const bs = st.bindings;
    for (let i = 0; i < bs.length; i++) pump(bs[i]);
  }
  const stub = {
    kind: 'serve',
    // Serves impl's methods (own or inherited, sync or async) to every client, from now on.
    serve(impl) {
      if (st.revoked) throw revokedError('service ' + name);
      if (impl === null || typeof impl !== 'object') throw new TypeErrorCtor('serve(impl): impl must be an object whose methods serve the calls');
      if (st.impl !== null) throw new TypeErrorCtor('serve(impl): service ' + name + ' is served already');
      st.impl = impl;
      pumpAll();
    },
  };
  const rec = {
    kind: KIND_SERVE,
    wake: pumpAll,
    revoke() { st.revoked = true; for (let i = 0; i < st.bindings.length; i++) { detach(st.bindings[i].reqBuf); detach(st.bindings[i].resBuf); } },
    prepare() { for (let i = 0; i < st.bindings.length; i++) { detach(st.bindings[i].reqBuf); detach(st.bindings[i].resBuf); } },
    rebind(n) {
      if (n.kind !== KIND_SERVE || st.revoked) return false;
      st.slot = n.slot;
      attachAll(n.value);
      return true;
    },
    // A client linked at run time (TO_GUEST_SERVICE_BINDING).
    added(i, methods) { if (i === st.bindings.length) { push(st.bindings, binding(i, methods)); pumpAll(); } },
    busy() { for (let i = 0; i < st.bindings.length; i++) if (st.bindings[i].inFlight > 0) return true; return false; },
  };
  return register(stub, st.slot, rec, name);
}
function serviceBinding(slot, index, methods) {
  const r = mapGet(records, slot);
  if (r !== undefined && r.added !== undefined) r.added(index, methods);
}
// Why a snapshot cannot be taken now, or '': calls in flight live in the peer's memory and in
// this context's promises, which a restore could not put together again.
function servicesBusy() {
  const all = mapList(records);
  for (let i = 0; i < all.length; i++) {
    const r = all[i][1];
    if (r.busy !== undefined && r.busy()) return (r.kind === KIND_SERVE ? 'it is serving calls of ' : 'it has calls pending on service ') + r.name;
  }
  return '';
}
