// b8g prelude: url: URL per the WHATWG URL Standard (the URL record and the basic URL parser); its searchParams are url-search-params.js's.
// The parser follows the standard's state machine (https://url.spec.whatwg.org/#concept-basic-url-parser)
// state by state; the comments name its states. It reads the input by UTF-16 code unit: every
// character the machine compares is ASCII, and what it copies goes through utf8Encode, which
// pairs surrogates and turns lone ones into U+FFFD, as the standard's USVString conversion does.
// Domains that are all ASCII with no "xn--" label are lower-cased here; any other domain goes to
// the host once (TO_HOST_DOMAIN_TO_ASCII, see DomainToAscii.java for how it differs from UTS #46).
// Its parts, in this order: url-encoding.js, url-host.js, this file, url-search-params.js.

// ---- the URL record and its parser -----------------------------------------------------------
function newRecord() {
  return { __proto__: null, scheme: '', username: '', password: '', host: null, port: null, path: [], opaque: false, query: null, fragment: null };
}
function copyPath(p) { const out = []; for (let i = 0; i < p.length; i++) push(out, p[i]); return out; }
function isWindowsDriveLetter(s, normalizedOnly) {
  if (s.length !== 2 || !isAlpha(cu(s, 0))) return false;
  const c = cu(s, 1);
  return c === 0x3a || (!normalizedOnly && c === 0x7c);
}
function startsWithDriveLetter(s, p) {
  if (s.length - p < 2 || !isAlpha(cu(s, p))) return false;
  const c = cu(s, p + 1);
  if (c !== 0x3a && c !== 0x7c) return false;
  if (s.length - p === 2) return true;
  const d = cu(s, p + 2);
  return d === 0x2f || d === 0x5c || d === 0x3f || d === 0x23;
}
function shortenPath(url) {
  const path = url.path;
  if (url.scheme === 'file' && path.length === 1 && isWindowsDriveLetter(path[0], true)) return;
  if (path.length > 0) path.length--;
}
function isSingleDot(s) { return s === '.' || lower(s) === '%2e'; }
function isDoubleDot(s) {
  const l = lower(s);
  return l === '..' || l === '.%2e' || l === '%2e.' || l === '%2e%2e';
}

const S_SCHEME_START = 1, S_SCHEME = 2, S_NO_SCHEME = 3, S_SPECIAL_RELATIVE_OR_AUTHORITY = 4, S_PATH_OR_AUTHORITY = 5,
  S_RELATIVE = 6, S_RELATIVE_SLASH = 7, S_SPECIAL_AUTHORITY_SLASHES = 8, S_SPECIAL_AUTHORITY_IGNORE_SLASHES = 9,
  S_AUTHORITY = 10, S_HOST = 11, S_HOSTNAME = 12, S_PORT = 13, S_FILE = 14, S_FILE_SLASH = 15, S_FILE_HOST = 16,
  S_PATH_START = 17, S_PATH = 18, S_OPAQUE_PATH = 19, S_QUERY = 20, S_FRAGMENT = 21;

function stripControls(s) {
  let a = 0, b = s.length;
  while (a < b && cu(s, a) <= 0x20) a++;
  while (b > a && cu(s, b - 1) <= 0x20) b--;
  return a === 0 && b === s.length ? s : slice(s, a, b);
}
function removeTabsAndNewlines(s) {
  let clean = true;
  for (let i = 0; i < s.length; i++) { const c = cu(s, i); if (c === 9 || c === 0xa || c === 0xd) { clean = false; break; } }
  if (clean) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) { const c = cu(s, i); if (c !== 9 && c !== 0xa && c !== 0xd) out += slice(s, i, i + 1); }
  return out;
}

// The basic URL parser. Without stateOverride it returns a new record or FAILURE; with one it
// changes `url` in place and returns true, or false where the standard says to return (failure
// or a silent no-change; setters ignore the difference).
function basicParse(input, base, url, stateOverride) {
  if (!url) { url = newRecord(); input = stripControls(input); }
  input = removeTabsAndNewlines(input);
  let state = stateOverride || S_SCHEME_START;
  let buffer = '', atSign = false, insideBrackets = false, passwordToken = false;
  const n = input.length;
  // A state that "decreases the pointer" at the end sees the EOF code point (-1) again.
  for (let p = 0; p <= n; p++) {
    const c = p < n ? cu(input, p) : -1; // -1: the EOF code point
    switch (state) {
      case S_SCHEME_START:
        if (isAlpha(c)) { buffer += StringFromCharCode(c | 0x20); state = S_SCHEME; }
        else if (!stateOverride) { state = S_NO_SCHEME; p--; }
        else return false;
        break;
      case S_SCHEME:
        if (isAlpha(c) || isDigit(c) || c === 0x2b || c === 0x2d || c === 0x2e) buffer += StringFromCharCode(c >= 0x41 && c <= 0x5a ? c | 0x20 : c);
        else if (c === 0x3a) {
          if (stateOverride) {
            if (isSpecialScheme(url.scheme) !== isSpecialScheme(buffer)) return false;
            if ((url.username !== '' || url.password !== '' || url.port !== null) && buffer === 'file') return false;
            if (url.scheme === 'file' && url.host === '') return false;
          }
          url.scheme = buffer;
          if (stateOverride) {
            if (url.port === defaultPort(url.scheme)) url.port = null;
            return true;
          }
          buffer = '';
          if (url.scheme === 'file') state = S_FILE;
          else if (isSpecialScheme(url.scheme) && base !== null && base.scheme === url.scheme) state = S_SPECIAL_RELATIVE_OR_AUTHORITY;
          else if (isSpecialScheme(url.scheme)) state = S_SPECIAL_AUTHORITY_SLASHES;
          else if (cu(input, p + 1) === 0x2f) { state = S_PATH_OR_AUTHORITY; p++; }
          else { url.path = ''; url.opaque = true; state = S_OPAQUE_PATH; }
        } else if (!stateOverride) { buffer = ''; state = S_NO_SCHEME; p = -1; }
        else return false;
        break;
      case S_NO_SCHEME:
        if (base === null || (base.opaque && c !== 0x23)) return FAILURE;
        if (base.opaque && c === 0x23) {
          url.scheme = base.scheme; url.path = base.path; url.opaque = true; url.query = base.query; url.fragment = ''; state = S_FRAGMENT;
        } else if (base.scheme !== 'file') { state = S_RELATIVE; p--; }
        else { state = S_FILE; p--; }
        break;
      case S_SPECIAL_RELATIVE_OR_AUTHORITY:
        if (c === 0x2f && cu(input, p + 1) === 0x2f) { state = S_SPECIAL_AUTHORITY_IGNORE_SLASHES; p++; }
        else { state = S_RELATIVE; p--; }
        break;
      case S_PATH_OR_AUTHORITY:
        if (c === 0x2f) state = S_AUTHORITY; else { state = S_PATH; p--; }
        break;
      case S_RELATIVE:
        url.scheme = base.scheme;
        if (c === 0x2f) state = S_RELATIVE_SLASH;
        else if (isSpecialScheme(url.scheme) && c === 0x5c) state = S_RELATIVE_SLASH;
        else {
          url.username = base.username; url.password = base.password; url.host = base.host; url.port = base.port;
          url.path = copyPath(base.path); url.query = base.query;
          if (c === 0x3f) { url.query = ''; state = S_QUERY; }
          else if (c === 0x23) { url.fragment = ''; state = S_FRAGMENT; }
          else if (c !== -1) { url.query = null; shortenPath(url); state = S_PATH; p--; }
        }
        break;
      case S_RELATIVE_SLASH:
        if (isSpecialScheme(url.scheme) && (c === 0x2f || c === 0x5c)) state = S_SPECIAL_AUTHORITY_IGNORE_SLASHES;
        else if (c === 0x2f) state = S_AUTHORITY;
        else { url.username = base.username; url.password = base.password; url.host = base.host; url.port = base.port; state = S_PATH; p--; }
        break;
      case S_SPECIAL_AUTHORITY_SLASHES:
        if (c === 0x2f && cu(input, p + 1) === 0x2f) { state = S_SPECIAL_AUTHORITY_IGNORE_SLASHES; p++; }
        else { state = S_SPECIAL_AUTHORITY_IGNORE_SLASHES; p--; }
        break;
      case S_SPECIAL_AUTHORITY_IGNORE_SLASHES:
        if (c !== 0x2f && c !== 0x5c) { state = S_AUTHORITY; p--; }
        break;
      case S_AUTHORITY:
        if (c === 0x40) {
          if (atSign) buffer = '%40' + buffer;
          atSign = true;
          for (let i = 0; i < buffer.length;) {
            const cp = cpAt(buffer, i);
            i += cp.length;
            if (cp === ':' && !passwordToken) { passwordToken = true; continue; }
            const enc = percentEncode(cp, PE_USERINFO, false);
            if (passwordToken) url.password += enc; else url.username += enc;
          }
          buffer = '';
        } else if (c === -1 || c === 0x2f || c === 0x3f || c === 0x23 || (isSpecialScheme(url.scheme) && c === 0x5c)) {
          if (atSign && buffer === '') return FAILURE;
          p -= buffer.length + 1;
          buffer = '';
          state = S_HOST;
        } else buffer += slice(input, p, p + 1);
        break;
      case S_HOST:
      case S_HOSTNAME:
        if (stateOverride && url.scheme === 'file') { p--; state = S_FILE_HOST; }
        else if (c === 0x3a && !insideBrackets) {
          if (buffer === '') return FAILURE;
          if (stateOverride === S_HOSTNAME) return false;
          const host = parseHost(buffer, !isSpecialScheme(url.scheme));
          if (host === FAILURE) return FAILURE;
          url.host = host; buffer = ''; state = S_PORT;
        } else if (c === -1 || c === 0x2f || c === 0x3f || c === 0x23 || (isSpecialScheme(url.scheme) && c === 0x5c)) {
          p--;
          if (isSpecialScheme(url.scheme) && buffer === '') return FAILURE;
          if (stateOverride && buffer === '' && (url.username !== '' || url.password !== '' || url.port !== null)) return false;
          const host = parseHost(buffer, !isSpecialScheme(url.scheme));
          if (host === FAILURE) return FAILURE;
          url.host = host; buffer = ''; state = S_PATH_START;
          if (stateOverride) return true;
        } else {
          if (c === 0x5b) insideBrackets = true;
          if (c === 0x5d) insideBrackets = false;
          buffer += slice(input, p, p + 1);
        }
        break;
      case S_PORT:
        if (isDigit(c)) buffer += StringFromCharCode(c);
        else if (c === -1 || c === 0x2f || c === 0x3f || c === 0x23 || (isSpecialScheme(url.scheme) && c === 0x5c) || stateOverride) {
          if (buffer !== '') {
            let port = 0;
            for (let i = 0; i < buffer.length; i++) { port = port * 10 + cu(buffer, i) - 0x30; if (port > 65535) return FAILURE; }
            url.port = port === defaultPort(url.scheme) ? null : port;
            buffer = '';
            if (stateOverride) return true;
          }
          if (stateOverride) return false;
          state = S_PATH_START; p--;
        } else return FAILURE;
        break;
      case S_FILE:
        url.scheme = 'file';
        url.host = '';
        if (c === 0x2f || c === 0x5c) state = S_FILE_SLASH;
        else if (base !== null && base.scheme === 'file') {
          url.host = base.host; url.path = copyPath(base.path); url.query = base.query;
          if (c === 0x3f) { url.query = ''; state = S_QUERY; }
          else if (c === 0x23) { url.fragment = ''; state = S_FRAGMENT; }
          else if (c !== -1) {
            url.query = null;
            if (!startsWithDriveLetter(input, p)) shortenPath(url);
            else url.path = [];
            state = S_PATH; p--;
          }
        } else { state = S_PATH; p--; }
        break;
      case S_FILE_SLASH:
        if (c === 0x2f || c === 0x5c) state = S_FILE_HOST;
        else {
          if (base !== null && base.scheme === 'file') {
            url.host = base.host;
            if (!startsWithDriveLetter(input, p) && base.path.length > 0 && isWindowsDriveLetter(base.path[0], true)) push(url.path, base.path[0]);
          }
          state = S_PATH; p--;
        }
        break;
      case S_FILE_HOST:
        if (c === -1 || c === 0x2f || c === 0x5c || c === 0x3f || c === 0x23) {
          p--;
          if (!stateOverride && isWindowsDriveLetter(buffer, false)) state = S_PATH;
          else if (buffer === '') {
            url.host = '';
            if (stateOverride) return true;
            state = S_PATH_START;
          } else {
            let host = parseHost(buffer, false);
            if (host === FAILURE) return FAILURE;
            if (host === 'localhost') host = '';
            url.host = host;
            if (stateOverride) return true;
            buffer = ''; state = S_PATH_START;
          }
        } else buffer += slice(input, p, p + 1);
        break;
      case S_PATH_START:
        if (isSpecialScheme(url.scheme)) { state = S_PATH; if (c !== 0x2f && c !== 0x5c) p--; }
        else if (!stateOverride && c === 0x3f) { url.query = ''; state = S_QUERY; }
        else if (!stateOverride && c === 0x23) { url.fragment = ''; state = S_FRAGMENT; }
        else if (c !== -1) { state = S_PATH; if (c !== 0x2f) p--; }
        else if (stateOverride && url.host === null) push(url.path, '');
        break;
      case S_PATH: {
        const special = isSpecialScheme(url.scheme);
        if (c === -1 || c === 0x2f || (special && c === 0x5c) || (!stateOverride && (c === 0x3f || c === 0x23))) {
          const slash = c === 0x2f || (special && c === 0x5c);
          if (isDoubleDot(buffer)) {
            shortenPath(url);
            if (!slash) push(url.path, '');
          } else if (isSingleDot(buffer) && !slash) push(url.path, '');
          else if (!isSingleDot(buffer)) {
            if (url.scheme === 'file' && url.path.length === 0 && isWindowsDriveLetter(buffer, false)) {
              buffer = slice(buffer, 0, 1) + ':';
            }
            push(url.path, buffer);
          }
          buffer = '';
          if (c === 0x3f) { url.query = ''; state = S_QUERY; }
          if (c === 0x23) { url.fragment = ''; state = S_FRAGMENT; }
        } else { const cp = cpAt(input, p); buffer += percentEncode(cp, PE_PATH, false); p += cp.length - 1; }
        break;
      }
      case S_OPAQUE_PATH:
        if (c === 0x3f) { url.query = ''; state = S_QUERY; }
        else if (c === 0x23) { url.fragment = ''; state = S_FRAGMENT; }
        else if (c !== -1) { const cp = cpAt(input, p); url.path += percentEncode(cp, PE_C0, false); p += cp.length - 1; }
        break;
      case S_QUERY:
        if ((!stateOverride && c === 0x23) || c === -1) {
          url.query += percentEncode(buffer, isSpecialScheme(url.scheme) ? PE_SPECIAL_QUERY : PE_QUERY, false);
          buffer = '';
          if (c === 0x23) { url.fragment = ''; state = S_FRAGMENT; }
        } else buffer += slice(input, p, p + 1);
        break;
      case S_FRAGMENT:
        if (c !== -1) { const cp = cpAt(input, p); url.fragment += percentEncode(cp, PE_FRAGMENT, false); p += cp.length - 1; }
        break;
    }
  }
  return stateOverride ? true : url;
}

function serializePath(url) {
  if (url.opaque) return url.path;
  let out = '';
  for (let i = 0; i < url.path.length; i++) out += '/' + url.path[i];
  return out;
}
function serializeURL(url, excludeFragment) {
  let out = url.scheme + ':';
  if (url.host !== null) {
    out += '//';
    if (url.username !== '' || url.password !== '') {
      out += url.username;
      if (url.password !== '') out += ':' + url.password;
      out += '@';
    }
    out += url.host;
    if (url.port !== null) out += ':' + url.port;
  } else if (!url.opaque && url.path.length > 1 && url.path[0] === '') out += '/.';
  out += serializePath(url);
  if (url.query !== null) out += '?' + url.query;
  if (!excludeFragment && url.fragment !== null) out += '#' + url.fragment;
  return out;
}
function originOf(url) {
  if (url.scheme === 'blob') {
    const inner = basicParse(serializePath(url), null);
    return inner !== FAILURE && (inner.scheme === 'http' || inner.scheme === 'https') ? originOf(inner) : 'null';
  }
  if (url.scheme === 'ftp' || url.scheme === 'http' || url.scheme === 'https' || url.scheme === 'ws' || url.scheme === 'wss') {
    return url.scheme + '://' + url.host + (url.port !== null ? ':' + url.port : '');
  }
  return 'null';
}
function hasCredentialsBar(url) { return url.host === null || url.host === '' || url.scheme === 'file'; }

// ---- URL -------------------------------------------------------------------------------------
const urlState = new WeakMapCtor(); // URL object -> { url: record, params: URLSearchParams }
function urlOf(o) {
  const st = ReflectApply(WeakMapGet, urlState, [o]);
  if (st === undefined) throw new TypeErrorCtor('URL method called on an object that is not a URL');
  return st;
}
function parseOrThrow(url, base) {
  let b = null;
  if (base !== undefined) {
    b = basicParse(usv(base), null);
    if (b === FAILURE) throw new TypeErrorCtor('Invalid base URL: ' + usv(base));
  }
  const r = basicParse(usv(url), b);
  if (r === FAILURE) throw new TypeErrorCtor('Invalid URL: ' + usv(url) + (base !== undefined ? ' (against base ' + usv(base) + ')' : ''));
  return r;
}
function tryParse(url, base) {
  let b = null;
  if (base !== undefined) { b = basicParse(usv(base), null); if (b === FAILURE) return FAILURE; }
  return basicParse(usv(url), b);
}
function initURL(o, rec) {
  const params = new URLSearchParams(rec.query === null ? '' : rec.query);
  const pst = paramsOf(params);
  pst.url = rec;
  ReflectApply(WeakMapSet, urlState, [o, { __proto__: null, url: rec, params, pst }]);
}
// After the record's query changed through the URL: the linked params follow.
function reparseQuery(st) { st.pst.list = st.url.query === null ? [] : formParse(st.url.query); }
class URL {
  constructor(url, base = undefined) {
    if (arguments.length < 1) throw new TypeErrorCtor('URL constructor needs a url');
    initURL(this, parseOrThrow(url, base));
  }
  static canParse(url, base = undefined) {
    if (arguments.length < 1) throw new TypeErrorCtor('URL.canParse needs a url');
    return tryParse(url, base) !== FAILURE;
  }
  static parse(url, base = undefined) {
    if (arguments.length < 1) throw new TypeErrorCtor('URL.parse needs a url');
    const rec = tryParse(url, base);
    if (rec === FAILURE) return null;
    const o = ObjectCreate(URL.prototype);
    initURL(o, rec);
    return o;
  }
  get href() { return serializeURL(urlOf(this).url, false); }
  set href(v) {
    const st = urlOf(this);
    const rec = basicParse(usv(v), null);
    if (rec === FAILURE) throw new TypeErrorCtor('Invalid URL: ' + usv(v));
    st.url = rec; st.pst.url = rec;
    reparseQuery(st);
  }
  get origin() { return originOf(urlOf(this).url); }
  get protocol() { return urlOf(this).url.scheme + ':'; }
  set protocol(v) { const u = urlOf(this).url; basicParse(usv(v) + ':', null, u, S_SCHEME_START); }
  get username() { return urlOf(this).url.username; }
  set username(v) { const u = urlOf(this).url; if (!hasCredentialsBar(u)) u.username = percentEncode(usv(v), PE_USERINFO, false); }
  get password() { return urlOf(this).url.password; }
  set password(v) { const u = urlOf(this).url; if (!hasCredentialsBar(u)) u.password = percentEncode(usv(v), PE_USERINFO, false); }
  get host() {
    const u = urlOf(this).url;
    if (u.host === null) return '';
    return u.port === null ? u.host : u.host + ':' + u.port;
  }
  set host(v) { const u = urlOf(this).url; if (!u.opaque) basicParse(usv(v), null, u, S_HOST); }
  get hostname() { const u = urlOf(this).url; return u.host === null ? '' : u.host; }
  set hostname(v) { const u = urlOf(this).url; if (!u.opaque) basicParse(usv(v), null, u, S_HOSTNAME); }
  get port() { const u = urlOf(this).url; return u.port === null ? '' : StringCtor(u.port); }
  set port(v) {
    const u = urlOf(this).url;
    if (hasCredentialsBar(u)) return;
    v = usv(v);
    if (v === '') u.port = null; else basicParse(v, null, u, S_PORT);
  }
  get pathname() { return serializePath(urlOf(this).url); }
  set pathname(v) {
    const u = urlOf(this).url;
    if (u.opaque) return;
    u.path = [];
    basicParse(usv(v), null, u, S_PATH_START);
  }
  get search() { const u = urlOf(this).url; return u.query === null || u.query === '' ? '' : '?' + u.query; }
  set search(v) {
    const st = urlOf(this), u = st.url;
    v = usv(v);
    if (v === '') { u.query = null; st.pst.list = []; potentiallyStripTrailingSpaces(u); return; }
    if (cu(v, 0) === 0x3f) v = slice(v, 1);
    u.query = '';
    basicParse(v, null, u, S_QUERY);
    reparseQuery(st);
  }
  get searchParams() { return urlOf(this).params; }
  get hash() { const u = urlOf(this).url; return u.fragment === null || u.fragment === '' ? '' : '#' + u.fragment; }
  set hash(v) {
    const u = urlOf(this).url;
    v = usv(v);
    if (v === '') { u.fragment = null; potentiallyStripTrailingSpaces(u); return; }
    if (cu(v, 0) === 0x23) v = slice(v, 1);
    u.fragment = '';
    basicParse(v, null, u, S_FRAGMENT);
  }
  toString() { return serializeURL(urlOf(this).url, false); }
  toJSON() { return serializeURL(urlOf(this).url, false); }
}
ObjectDefineProperty(URL.prototype, SymbolToStringTag, { value: 'URL', configurable: true });
// Accessors are enumerable on the prototype in Web IDL.
(function () {
  const names = ['href', 'origin', 'protocol', 'username', 'password', 'host', 'hostname', 'port', 'pathname', 'search', 'searchParams', 'hash', 'toString', 'toJSON'];
  for (let i = 0; i < names.length; i++) {
    const d = ObjectGetOwnPropertyDescriptor(URL.prototype, names[i]);
    d.enumerable = true;
    ObjectDefineProperty(URL.prototype, names[i], d);
  }
})();
ObjectDefineProperty(g, 'URL', { value: URL, writable: true, configurable: true });
