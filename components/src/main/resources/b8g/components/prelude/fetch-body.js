// b8g prelude: fetch body: a Request's or Response's body (bytes or a stream), extracting one from BodyInit, and the Body mixin (text, json, arrayBuffer, bytes, blob).
const JSONParse = JSON.parse;
// Object (Request or Response) -> { __proto__: null, bytes: Uint8Array | null, stream: stream
// slots | null, used }. bytes is the body as given (a stream is made from it on first use of
// `body`); stream is a ReadableStream's slots (a stream body, or one made from bytes). A body
// that is neither is null.
const bodyState = new WeakMapCtor();
function bodyOf(o, what) {
  const st = o !== null && typeof o === 'object' ? ReflectApply(WeakMapGet, bodyState, [o]) : undefined;
  if (st === undefined) throw new TypeErrorCtor(what + ' called on an object that is not a Request or Response');
  return st;
}
// BodyInit -> [body state, content type or null]. A string is UTF-8; URLSearchParams form-encoded;
// a Blob its bytes and type; a BufferSource copied; a ReadableStream taken as it is.
function extractBody(init, what) {
  const st = { __proto__: null, bytes: null, stream: null, used: false };
  let type = null;
  if (typeof init === 'string') {
    st.bytes = utf8Encode(usv(init)); type = 'text/plain;charset=UTF-8';
  } else if (init !== null && typeof init === 'object') {
    const params = ReflectApply(WeakMapGet, paramsState, [init]);
    const blob = ReflectApply(WeakMapGet, BlobState, [init]);
    const rs = ReflectApply(WeakMapGet, RS, [init]);
    if (params !== undefined) {
      st.bytes = utf8Encode(formSerialize(params.list)); type = 'application/x-www-form-urlencoded;charset=UTF-8';
    } else if (blob !== undefined) {
      st.bytes = blob.bytes; if (blob.type !== '') type = blob.type;
    } else if (ArrayBufferIsView(init) || isArrayBuffer(init)) {
      st.bytes = bytesCopy(toBufferSourceBytes(init, what + ': body'));
    } else if (rs !== undefined) {
      if (rs.disturbed || isReadableStreamLocked(rs)) throw new TypeErrorCtor(what + ': the body stream is locked or was read already');
      st.stream = rs;
    } else {
      st.bytes = utf8Encode(usv(init)); type = 'text/plain;charset=UTF-8';
    }
  } else {
    st.bytes = utf8Encode(usv(init)); type = 'text/plain;charset=UTF-8';
  }
  return [st, type];
}
function emptyBody() { return { __proto__: null, bytes: null, stream: null, used: false }; }
function bodyStream(st) {
  if (st.stream === null && st.bytes !== null) {
    // createReadableStream hands the pull algorithm the controller's slots.
    const bytes = st.bytes;
    let rs = null;
    rs = createReadableStream(noop, () => {
      if (u8len(bytes) > 0) readableControllerEnqueue(rs.controller, bytesCopy(bytes));
      readableControllerClose(rs.controller);
      return resolved(undefined);
    }, () => resolved(undefined), 0);
    st.stream = rs;
    if (st.used) rs.disturbed = true;
  }
  return st.stream === null ? null : st.stream.pub;
}
function bodyUsed(st) { return st.stream !== null ? st.stream.disturbed : st.used; }
// Every chunk of a stream, concatenated, as { bytes } with no prototype: a promise resolved with a
// Uint8Array would read its then from Object.prototype, which user code may have patched.
// A chunk that is not a Uint8Array is a TypeError.
function readAllBytes(s, what) {
  const r = ReflectApply(WeakMapGet, RSReader, [acquireReader(s)]);
  const chunks = [];
  let total = 0;
  const d = deferred();
  function step() {
    readerRead(r, {
      __proto__: null,
      chunk: (v) => {
        if (ReflectApply(TypedArrayTag, v, []) !== 'Uint8Array') { const e = new TypeErrorCtor(what + ': a body chunk is not a Uint8Array'); readableStreamCancel(s, e); readerRelease(r); d.reject(e); return; }
        push(chunks, v); total += u8len(v);
        then(resolved(undefined), step);
      },
      close: () => {
        readerRelease(r);
        const out = new Uint8ArrayCtor(total);
        let at = 0;
        for (let i = 0; i < chunks.length; i++) { ReflectApply(TypedArraySet, out, [chunks[i], at]); at += u8len(chunks[i]); }
        d.resolve({ __proto__: null, bytes: out });
      },
      error: (e) => { readerRelease(r); d.reject(e); },
    });
  }
  step();
  return d.promise;
}
// "Consume body": the whole body's bytes, once, as { bytes } (see readAllBytes).
function consumeBody(o, what) {
  let st;
  try { st = bodyOf(o, what); } catch (e) { return rejected(e); }
  if (bodyUsed(st) || (st.stream !== null && isReadableStreamLocked(st.stream))) {
    return rejected(new TypeErrorCtor(what + ': the body was used already'));
  }
  if (st.stream === null) {
    st.used = true;
    return resolved({ __proto__: null, bytes: st.bytes === null ? new Uint8ArrayCtor(0) : bytesCopy(st.bytes) });
  }
  return readAllBytes(st.stream, what);
}
// The Body mixin on a class's prototype; headersOfBody(o) gives the object's Headers state.
function defineBodyMixin(proto, name, headersOfBody) {
  const methods = {
    get body() { return bodyStream(bodyOf(this, name + '.body')); },
    get bodyUsed() { return bodyUsed(bodyOf(this, name + '.bodyUsed')); },
    arrayBuffer() {
      return then(consumeBody(this, name + '.arrayBuffer'), (b) => ReflectApply(TypedArrayBuffer, bytesCopy(b.bytes), []));
    },
    bytes() { return then(consumeBody(this, name + '.bytes'), (b) => b.bytes); },
    text() { return then(consumeBody(this, name + '.text'), (b) => utf8Decode(b.bytes, false)); },
    json() { return then(consumeBody(this, name + '.json'), (b) => JSONParse(utf8Decode(b.bytes, false))); },
    blob() {
      const self = this;
      return then(consumeBody(this, name + '.blob'), (b) => {
        const type = headersGet(headersOfBody(self), 'content-type');
        const blob = ObjectCreate(Blob.prototype);
        ReflectApply(WeakMapSet, BlobState, [blob, { __proto__: null, bytes: b.bytes, type: type === null ? '' : blobType(type) }]);
        return blob;
      });
    },
  };
  const keys = ReflectOwnKeys(methods);
  for (let i = 0; i < keys.length; i++) {
    const d = ObjectGetOwnPropertyDescriptor(methods, keys[i]);
    d.enumerable = false;
    ObjectDefineProperty(proto, keys[i], d);
  }
}
// A copy of a body for clone(): bytes are shared (nothing changes them); a stream is teed, this
// object keeps one branch.
function cloneBody(st, what) {
  if (bodyUsed(st) || (st.stream !== null && isReadableStreamLocked(st.stream))) throw new TypeErrorCtor(what + ': the body was used already');
  const out = emptyBody();
  if (st.stream === null) { out.bytes = st.bytes; return out; }
  const branches = readableStreamDefaultTee(st.stream);
  st.stream = ReflectApply(WeakMapGet, RS, [branches[0]]);
  out.stream = ReflectApply(WeakMapGet, RS, [branches[1]]);
  return out;
}
