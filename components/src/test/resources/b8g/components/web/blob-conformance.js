// File API conformance: Blob parts, type, size, slice (negative indices), readers, stream; File.
async function main(env) {
  const b = new Blob(['hello ', new Uint8Array([119, 111]), new Blob(['rld']), new Uint16Array([0x2121]).buffer], { type: 'Text/Plain' });
  check('size and type', [b.size, b.type], [13, 'text/plain']);
  check('text', await b.text(), 'hello world!!');
  check('slice from a negative start', await b.slice(-7, -2).text(), 'world');
  check('slice to the end', await b.slice(6).text(), 'world!!');
  check('slice past the end', await b.slice(6, 100).text(), 'world!!');
  check('slice with start after end is empty', b.slice(8, 2).size, 0);
  check('slice of a slice', await b.slice(1).slice(-3, -1).text(), 'd!');
  check('slice type', [b.slice(0, 1).type, b.slice(0, 1, 'A/B').type], ['', 'a/b']);
  check('bytes', await b.slice(0, 2).bytes(), new Uint8Array([104, 101]));
  const ab = await b.arrayBuffer();
  check('arrayBuffer', [ab instanceof ArrayBuffer, ab.byteLength], [true, 13]);
  check('type outside U+0020-U+007E is dropped', new Blob([], { type: 'a/b\u00e9' }).type, '');
  check('empty', [new Blob().size, await new Blob().text()], [0, '']);
  check('BOM dropped by text()', await new Blob([new Uint8Array([0xef, 0xbb, 0xbf, 0x41])]).text(), 'A');
  check('native endings', await new Blob(['a\r\nb\rc'], { endings: 'native' }).text(), 'a\nb\nc');
  const src = new Uint8Array([1, 2, 3]);
  const copy = new Blob([src]); src[0] = 9;
  check('parts are copied', await copy.bytes(), new Uint8Array([1, 2, 3]));
  const big = new Blob([new Uint8Array(200000).fill(7)]);
  let n = 0, chunks = 0;
  for await (const c of big.stream()) { n += c.length; chunks++; }
  check('stream', [n, chunks > 1], [200000, true]);
  let st = ''; for await (const s of b.stream().pipeThrough(new TextDecoderStream())) st += s;
  check('stream through a decoder', st, 'hello world!!');
  const f = new File(['x', 'y'], 'a.txt', { type: 'text/plain', lastModified: 5 });
  check('File', [f.name, f.lastModified, f.size, f.type, f instanceof Blob, Object.prototype.toString.call(f)], ['a.txt', 5, 2, 'text/plain', true, '[object File]']);
  check('File text', await f.text(), 'xy');
  throws('File needs a name', () => new File(['x']), 'TypeError');
  throws('endings', () => new Blob([], { endings: 'x' }), 'TypeError');
  throws('parts must be a sequence', () => new Blob(5), 'TypeError');
  await rejects('brand check', () => Blob.prototype.text.call({}), 'TypeError');
  done();
}
