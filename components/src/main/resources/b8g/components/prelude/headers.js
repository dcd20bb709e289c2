// b8g prelude: headers: Headers (the Fetch Standard's header list: names, values, guards, sorted and combined iteration).
// Each Headers object's state lives here: { list, guard }, list a flat [name, value, ...] of
// lower-cased names in insertion order. guard 'immutable' (a response from fetch) refuses changes;
// 'none' allows them. Forbidden request header names are not refused here (as in Deno and
// workerd): the host's HTTP client sets Host, Content-Length, Connection and Transfer-Encoding
// itself and drops a component's values for them.
const headersState = new WeakMapCtor();
function headersOf(o, what) {
  const st = o !== null && typeof o === 'object' ? ReflectApply(WeakMapGet, headersState, [o]) : undefined;
  if (st === undefined) throw new TypeErrorCtor(what + ' called on an object that is not a Headers');
  return st;
}
// RFC 9110 token characters.
function isTokenCode(c) {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) ||
    c === 0x21 || (c >= 0x23 && c <= 0x27) || c === 0x2a || c === 0x2b || c === 0x2d || c === 0x2e ||
    c === 0x5e || c === 0x5f || c === 0x60 || c === 0x7c || c === 0x7e;
}
function isToken(s) {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) if (!isTokenCode(ReflectApply(StringCharCodeAt, s, [i]))) return false;
  return true;
}
// WebIDL ByteString: every code unit at most 0xFF.
function byteString(v, what) {
  const s = StringCtor(v);
  for (let i = 0; i < s.length; i++) {
    if (ReflectApply(StringCharCodeAt, s, [i]) > 0xff) throw new TypeErrorCtor(what + ': "' + s + '" is not a byte string (a character above U+00FF)');
  }
  return s;
}
function headerName(v, what) {
  const s = byteString(v, what);
  if (!isToken(s)) throw new TypeErrorCtor(what + ': "' + s + '" is not a valid header name');
  return ReflectApply(StringToLowerCase, s, []);
}
function isHttpWhitespace(c) { return c === 0x09 || c === 0x0a || c === 0x0d || c === 0x20; }
// Normalized (leading and trailing HTTP whitespace removed), then checked: no NUL, CR or LF.
function headerValue(v, what) {
  const s = byteString(v, what);
  let a = 0, b = s.length;
  while (a < b && isHttpWhitespace(ReflectApply(StringCharCodeAt, s, [a]))) a++;
  while (b > a && isHttpWhitespace(ReflectApply(StringCharCodeAt, s, [b - 1]))) b--;
  const out = ReflectApply(StringSlice, s, [a, b]);
  for (let i = 0; i < out.length; i++) {
    const c = ReflectApply(StringCharCodeAt, out, [i]);
    if (c === 0 || c === 0x0a || c === 0x0d) throw new TypeErrorCtor(what + ': the value of a header must not contain NUL, CR or LF');
  }
  return out;
}
function headersCheckGuard(st, what) {
  if (st.guard === 'immutable') throw new TypeErrorCtor(what + ': these headers are immutable');
}
function headersAppend(st, name, value, what) {
  const n = headerName(name, what), v = headerValue(value, what);
  headersCheckGuard(st, what);
  push(st.list, n); push(st.list, v);
}
function headersGet(st, n) {
  let out = null;
  for (let i = 0; i < st.list.length; i += 2) if (st.list[i] === n) out = out === null ? st.list[i + 1] : out + ', ' + st.list[i + 1];
  return out;
}
// Fills st from a HeadersInit: a Headers, a sequence of [name, value] pairs, or a record.
function headersFill(st, init, what) {
  if (init === undefined || init === null) return;
  if (typeof init !== 'object' && typeof init !== 'function') throw new TypeErrorCtor(what + ': init must be a Headers, a sequence of pairs or a record');
  const other = ReflectApply(WeakMapGet, headersState, [init]);
  if (other !== undefined) {
    for (let i = 0; i < other.list.length; i++) push(st.list, other.list[i]);
    return;
  }
  const m = init[SymbolIterator];
  if (m !== undefined && m !== null) {
    if (typeof m !== 'function') throw new TypeErrorCtor(what + ': init[Symbol.iterator] is not a function');
    const it = ReflectApply(m, init, []);
    for (;;) {
      const step = it.next();
      if (step.done) break;
      const pair = step.value;
      if (pair === null || (typeof pair !== 'object' && typeof pair !== 'function')) throw new TypeErrorCtor(what + ': each header must be a [name, value] pair');
      const pm = pair[SymbolIterator];
      if (typeof pm !== 'function') throw new TypeErrorCtor(what + ': each header must be a [name, value] pair');
      const items = [];
      const pit = ReflectApply(pm, pair, []);
      for (;;) { const s = pit.next(); if (s.done) break; push(items, s.value); }
      if (items.length !== 2) throw new TypeErrorCtor(what + ': a header pair has ' + items.length + ' items, not 2');
      headersAppend(st, items[0], items[1], what);
    }
    return;
  }
  const keys = ReflectOwnKeys(init);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    if (typeof k !== 'string') continue;
    const d = ObjectGetOwnPropertyDescriptor(init, k);
    if (d === undefined || !d.enumerable) continue;
    headersAppend(st, k, init[k], what);
  }
}
// A Headers made by the platform (no constructor call a subclass or patched prototype could see).
function newHeaders(guard, list) {
  const h = ObjectCreate(Headers.prototype);
  ReflectApply(WeakMapSet, headersState, [h, { __proto__: null, list: list === undefined ? [] : list, guard }]);
  return h;
}
// The sorted and combined list the iterators walk: names ascending, values combined with ', ',
// except set-cookie, one entry per value.
function headersSortAndCombine(st) {
  const names = [];
  for (let i = 0; i < st.list.length; i += 2) {
    const n = st.list[i];
    let seen = false;
    for (let k = 0; k < names.length; k++) if (names[k] === n) { seen = true; break; }
    if (!seen) push(names, n);
  }
  for (let i = 1; i < names.length; i++) {
    const x = names[i];
    let k = i - 1;
    while (k >= 0 && names[k] > x) { names[k + 1] = names[k]; k--; }
    names[k + 1] = x;
  }
  const out = [];
  for (let i = 0; i < names.length; i++) {
    const n = names[i];
    if (n === 'set-cookie') {
      for (let k = 0; k < st.list.length; k += 2) if (st.list[k] === n) { push(out, n); push(out, st.list[k + 1]); }
    } else { push(out, n); push(out, headersGet(st, n)); }
  }
  return out;
}
class Headers {
  constructor(init = undefined) {
    const st = { __proto__: null, list: [], guard: 'none' };
    headersFill(st, init, 'Headers');
    ReflectApply(WeakMapSet, headersState, [this, st]);
  }
  append(name, value) { headersAppend(headersOf(this, 'Headers.append'), name, value, 'Headers.append'); }
  delete(name) {
    const st = headersOf(this, 'Headers.delete');
    const n = headerName(name, 'Headers.delete');
    headersCheckGuard(st, 'Headers.delete');
    const kept = [];
    for (let i = 0; i < st.list.length; i += 2) if (st.list[i] !== n) { push(kept, st.list[i]); push(kept, st.list[i + 1]); }
    st.list = kept;
  }
  get(name) { return headersGet(headersOf(this, 'Headers.get'), headerName(name, 'Headers.get')); }
  getSetCookie() {
    const st = headersOf(this, 'Headers.getSetCookie');
    const out = [];
    for (let i = 0; i < st.list.length; i += 2) if (st.list[i] === 'set-cookie') push(out, st.list[i + 1]);
    return out;
  }
  has(name) {
    const st = headersOf(this, 'Headers.has');
    const n = headerName(name, 'Headers.has');
    for (let i = 0; i < st.list.length; i += 2) if (st.list[i] === n) return true;
    return false;
  }
  set(name, value) {
    const st = headersOf(this, 'Headers.set');
    const n = headerName(name, 'Headers.set'), v = headerValue(value, 'Headers.set');
    headersCheckGuard(st, 'Headers.set');
    const out = [];
    let done = false;
    for (let i = 0; i < st.list.length; i += 2) {
      if (st.list[i] !== n) { push(out, st.list[i]); push(out, st.list[i + 1]); } else if (!done) { push(out, n); push(out, v); done = true; }
    }
    if (!done) { push(out, n); push(out, v); }
    st.list = out;
  }
  forEach(fn, thisArg = undefined) {
    if (typeof fn !== 'function') throw new TypeErrorCtor('Headers.forEach needs a function');
    const st = headersOf(this, 'Headers.forEach');
    const pairs = headersSortAndCombine(st);
    for (let i = 0; i < pairs.length; i += 2) ReflectApply(fn, thisArg, [pairs[i + 1], pairs[i], this]);
  }
  keys() { return headersIterator(this, 0); }
  values() { return headersIterator(this, 1); }
  entries() { return headersIterator(this, 2); }
}
ObjectDefineProperty(Headers.prototype, SymbolIterator, { value: Headers.prototype.entries, writable: true, configurable: true });
ObjectDefineProperty(Headers.prototype, SymbolToStringTag, { value: 'Headers', configurable: true });
// The standard's pair iterator walks the sorted and combined list as it is at each step.
const headersIterate = makePairIterator('Headers', headersSortAndCombine);
function headersIterator(o, kind) {
  return headersIterate(headersOf(o, 'Headers iterator'), kind);
}
defineGlobal('Headers', Headers);
