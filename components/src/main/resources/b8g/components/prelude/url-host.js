// b8g prelude: url-host: the URL Standard's host parser and serializer (domains, IPv4, IPv6, opaque hosts).
// ---- hosts ------------------------------------------------------------------------------------
// A host is kept serialized (a domain, an opaque host, "1.2.3.4" or "[::1]"); the empty host is ''.
const FAILURE = null;
function isForbiddenHost(c) {
  return c === 0 || c === 9 || c === 0xa || c === 0xd || c === 0x20 || c === 0x23 || c === 0x2f || c === 0x3a ||
    c === 0x3c || c === 0x3e || c === 0x3f || c === 0x40 || c === 0x5b || c === 0x5c || c === 0x5d || c === 0x5e || c === 0x7c;
}
function isForbiddenDomain(c) { return isForbiddenHost(c) || c <= 0x1f || c === 0x25 || c === 0x7f; }

function parseHost(input, notSpecial) {
  if (cu(input, 0) === 0x5b) {
    if (cu(input, input.length - 1) !== 0x5d) return FAILURE;
    const a = parseIPv6(slice(input, 1, input.length - 1));
    return a === FAILURE ? FAILURE : '[' + serializeIPv6(a) + ']';
  }
  if (notSpecial) {
    for (let i = 0; i < input.length; i++) if (isForbiddenHost(cu(input, i))) return FAILURE;
    return percentEncode(input, PE_C0, false);
  }
  const domain = utf8Decode(percentDecodeBytes(input), false);
  const ascii = domainToAscii(domain);
  if (ascii === FAILURE) return FAILURE;
  for (let i = 0; i < ascii.length; i++) if (isForbiddenDomain(cu(ascii, i))) return FAILURE;
  if (endsInNumber(ascii)) return parseIPv4(ascii);
  return ascii;
}

// Domain to ASCII with beStrict false. ASCII without a punycode label stays in JS (the common case).
function domainToAscii(domain) {
  let ascii = true;
  for (let i = 0; i < domain.length; i++) if (cu(domain, i) >= 0x80) { ascii = false; break; }
  const low = ascii ? lower(domain) : domain;
  if (ascii && !(ReflectApply(StringIndexOf, low, ['xn--']) === 0 || ReflectApply(StringIndexOf, low, ['.xn--']) >= 0)) {
    return low.length === 0 ? FAILURE : low;
  }
  if (domain.length > 1024) return FAILURE; // no DNS name is that long; the host refuses it too
  const r = call(TO_HOST_DOMAIN_TO_ASCII, domain);
  return typeof r === 'string' && r.length > 0 ? r : FAILURE;
}

function splitDots(s) {
  const parts = [];
  let start = 0;
  for (let i = 0; i <= s.length; i++) {
    if (i === s.length || cu(s, i) === 0x2e) { push(parts, slice(s, start, i)); start = i + 1; }
  }
  return parts;
}
function endsInNumber(s) {
  const parts = splitDots(s);
  if (parts[parts.length - 1] === '') { if (parts.length === 1) return false; parts.length--; }
  const last = parts[parts.length - 1];
  if (last.length > 0) {
    let digits = true;
    for (let i = 0; i < last.length; i++) if (!isDigit(cu(last, i))) { digits = false; break; }
    if (digits) return true;
  }
  return parseIPv4Number(last) !== FAILURE;
}
function parseIPv4Number(s) {
  if (s.length === 0) return FAILURE;
  let r = 10, i = 0;
  if (s.length >= 2 && cu(s, 0) === 0x30 && (cu(s, 1) | 0x20) === 0x78) { r = 16; i = 2; }
  else if (s.length >= 2 && cu(s, 0) === 0x30) { r = 8; i = 1; }
  let v = 0;
  for (; i < s.length; i++) {
    const c = cu(s, i);
    let d;
    if (r === 16) { if (!isHex(c)) return FAILURE; d = hexVal(c); }
    else { if (!isDigit(c)) return FAILURE; d = c - 0x30; if (d >= r) return FAILURE; }
    v = v * r + d;
  }
  return v;
}
function parseIPv4(s) {
  const parts = splitDots(s);
  if (parts[parts.length - 1] === '' && parts.length > 1) parts.length--;
  if (parts.length > 4) return FAILURE;
  const n = parts.length;
  const nums = [];
  for (let i = 0; i < n; i++) { const v = parseIPv4Number(parts[i]); if (v === FAILURE) return FAILURE; push(nums, v); }
  for (let i = 0; i < n - 1; i++) if (nums[i] > 255) return FAILURE;
  if (nums[n - 1] >= 256 ** (5 - n)) return FAILURE;
  let ip = nums[n - 1];
  for (let i = 0; i < n - 1; i++) ip += nums[i] * 256 ** (3 - i);
  const out = [];
  for (let i = 0; i < 4; i++) { push(out, StringCtor(ip % 256)); ip = MathFloor(ip / 256); }
  return out[3] + '.' + out[2] + '.' + out[1] + '.' + out[0];
}
function parseIPv6(s) {
  const a = new Uint16ArrayCtor(8);
  let piece = 0, compress = -1, p = 0;
  if (cu(s, p) === 0x3a) { if (cu(s, p + 1) !== 0x3a) return FAILURE; p += 2; piece++; compress = piece; }
  while (p < s.length) {
    if (piece === 8) return FAILURE;
    if (cu(s, p) === 0x3a) { if (compress !== -1) return FAILURE; p++; piece++; compress = piece; continue; }
    let value = 0, length = 0;
    while (length < 4 && isHex(cu(s, p))) { value = value * 16 + hexVal(cu(s, p)); p++; length++; }
    if (cu(s, p) === 0x2e) {
      if (length === 0) return FAILURE;
      p -= length;
      if (piece > 6) return FAILURE;
      let seen = 0;
      while (p < s.length) {
        let v4 = -1;
        if (seen > 0) { if (cu(s, p) === 0x2e && seen < 4) p++; else return FAILURE; }
        if (!isDigit(cu(s, p))) return FAILURE;
        while (isDigit(cu(s, p))) {
          const n = cu(s, p) - 0x30;
          if (v4 === -1) v4 = n; else if (v4 === 0) return FAILURE; else v4 = v4 * 10 + n;
          if (v4 > 255) return FAILURE;
          p++;
        }
        a[piece] = a[piece] * 0x100 + v4;
        seen++;
        if (seen === 2 || seen === 4) piece++;
      }
      if (seen !== 4) return FAILURE;
      break;
    } else if (cu(s, p) === 0x3a) { p++; if (p >= s.length) return FAILURE; }
    else if (p < s.length) return FAILURE;
    a[piece] = value; piece++;
  }
  if (compress !== -1) {
    let swaps = piece - compress;
    piece = 7;
    while (piece !== 0 && swaps > 0) {
      const t = a[piece]; a[piece] = a[compress + swaps - 1]; a[compress + swaps - 1] = t;
      piece--; swaps--;
    }
  } else if (piece !== 8) return FAILURE;
  return a;
}
function serializeIPv6(a) {
  // The first longest run of two or more zero pieces is compressed.
  let best = -1, bestLen = 1;
  for (let i = 0; i < 8;) {
    if (a[i] !== 0) { i++; continue; }
    let j = i; while (j < 8 && a[j] === 0) j++;
    if (j - i > bestLen) { best = i; bestLen = j - i; }
    i = j;
  }
  let out = '', ignore0 = false;
  for (let i = 0; i < 8; i++) {
    if (ignore0 && a[i] === 0) continue;
    ignore0 = false;
    if (best === i) { out += i === 0 ? '::' : ':'; ignore0 = true; continue; }
    out += ReflectApply(NumberToString, a[i], [16]);
    if (i !== 7) out += ':';
  }
  return out;
}
