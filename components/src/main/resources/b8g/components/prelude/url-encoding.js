// b8g prelude: url-encoding: the URL Standard's code points, percent-encoding sets and special schemes.
// ---- code points and percent-encoding ---------------------------------------------------------
function cu(s, i) { return i < s.length ? ReflectApply(StringCharCodeAt, s, [i]) : -1; }
function isAlpha(c) { return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a); }
function isDigit(c) { return c >= 0x30 && c <= 0x39; }
function isHex(c) { return isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66); }
function hexVal(c) { return c <= 0x39 ? c - 0x30 : (c | 0x20) - 0x57; }
function lower(s) { return ReflectApply(StringToLowerCase, s, []); }
function slice(s, a, b) { return ReflectApply(StringSlice, s, b === undefined ? [a] : [a, b]); }
function join(parts, sep) { return ReflectApply(ArrayJoin, parts, [sep]); }

// One bit per percent-encode set; each set includes those before it (as the standard defines them).
const PE_C0 = 1, PE_FRAGMENT = 2, PE_QUERY = 4, PE_SPECIAL_QUERY = 8, PE_PATH = 16, PE_USERINFO = 32, PE_COMPONENT = 64, PE_FORM = 128;
const encodeSets = new Uint8ArrayCtor(128);
(function () {
  function add(bit, chars, base) {
    for (let c = 0; c < 128; c++) if (encodeSets[c] & base) encodeSets[c] |= bit;
    for (let i = 0; i < chars.length; i++) encodeSets[ReflectApply(StringCharCodeAt, chars, [i])] |= bit;
  }
  for (let c = 0; c < 0x20; c++) encodeSets[c] = PE_C0;
  encodeSets[0x7f] = PE_C0;
  add(PE_FRAGMENT, ' "<>`', PE_C0);
  add(PE_QUERY, ' "#<>', PE_C0);
  add(PE_SPECIAL_QUERY, "'", PE_QUERY);
  add(PE_PATH, '?^`{}', PE_QUERY);
  add(PE_USERINFO, '/:;=@[\\]^|', PE_PATH);
  add(PE_COMPONENT, '$%&+,', PE_USERINFO);
  add(PE_FORM, "!'()~", PE_COMPONENT);
  // Every set holds all of the C0 control set: a bit set for a set implies the sets before it
  // where the standard says so, which add() did; fill the C0 controls for all sets.
  for (let c = 0; c < 0x20; c++) encodeSets[c] = 255;
  encodeSets[0x7f] = 255;
})();
const PCT_HEX = '0123456789ABCDEF';
function pct(b) { return '%' + PCT_HEX[b >> 4] + PCT_HEX[b & 15]; }
// Percent-encodes s after UTF-8 encoding with the set `set` (spaceAsPlus for form encoding).
function percentEncode(s, set, spaceAsPlus) {
  let ascii = true;
  for (let i = 0; i < s.length; i++) {
    const c = ReflectApply(StringCharCodeAt, s, [i]);
    if (c >= 0x80 || (encodeSets[c] & set) !== 0 || (spaceAsPlus && c === 0x20)) { ascii = false; break; }
  }
  if (ascii) return s;
  const bytes = utf8Encode(s);
  let out = '';
  for (let i = 0, n = u8len(bytes); i < n; i++) {
    const b = bytes[i];
    if (spaceAsPlus && b === 0x20) out += '+';
    else if (b >= 0x80 || (encodeSets[b] & set) !== 0) out += pct(b);
    else out += StringFromCharCode(b);
  }
  return out;
}
// The code point starting at s[i] as a string (a surrogate pair stays whole).
function cpAt(s, i) {
  const c = cu(s, i);
  if (c >= 0xd800 && c <= 0xdbff) { const d = cu(s, i + 1); if (d >= 0xdc00 && d <= 0xdfff) return slice(s, i, i + 2); }
  return slice(s, i, i + 1);
}
function percentDecodeBytes(s) {
  const bytes = utf8Encode(s);
  const n = u8len(bytes);
  const out = new Uint8ArrayCtor(n);
  let j = 0;
  for (let i = 0; i < n; i++) {
    const b = bytes[i];
    if (b === 0x25 && i + 2 < n && isHex(bytes[i + 1]) && isHex(bytes[i + 2])) {
      out[j++] = (hexVal(bytes[i + 1]) << 4) | hexVal(bytes[i + 2]); i += 2;
    } else out[j++] = b;
  }
  return ReflectApply(TypedArraySubarray, out, [0, j]);
}

// ---- schemes ----------------------------------------------------------------------------------
const SPECIAL = ObjectFreeze({ __proto__: null, ftp: 21, file: -1, http: 80, https: 443, ws: 80, wss: 443 });
function isSpecialScheme(s) { return SPECIAL[s] !== undefined; }
function defaultPort(s) { const p = SPECIAL[s]; return p === undefined || p < 0 ? null : p; }
