// Compression Streams conformance. The prefix defines PLAIN (a string), GZ_JAVA (gzip bytes from
// java.util.zip.GZIPOutputStream), GZ_SHELL (from the gzip command, or null), ZLIB_JAVA (Deflater)
// and RAW_JAVA (Deflater with nowrap), all of PLAIN's UTF-8 bytes.
async function collect(readable) {
  const parts = []; let n = 0, max = 0;
  for await (const c of readable) { parts.push(c); n += c.length; max = Math.max(max, c.length); }
  const out = new Uint8Array(n); let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  collect.largest = max;
  return out;
}
function through(bytes, stream, chunk = 1000) {
  const w = stream.writable.getWriter();
  (async () => { for (let i = 0; i < bytes.length; i += chunk) await w.write(bytes.subarray(i, i + chunk)); await w.close(); })().catch(() => {});
  return collect(stream.readable);
}
const hex = (u8) => Array.from(u8, (b) => b.toString(16).padStart(2, '0')).join('');

async function main(env) {
  const plain = new TextEncoder().encode(PLAIN);
  for (const format of ['gzip', 'deflate', 'deflate-raw']) {
    const packed = await through(plain, new CompressionStream(format));
    check(format + ' compresses', packed.length < plain.length, true);
    const back = await through(packed, new DecompressionStream(format), 7);
    check(format + ' round trip', new TextDecoder().decode(back) === PLAIN, true);
    console.log(format + ' ' + hex(packed));
  }
  const gz = await through(plain, new CompressionStream('gzip'));
  check('gzip header', Array.from(gz.subarray(0, 3)), [0x1f, 0x8b, 8]);
  check('from GZIPOutputStream', new TextDecoder().decode(await through(GZ_JAVA, new DecompressionStream('gzip'))) === PLAIN, true);
  if (GZ_SHELL !== null) check('from the gzip command', new TextDecoder().decode(await through(GZ_SHELL, new DecompressionStream('gzip'), 1)) === PLAIN, true);
  else check('from the gzip command', true, true);
  check('from Deflater (zlib)', new TextDecoder().decode(await through(ZLIB_JAVA, new DecompressionStream('deflate'))) === PLAIN, true);
  check('from Deflater (raw)', new TextDecoder().decode(await through(RAW_JAVA, new DecompressionStream('deflate-raw'))) === PLAIN, true);

  // Output comes in bounded slices.
  const zeros = await through(new Uint8Array(1 << 20), new CompressionStream('gzip'), 1 << 20);
  const inflated = await through(zeros, new DecompressionStream('gzip'), 1 << 20);
  check('a megabyte of zeros', [inflated.length, collect.largest <= 65536], [1 << 20, true]);

  // Corrupt, truncated and trailing data are TypeErrors.
  const bad = gz.slice(); bad[bad.length - 6] ^= 0xff; // the CRC-32
  await rejects('bad checksum', through(bad, new DecompressionStream('gzip')), 'TypeError');
  await rejects('truncated', through(gz.subarray(0, gz.length - 4), new DecompressionStream('gzip')), 'TypeError');
  const extra = new Uint8Array(gz.length + 1); extra.set(gz); extra[gz.length] = 1;
  await rejects('junk after the end', through(extra, new DecompressionStream('gzip')), 'TypeError');
  await rejects('not gzip', through(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]), new DecompressionStream('gzip')), 'TypeError');
  await rejects('not deflate', through(new Uint8Array([0xff, 0xff, 0xff]), new DecompressionStream('deflate')), 'TypeError');
  throws('unknown format', () => new CompressionStream('brotli'), 'TypeError');
  // A gzip header (here an FNAME without its NUL) longer than 64 KiB: a TypeError, not host memory.
  const longName = new Uint8Array(1 << 20).fill(0x61); longName.set([0x1f, 0x8b, 8, 8, 0, 0, 0, 0, 0, 0xff]);
  await rejects('gzip header too long', through(longName, new DecompressionStream('gzip'), 1 << 20), 'TypeError');
  // Several writes before the readable side is read: still the same bytes back.
  {
    const s = new CompressionStream('gzip'); const w = s.writable.getWriter();
    const ws = []; for (let i = 0; i < plain.length; i += 500) ws.push(w.write(plain.subarray(i, i + 500)));
    ws.push(w.close());
    const packed = await collect(s.readable); await Promise.all(ws);
    check('several writes before reads', new TextDecoder().decode(await through(packed, new DecompressionStream('gzip'))) === PLAIN, true);
  }
  // (A write waits until the readable side is read: the transform's backpressure.)
  await rejects('chunk must be a BufferSource', () => {
    const s = new CompressionStream('gzip');
    const read = s.readable.getReader().read();
    s.writable.getWriter().write('text').catch(() => {});
    return read;
  }, 'TypeError');

  // Engines are freed when their stream ends: many more streams than the host's bound, in turn.
  for (let i = 0; i < 100; i++) await through(plain.subarray(0, 100), new CompressionStream('deflate'));
  check('100 streams one after another', true, true);
  // ... and cancelling frees one too.
  for (let i = 0; i < 100; i++) await new DecompressionStream('gzip').readable.cancel('no');
  check('100 cancelled streams', true, true);
  // More open at once than the bound: a RangeError.
  const open = [];
  throws('too many open at once', () => { for (let i = 0; i < 100; i++) open.push(new CompressionStream('gzip')); }, 'RangeError');
  for (const s of open) await s.readable.cancel();
  check('freed again', (await through(plain, new CompressionStream('gzip'))).length > 0, true);
  done();
}
