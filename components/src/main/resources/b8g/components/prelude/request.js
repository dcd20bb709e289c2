// b8g prelude: request: Request (the Fetch Standard's, as a server-side runtime keeps it: method, url, headers, body, redirect, signal).
// Object -> { __proto__: null, method, url, headers (a Headers), redirect, signal }; the body is
// fetch-body.js's. A component has no base URL (no document): a relative URL is a TypeError.
const requestState = new WeakMapCtor();
function requestOf(o, what) {
  const st = o !== null && typeof o === 'object' ? ReflectApply(WeakMapGet, requestState, [o]) : undefined;
  if (st === undefined) throw new TypeErrorCtor(what + ' called on an object that is not a Request');
  return st;
}
const STANDARD_METHODS = ObjectFreeze({ __proto__: null, delete: 'DELETE', get: 'GET', head: 'HEAD', options: 'OPTIONS', post: 'POST', put: 'PUT', patch: 'PATCH' });
function requestMethod(m) {
  const s = byteString(m, 'Request: method');
  if (!isToken(s)) throw new TypeErrorCtor('Request: "' + s + '" is not a valid HTTP method');
  const lowered = ReflectApply(StringToLowerCase, s, []);
  if (lowered === 'connect' || lowered === 'trace' || lowered === 'track') throw new TypeErrorCtor('Request: the method ' + s + ' is forbidden');
  const std = STANDARD_METHODS[lowered];
  return std === undefined ? s : std;
}
function initMember(init, name) { return init === undefined || init === null ? undefined : init[name]; }
class Request {
  constructor(input, init = undefined) {
    if (init !== undefined && init !== null && typeof init !== 'object' && typeof init !== 'function') throw new TypeErrorCtor('Request: init must be an object');
    let base = null;
    let url;
    if (input !== null && typeof input === 'object' && ReflectApply(WeakMapGet, requestState, [input]) !== undefined) {
      base = requestOf(input, 'Request');
      url = base.url;
    } else {
      const rec = parseOrThrow(input);
      if (rec.username !== '' || rec.password !== '') throw new TypeErrorCtor('Request: the URL ' + usv(input) + ' carries credentials');
      url = serializeURL(rec, true);
    }
    const m = initMember(init, 'method');
    const method = m !== undefined ? requestMethod(m) : base !== null ? base.method : 'GET';
    const rd = initMember(init, 'redirect');
    const redirect = rd !== undefined ? StringCtor(rd) : base !== null ? base.redirect : 'follow';
    if (redirect !== 'follow' && redirect !== 'manual' && redirect !== 'error') throw new TypeErrorCtor('Request: redirect must be "follow", "manual" or "error", not "' + redirect + '"');
    const sg = initMember(init, 'signal');
    let signal = base !== null ? base.signal : null;
    if (sg !== undefined) {
      if (sg !== null && !isAbortSignal(sg)) throw new TypeErrorCtor('Request: signal must be an AbortSignal');
      signal = sg;
    }
    const h = initMember(init, 'headers');
    const hst = { __proto__: null, list: [], guard: 'none' };
    headersFill(hst, h !== undefined ? h : base !== null ? base.headers : undefined, 'Request');
    const b = initMember(init, 'body');
    let body;
    if (b !== undefined && b !== null) {
      if (method === 'GET' || method === 'HEAD') throw new TypeErrorCtor('Request: a ' + method + ' request cannot have a body');
      const ex = extractBody(b, 'Request');
      body = ex[0];
      if (ex[1] !== null && headersGet(hst, 'content-type') === null) { push(hst.list, 'content-type'); push(hst.list, ex[1]); }
    } else if (base !== null && b === undefined) {
      const bst = bodyOf(input, 'Request');
      if (bodyUsed(bst)) throw new TypeErrorCtor('Request: the body of the input Request was used already');
      body = { __proto__: null, bytes: bst.bytes, stream: bst.stream, used: false };
      // A stream body moves to the new request: the input's body counts as used from now on.
      if (bst.stream !== null) ReflectApply(WeakMapSet, bodyState, [input, { __proto__: null, bytes: null, stream: null, used: true }]);
    } else {
      body = emptyBody();
    }
    const headers = newHeaders('none', hst.list);
    ReflectApply(WeakMapSet, requestState, [this, { __proto__: null, method, url, headers, redirect, signal }]);
    ReflectApply(WeakMapSet, bodyState, [this, body]);
  }
  get method() { return requestOf(this, 'Request.method').method; }
  get url() { return requestOf(this, 'Request.url').url; }
  get headers() { return requestOf(this, 'Request.headers').headers; }
  get redirect() { return requestOf(this, 'Request.redirect').redirect; }
  get signal() {
    const st = requestOf(this, 'Request.signal');
    if (st.signal === null) st.signal = newSignal();
    return st.signal;
  }
  clone() {
    const st = requestOf(this, 'Request.clone');
    const body = cloneBody(bodyOf(this, 'Request.clone'), 'Request.clone');
    const r = ObjectCreate(Request.prototype);
    const list = []; const hl = headersOf(st.headers, 'Request.clone').list;
    for (let i = 0; i < hl.length; i++) push(list, hl[i]);
    ReflectApply(WeakMapSet, requestState, [r, { __proto__: null, method: st.method, url: st.url, headers: newHeaders('none', list), redirect: st.redirect, signal: st.signal }]);
    ReflectApply(WeakMapSet, bodyState, [r, body]);
    return r;
  }
}
defineBodyMixin(Request.prototype, 'Request', (o) => headersOf(requestOf(o, 'Request').headers, 'Request'));
ObjectDefineProperty(Request.prototype, SymbolToStringTag, { value: 'Request', configurable: true });
defineGlobal('Request', Request);
