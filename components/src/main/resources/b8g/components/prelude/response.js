// b8g prelude: response: Response (the Fetch Standard's: status, statusText, headers, body, url, redirected, type; error, redirect, json).
// Object -> { __proto__: null, type, status, statusText, headers (a Headers), url, redirected };
// the body is fetch-body.js's. A response from fetch has immutable headers and a body streamed
// from a channel reader end (net.js).
const responseState = new WeakMapCtor();
function responseOf(o, what) {
  const st = o !== null && typeof o === 'object' ? ReflectApply(WeakMapGet, responseState, [o]) : undefined;
  if (st === undefined) throw new TypeErrorCtor(what + ' called on an object that is not a Response');
  return st;
}
function isNullBodyStatus(s) { return s === 101 || s === 103 || s === 204 || s === 205 || s === 304; }
function isRedirectStatus(s) { return s === 301 || s === 302 || s === 303 || s === 307 || s === 308; }
// A Response made by the platform (fetch, error, redirect, clone): no constructor runs.
function newResponse(type, status, statusText, headers, url, redirected, body) {
  const r = ObjectCreate(Response.prototype);
  ReflectApply(WeakMapSet, responseState, [r, { __proto__: null, type, status, statusText, headers, url, redirected }]);
  ReflectApply(WeakMapSet, bodyState, [r, body]);
  return r;
}
// "Initialize a response": status, statusText and headers from init; the body's type if none was given.
function responseInit(init, bodyType, hasBody) {
  if (init !== undefined && init !== null && typeof init !== 'object' && typeof init !== 'function') throw new TypeErrorCtor('Response: init must be an object');
  const s = initMember(init, 'status');
  const status = s === undefined ? 200 : NumberCtor(s);
  if (!NumberIsInteger(status) || status < 200 || status > 599) throw new RangeErrorCtor('Response: status ' + StringCtor(s) + ' is not in the range 200 to 599');
  const t = initMember(init, 'statusText');
  const statusText = t === undefined ? '' : byteString(t, 'Response: statusText');
  for (let i = 0; i < statusText.length; i++) {
    const c = ReflectApply(StringCharCodeAt, statusText, [i]);
    if (c === 0x0a || c === 0x0d || (c < 0x20 && c !== 0x09) || c === 0x7f) throw new TypeErrorCtor('Response: statusText must be a reason phrase (no control characters)');
  }
  const hst = { __proto__: null, list: [], guard: 'none' };
  headersFill(hst, initMember(init, 'headers'), 'Response');
  if (hasBody && isNullBodyStatus(status)) throw new TypeErrorCtor('Response: a ' + status + ' response cannot have a body');
  if (bodyType !== null && headersGet(hst, 'content-type') === null) { push(hst.list, 'content-type'); push(hst.list, bodyType); }
  return [status, statusText, newHeaders('none', hst.list)];
}
class Response {
  constructor(body = null, init = undefined) {
    let b = emptyBody(), type = null;
    const hasBody = body !== null && body !== undefined;
    if (hasBody) { const ex = extractBody(body, 'Response'); b = ex[0]; type = ex[1]; }
    const r = responseInit(init, type, hasBody);
    ReflectApply(WeakMapSet, responseState, [this, { __proto__: null, type: 'default', status: r[0], statusText: r[1], headers: r[2], url: '', redirected: false }]);
    ReflectApply(WeakMapSet, bodyState, [this, b]);
  }
  static error() { return newResponse('error', 0, '', newHeaders('immutable'), '', false, emptyBody()); }
  static redirect(url, status = 302) {
    const rec = parseOrThrow(url);
    const s = NumberCtor(status);
    if (!isRedirectStatus(s)) throw new RangeErrorCtor('Response.redirect: ' + StringCtor(status) + ' is not a redirect status (301, 302, 303, 307 or 308)');
    const list = []; push(list, 'location'); push(list, serializeURL(rec, false));
    return newResponse('default', s, '', newHeaders('immutable', list), '', false, emptyBody());
  }
  static json(data, init = undefined) {
    const text = JSONStringify(data);
    if (text === undefined) throw new TypeErrorCtor('Response.json: the data cannot be serialized as JSON');
    const b = emptyBody(); b.bytes = utf8Encode(text);
    const r = responseInit(init, 'application/json', true);
    return newResponse('default', r[0], r[1], r[2], '', false, b);
  }
  get type() { return responseOf(this, 'Response.type').type; }
  get url() { return responseOf(this, 'Response.url').url; }
  get redirected() { return responseOf(this, 'Response.redirected').redirected; }
  get status() { return responseOf(this, 'Response.status').status; }
  get ok() { const s = responseOf(this, 'Response.ok').status; return s >= 200 && s <= 299; }
  get statusText() { return responseOf(this, 'Response.statusText').statusText; }
  get headers() { return responseOf(this, 'Response.headers').headers; }
  clone() {
    const st = responseOf(this, 'Response.clone');
    const body = cloneBody(bodyOf(this, 'Response.clone'), 'Response.clone');
    const hs = headersOf(st.headers, 'Response.clone');
    const list = [];
    for (let i = 0; i < hs.list.length; i++) push(list, hs.list[i]);
    return newResponse(st.type, st.status, st.statusText, newHeaders(hs.guard, list), st.url, st.redirected, body);
  }
}
defineBodyMixin(Response.prototype, 'Response', (o) => headersOf(responseOf(o, 'Response').headers, 'Response'));
ObjectDefineProperty(Response.prototype, SymbolToStringTag, { value: 'Response', configurable: true });
defineGlobal('Response', Response);
