// b8g prelude: url-search-params: URLSearchParams and application/x-www-form-urlencoded, per the WHATWG URL Standard.
// ---- application/x-www-form-urlencoded ---------------------------------------------------------
function formParse(s) {
  const list = [];
  let start = 0;
  for (let i = 0; i <= s.length; i++) {
    if (i < s.length && cu(s, i) !== 0x26) continue;
    const seq = slice(s, start, i);
    start = i + 1;
    if (seq === '') continue;
    const eq = ReflectApply(StringIndexOf, seq, ['=']);
    let name = eq < 0 ? seq : slice(seq, 0, eq), value = eq < 0 ? '' : slice(seq, eq + 1);
    push(list, formDecode(name)); push(list, formDecode(value));
  }
  return list;
}
function formDecode(s) {
  let plus = false;
  for (let i = 0; i < s.length; i++) { const c = cu(s, i); if (c === 0x2b || c === 0x25) { plus = true; break; } }
  if (!plus) return utf8Decode(utf8Encode(s), false);
  let t = '';
  for (let i = 0; i < s.length; i++) t += cu(s, i) === 0x2b ? ' ' : slice(s, i, i + 1);
  return utf8Decode(percentDecodeBytes(t), false);
}
// list holds name, value, name, value ...
function formSerialize(list) {
  let out = '';
  for (let i = 0; i < list.length; i += 2) {
    if (i > 0) out += '&';
    out += percentEncode(list[i], PE_FORM, true) + '=' + percentEncode(list[i + 1], PE_FORM, true);
  }
  return out;
}
// USVString conversion: lone surrogates become U+FFFD.
function usv(v) {
  const s = StringCtor(v);
  for (let i = 0; i < s.length; i++) {
    const c = cu(s, i);
    if (c >= 0xd800 && c <= 0xdfff) return utf8Decode(utf8Encode(s), false);
  }
  return s;
}

// ---- URLSearchParams -------------------------------------------------------------------------
// Each object's state lives here, keyed by the object: { list, url } where url is the URL
// object's record holder it is linked to, or null.
const paramsState = new WeakMapCtor();
function paramsOf(o) {
  const st = ReflectApply(WeakMapGet, paramsState, [o]);
  if (st === undefined) throw new TypeErrorCtor('URLSearchParams method called on an object that is not a URLSearchParams');
  return st;
}
function paramsUpdate(st) {
  if (st.url === null) return;
  const q = formSerialize(st.list);
  st.url.query = q === '' ? null : q;
  if (q === '') potentiallyStripTrailingSpaces(st.url);
}
function potentiallyStripTrailingSpaces(url) {
  if (!url.opaque || url.fragment !== null || url.query !== null) return;
  let e = url.path.length;
  while (e > 0 && cu(url.path, e - 1) === 0x20) e--;
  url.path = slice(url.path, 0, e);
}
class URLSearchParams {
  constructor(init = '') {
    const list = [];
    if (init !== null && (typeof init === 'object' || typeof init === 'function')) {
      const iter = init[SymbolIterator];
      if (iter !== undefined && iter !== null) {
        if (typeof iter !== 'function') throw new TypeErrorCtor('URLSearchParams: init[Symbol.iterator] is not a function');
        const it = ReflectApply(iter, init, []);
        for (;;) {
          const step = it.next();
          if (step.done) break;
          const pair = step.value;
          if (pair === null || (typeof pair !== 'object' && typeof pair !== 'function')) throw new TypeErrorCtor('URLSearchParams: each pair must be a sequence of a name and a value');
          const inner = [];
          const pit = ReflectApply(pair[SymbolIterator], pair, []);
          for (let s = pit.next(); !s.done; s = pit.next()) push(inner, s.value);
          if (inner.length !== 2) throw new TypeErrorCtor('URLSearchParams: each pair must have exactly two items, not ' + inner.length);
          push(list, usv(inner[0])); push(list, usv(inner[1]));
        }
      } else {
        const keys = ReflectOwnKeys(init);
        for (let i = 0; i < keys.length; i++) {
          const k = keys[i];
          const d = ObjectGetOwnPropertyDescriptor(init, k);
          if (d === undefined || !d.enumerable) continue;
          if (typeof k === 'symbol') throw new TypeErrorCtor('URLSearchParams: a record key must be a string');
          push(list, usv(k)); push(list, usv(init[k]));
        }
      }
    } else {
      let s = usv(init);
      if (cu(s, 0) === 0x3f) s = slice(s, 1);
      const parsed = formParse(s);
      for (let i = 0; i < parsed.length; i++) push(list, parsed[i]);
    }
    ReflectApply(WeakMapSet, paramsState, [this, { __proto__: null, list, url: null }]);
  }
  get size() { return paramsOf(this).list.length / 2; }
  append(name, value) {
    if (arguments.length < 2) throw new TypeErrorCtor("URLSearchParams.append needs 2 arguments, " + arguments.length + " given");
    const st = paramsOf(this);
    push(st.list, usv(name)); push(st.list, usv(value));
    paramsUpdate(st);
  }
  delete(name, value) {
    if (arguments.length < 1) throw new TypeErrorCtor('URLSearchParams.delete needs a name');
    const st = paramsOf(this);
    name = usv(name);
    const byValue = value !== undefined;
    if (byValue) value = usv(value);
    const old = st.list, list = [];
    for (let i = 0; i < old.length; i += 2) {
      if (old[i] === name && (!byValue || old[i + 1] === value)) continue;
      push(list, old[i]); push(list, old[i + 1]);
    }
    st.list = list;
    paramsUpdate(st);
  }
  get(name) {
    if (arguments.length < 1) throw new TypeErrorCtor('URLSearchParams.get needs a name');
    const list = paramsOf(this).list;
    name = usv(name);
    for (let i = 0; i < list.length; i += 2) if (list[i] === name) return list[i + 1];
    return null;
  }
  getAll(name) {
    if (arguments.length < 1) throw new TypeErrorCtor('URLSearchParams.getAll needs a name');
    const list = paramsOf(this).list, out = [];
    name = usv(name);
    for (let i = 0; i < list.length; i += 2) if (list[i] === name) push(out, list[i + 1]);
    return out;
  }
  has(name, value) {
    if (arguments.length < 1) throw new TypeErrorCtor('URLSearchParams.has needs a name');
    const list = paramsOf(this).list;
    name = usv(name);
    const byValue = value !== undefined;
    if (byValue) value = usv(value);
    for (let i = 0; i < list.length; i += 2) if (list[i] === name && (!byValue || list[i + 1] === value)) return true;
    return false;
  }
  set(name, value) {
    if (arguments.length < 2) throw new TypeErrorCtor("URLSearchParams.set needs 2 arguments, " + arguments.length + " given");
    const st = paramsOf(this);
    name = usv(name); value = usv(value);
    const old = st.list, list = [];
    let found = false;
    for (let i = 0; i < old.length; i += 2) {
      if (old[i] === name) { if (found) continue; found = true; push(list, name); push(list, value); }
      else { push(list, old[i]); push(list, old[i + 1]); }
    }
    if (!found) { push(list, name); push(list, value); }
    st.list = list;
    paramsUpdate(st);
  }
  // Stable, by code units of the names (the standard's order).
  sort() {
    const st = paramsOf(this);
    const old = st.list, n = old.length / 2;
    // Insertion into runs by merge sort on indices, so equal names keep their order.
    let idx = [];
    for (let i = 0; i < n; i++) push(idx, i);
    for (let width = 1; width < n; width *= 2) {
      const next = [];
      for (let lo = 0; lo < n; lo += 2 * width) {
        const mid = MathMin(lo + width, n), hi = MathMin(lo + 2 * width, n);
        let a = lo, b = mid;
        while (a < mid || b < hi) {
          if (b >= hi || (a < mid && !(old[2 * idx[b]] < old[2 * idx[a]]))) push(next, idx[a++]);
          else push(next, idx[b++]);
        }
      }
      idx = next;
    }
    const list = [];
    for (let i = 0; i < n; i++) { push(list, old[2 * idx[i]]); push(list, old[2 * idx[i] + 1]); }
    st.list = list;
    paramsUpdate(st);
  }
  forEach(fn, thisArg = undefined) {
    if (typeof fn !== 'function') throw new TypeErrorCtor('URLSearchParams.forEach needs a function');
    const st = paramsOf(this);
    for (let i = 0; i < st.list.length; i += 2) ReflectApply(fn, thisArg, [st.list[i + 1], st.list[i], this]);
  }
  keys() { return paramsIterator(this, 0); }
  values() { return paramsIterator(this, 1); }
  entries() { return paramsIterator(this, 2); }
  toString() { return formSerialize(paramsOf(this).list); }
}
ObjectDefineProperty(URLSearchParams.prototype, SymbolIterator, { value: URLSearchParams.prototype.entries, writable: true, configurable: true });
ObjectDefineProperty(URLSearchParams.prototype, SymbolToStringTag, { value: 'URLSearchParams', configurable: true });
const paramsIterate = makePairIterator('URLSearchParams', (st) => st.list);
function paramsIterator(o, kind) {
  return paramsIterate(paramsOf(o), kind);
}
ObjectDefineProperty(g, 'URLSearchParams', { value: URLSearchParams, writable: true, configurable: true });
