// b8g prelude: net: the NET capability (env.NAME.connect, listen, fetch); sockets as channel ends, fetch's response body as a stream over one.
// There is no ambient fetch: a component that may reach the network holds a NET capability, and
// its fetch is `env.net.fetch` (pass it on: `const { fetch } = env.net`). Request, Response and
// Headers are globals (they carry no authority).
//
// Every operation asks the host (a TO_HOST_NET_CONNECT, LISTEN, ACCEPT or FETCH call), which answers in a later turn with
// TO_GUEST_SETTLED(id, error, result) (hostRequest in records.js).
// Response bodies not yet read to their end or cancelled: connection id -> evict(), least recently read first.
const unreadBodies = new MapCtor();
const MAX_UNREAD_BODIES = 256;

// The host's error (fields code, message) as a JS error; fetch makes every failure but a denial
// a TypeError, as the Fetch Standard's network error is.
function netError(code, message, forFetch) {
  if (code === 'type' || (forFetch && code !== 'net.denied' && code !== 'net.busy' && ReflectApply(StringIndexOf, code, ['capability.']) !== 0)) return new TypeErrorCtor(message);
  if (code === 'range') return new RangeErrorCtor(message);
  return new CapabilityError(code, message);
}
// owner: the record of the NET stub the request was made through (its revocation rejects it).
// A call the host refuses at once rejects the promise (fetch settles its own promise from it).
function netRequest(owner, forFetch, done, send) {
  try {
    return hostRequest(owner, forFetch ? 'the fetch' : 'the network operation', done, (code, message) => netError(code, message, forFetch), send);
  } catch (e) { return rejected(e); }
}
// The NET capability of record `owner` was revoked: its pending requests reject now (the host
// closes what they had opened and answers them no more).
function netRevoked(owner) { hostRequestsLost(owner, 'ended: its NET capability was revoked while it was pending'); }
function netHost(host, what) {
  if (typeof host !== 'string') throw new TypeErrorCtor(what + ': host must be a string');
  return host;
}
function netPort(port, what, min) {
  if (typeof port !== 'number' || !NumberIsInteger(port) || port < min || port > 65535) throw new RangeErrorCtor(what + ': port must be an integer from ' + min + ' to 65535');
  return port;
}
// The stubs of a connection's ends (records installed by the host for request id).
function netEnds(records, id) {
  const ds = decodeCapabilityRecords(records);
  const out = { __proto__: null, reader: undefined, writer: undefined };
  for (let i = 0; i < ds.length; i++) out[ds[i].name] = stubFor(ds[i], 'net:' + id + ':' + ds[i].name);
  return out;
}

function makeNet(d, name) {
  const rec = slotRecord(KIND_NET, d.slot, (slot) => { if (slot === -1) netRevoked(rec); });
  function release(connId) { try { call(TO_HOST_NET_CLOSE, rec.slot, connId); } catch (e) { /* revoked: closed already */ } }
  // { reader, writer, remote, local, close() }: close() shuts the socket at once and frees it.
  function connection(ends, connId, remote, local) {
    // No prototype: the promise resolved with it reads its then, which Object.prototype must not supply.
    return ObjectFreeze({ __proto__: null, reader: ends.reader, writer: ends.writer, remote, local, close() { release(connId); } });
  }
  function accept(listenerId) {
    return netRequest(rec, false, (f) => {
      const ends = netEnds(f[0], f[1]);
      return connection(ends, NumberCtor(f[1]), f[2], undefined);
    }, (id) => call(TO_HOST_NET_ACCEPT, rec.slot, listenerId, id));
  }
  function listener(listenerId, address, port) {
    let closed = false;
    const l = {
      __proto__: null,
      address, port,
      accept() { if (closed) return rejected(new CapabilityError('net.closed', 'the listener was closed')); return accept(listenerId); },
      close() { if (closed) return; closed = true; release(listenerId); },
      // Each connection in turn until the listener is closed.
      [SymbolAsyncIterator]() {
        return {
          __proto__: null,
          next() {
            if (closed) return resolved({ __proto__: null, value: undefined, done: true });
            return then(accept(listenerId), (c) => ({ __proto__: null, value: c, done: false }), (e) => {
              if (isCapabilityError(e) && e.code === 'net.closed') return { __proto__: null, value: undefined, done: true };
              throw e;
            });
          },
          return() { l.close(); return resolved({ __proto__: null, value: undefined, done: true }); },
          [SymbolAsyncIterator]() { return this; },
        };
      },
    };
    return ObjectFreeze(l);
  }
  // The response body: a ReadableStream over the reader end; its end (or cancel) frees the connection.
  // A body left unread holds a connection (and its memory) on the host: the least recently read
  // beyond MAX_UNREAD_BODIES is released, and its stream errors saying so.
  function bodyFromReader(reader, connId, url) {
    let rs = null;
    let released = false;
    function done() { if (!released) { released = true; mapDelete(unreadBodies, connId); release(connId); } }
    function evict() {
      if (released) return;
      done();
      try { readableControllerError(rs.controller, new TypeErrorCtor('fetch ' + url + ': the response body was released unread: more than ' + MAX_UNREAD_BODIES + ' response bodies were left unread')); } catch (e) { }
    }
    function touch() {
      mapDelete(unreadBodies, connId);
      mapSet(unreadBodies, connId, evict);
      if (ReflectApply(MapSize, unreadBodies, []) > MAX_UNREAD_BODIES) {
        const first = ReflectApply(MapIteratorNext, ReflectApply(MapEntries, unreadBodies, []), []);
        first.value[1]();
      }
    }
    // The pump may have failed (and marked its end gone) before the first read: then read()
    // throws at once rather than rejecting; both say the same.
    function cutShort(e) {
      done();
      return new TypeErrorCtor('fetch ' + url + ': the response body was cut short' + (isCapabilityError(e) && e.code === 'channel.broken' ? ' (the connection failed or the server sent a malformed body)' : ': ' + e.message));
    }
    rs = createReadableStream(noop, () => {
      if (released) return resolved(undefined);
      touch();
      let p;
      try { p = reader.read(); } catch (e) { return rejected(cutShort(e)); }
      return then(p, (v) => {
        if (v === undefined) { done(); readableControllerClose(rs.controller); return; }
        readableControllerEnqueue(rs.controller, typeof v === 'string' ? utf8Encode(v) : v);
      }, (e) => { throw cutShort(e); });
    }, () => { done(); return resolved(undefined); }, 0);
    touch();
    return rs;
  }
  function fetchImpl(input, init) {
    let req;
    try { req = new Request(input, init); } catch (e) { return rejected(e); }
    const st = requestOf(req, 'fetch');
    if (st.signal !== null && signalAborted(st.signal)) return rejected(ReflectApply(WeakMapGet, signals, [st.signal]).reason);
    const bst = bodyOf(req, 'fetch');
    const bodyBytes = bst.stream !== null ? readAllBytes(bst.stream, 'fetch') : resolved({ __proto__: null, bytes: bst.bytes === null ? new Uint8ArrayCtor(0) : bst.bytes });
    // Settled through the captured then: a reaction returning a promise would have V8 call the
    // promise's (patchable) then.
    const out = deferred();
    then(bodyBytes, (sent) => {
      const hl = headersOf(st.headers, 'fetch').list;
      let aborted = null;
      let requestId = 0;
      const p = netRequest(rec, true, (f) => {
        const ends = netEnds(f[0], f[1]);
        const connId = NumberCtor(f[1]), status = NumberCtor(f[2]);
        const hlist = decodeFields(f[4]);
        const body = emptyBody();
        if (aborted !== null || st.method === 'HEAD' || isNullBodyStatus(status)) release(connId);
        else body.stream = bodyFromReader(ends.reader, connId, f[5]);
        if (aborted !== null) throw aborted;
        return newResponse('basic', status, f[3], newHeaders('immutable', hlist), f[5], f[6] === '1', body);
      }, (id) => {
        requestId = id;
        const fields = [];
        push(fields, StringCtor(id)); push(fields, st.method); push(fields, st.url); push(fields, st.redirect);
        for (let i = 0; i < hl.length; i++) push(fields, hl[i]);
        const v = viewArgs(sent.bytes);
        call(TO_HOST_NET_FETCH, rec.slot, encodeFields(fields), v[0], v[1], v[2]);
      });
      // An abort rejects at once and tells the host, which closes the request's socket (a
      // request body not yet sent is not sent); a response that arrives later is released unread.
      if (st.signal !== null) {
        signalAddAlgorithm(st.signal, () => {
          aborted = ReflectApply(WeakMapGet, signals, [st.signal]).reason;
          out.reject(aborted);
          if (requestId !== 0 && mapHas(hostRequests, requestId)) { try { call(TO_HOST_NET_CANCEL, rec.slot, requestId); } catch (e) { /* revoked: closed already */ } }
        });
      }
      then(p, out.resolve, out.reject);
    }, out.reject);
    return out.promise;
  }
  const stub = {
    kind: KIND_NET,
    // Resolves with { reader, writer, remote, local, close() } once connected.
    connect(host, port) {
      try { netHost(host, 'net.connect'); netPort(port, 'net.connect', 1); } catch (e) { return rejected(e); }
      return netRequest(rec, false, (f) => {
        const ends = netEnds(f[0], f[1]);
        return connection(ends, NumberCtor(f[1]), f[2], f[3]);
      }, (id) => call(TO_HOST_NET_CONNECT, rec.slot, host, port, id));
    },
    // Resolves with a listener: { address, port, accept(), close(), [Symbol.asyncIterator] }.
    listen(host, port) {
      try { netHost(host, 'net.listen'); netPort(port, 'net.listen', 0); } catch (e) { return rejected(e); }
      return netRequest(rec, false, (f) => listener(NumberCtor(f[1]), f[2], NumberCtor(f[3])),
        (id) => call(TO_HOST_NET_LISTEN, rec.slot, host, port, id));
    },
    // The Fetch Standard's fetch, to what this capability allows (a function of its own: `const { fetch } = env.net` works).
    fetch: function fetch(input, init = undefined) { return fetchImpl(input, init); },
  };
  return register(stub, rec.slot, rec, name);
}
