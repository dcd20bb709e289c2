// Streams Standard conformance: backpressure, pipes, tee, cancellation, async iteration, text streams.
const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));
async function main(env) {
  // A readable's queue and desiredSize follow highWaterMark; pull stops at backpressure.
  let ctl, pulls = 0;
  const rs = new ReadableStream({ start(c) { ctl = c; }, pull() { pulls++; } }, { highWaterMark: 2 });
  await tick();
  check('pull while below the high-water mark', pulls, 1);
  check('desiredSize starts at highWaterMark', ctl.desiredSize, 2);
  ctl.enqueue('a'); ctl.enqueue('b');
  check('desiredSize 0 when full', ctl.desiredSize, 0);
  ctl.enqueue('c');
  check('desiredSize negative past full', ctl.desiredSize, -1);
  const reader = rs.getReader();
  check('read', await reader.read(), { value: 'a', done: false });
  check('locked', rs.locked, true);
  ctl.close();
  check('rest then done', [await reader.read(), await reader.read(), await reader.read()],
    [{ value: 'b', done: false }, { value: 'c', done: false }, { done: true }]);
  reader.releaseLock();
  check('released', rs.locked, false);
  throws('enqueue after close', () => ctl.enqueue('x'), 'TypeError');

  // A writable: desiredSize goes to 0 and write() stays pending until the sink takes it.
  let release; const written = [];
  const ws = new WritableStream({ write(chunk) { written.push(chunk); return new Promise((r) => { release = r; }); } },
    new CountQueuingStrategy({ highWaterMark: 2 }));
  const w = ws.getWriter();
  check('writer desiredSize', w.desiredSize, 2);
  let firstDone = false, readyDone = false;
  const p1 = w.write('x').then(() => { firstDone = true; });
  const p2 = w.write('y');
  check('desiredSize 0 after two writes', w.desiredSize, 0);
  w.ready.then(() => { readyDone = true; });
  await tick(5);
  check('write and ready pending while the sink is busy', [firstDone, readyDone, written], [false, false, ['x']]);
  release(); await p1; await tick();
  check('ready once a write completes', [readyDone, w.desiredSize, written], [true, 1, ['x', 'y']]);
  release(); await p2;
  await w.close();
  await rejects('write after close', w.write('z'), 'TypeError');
  check('ByteLengthQueuingStrategy', new ByteLengthQueuingStrategy({ highWaterMark: 16 }).size(new Uint8Array(5)), 5);

  // Through a TransformStream: the write waits until the readable side is read.
  const ts = new TransformStream();
  const tw = ts.writable.getWriter(), tr = ts.readable.getReader();
  let wrote = false;
  tw.write('z').then(() => { wrote = true; });
  await tick(5);
  check('identity transform: write pending until read', [wrote, tw.desiredSize], [false, 0]);
  check('read through', await tr.read(), { value: 'z', done: false });
  await tick();
  check('write resolved after the read', wrote, true);

  // pipeThrough / pipeTo and ReadableStream.from.
  async function* gen() { for (let i = 1; i <= 3; i++) yield i; }
  const sink = [];
  await ReadableStream.from(gen()).pipeThrough(new TransformStream({ transform(c, k) { k.enqueue(c * 10); }, flush(k) { k.enqueue('end'); } }))
    .pipeTo(new WritableStream({ write(c) { sink.push(c); } }));
  check('from(async generator) piped through a transform', sink, [10, 20, 30, 'end']);
  const fromArr = []; for await (const v of ReadableStream.from(['p', Promise.resolve('q')])) fromArr.push(v);
  check('from(iterable of promises)', fromArr, ['p', 'q']);

  // Errors propagate forward (source error aborts the destination) ...
  let abortReason;
  const e1 = new Error('source failed');
  await rejects('pipeTo rejects with the source error', new ReadableStream({ pull(c) { c.error(e1); } })
    .pipeTo(new WritableStream({ abort(r) { abortReason = r; } })), 'Error');
  check('destination aborted with the source error', abortReason === e1, true);
  // ... and backward (a sink error cancels the source).
  let cancelReason;
  const e2 = new Error('sink failed');
  await rejects('pipeTo rejects with the sink error', new ReadableStream({ pull(c) { c.enqueue(1); }, cancel(r) { cancelReason = r; } })
    .pipeTo(new WritableStream({ write() { throw e2; } })), 'Error');
  check('source cancelled with the sink error', cancelReason === e2, true);
  // preventAbort / preventCancel / preventClose.
  let aborted = false;
  await new ReadableStream({ start(c) { c.error(new Error('x')); } }).pipeTo(new WritableStream({ abort() { aborted = true; } }), { preventAbort: true }).catch(() => {});
  check('preventAbort', aborted, false);
  let cancelled = false;
  await new ReadableStream({ pull(c) { c.enqueue(1); }, cancel() { cancelled = true; } }).pipeTo(new WritableStream({ write() { throw new Error('w'); } }), { preventCancel: true }).catch(() => {});
  check('preventCancel', cancelled, false);
  const dest = new WritableStream();
  await ReadableStream.from(['a']).pipeTo(dest, { preventClose: true });
  const dw = dest.getWriter();
  await dw.write('still open');
  check('preventClose leaves the destination open', dw.desiredSize, 1);
  // An abort signal.
  const ac = new AbortController();
  let sinkAbort;
  const piping = new ReadableStream().pipeTo(new WritableStream({ abort(r) { sinkAbort = r; } }), { signal: ac.signal });
  ac.abort('stop');
  await rejects('pipeTo rejects when its signal aborts', piping.catch((r) => { throw { name: r }; }), 'stop');
  check('signal aborts the destination with its reason', sinkAbort, 'stop');
  const ac2 = new AbortController(); ac2.abort();
  await rejects('an aborted signal: AbortError', ReadableStream.from(['x']).pipeTo(new WritableStream(), { signal: ac2.signal }), 'AbortError');
  await rejects('signal must be an AbortSignal', ReadableStream.from(['x']).pipeTo(new WritableStream(), { signal: { aborted: false } }), 'TypeError');
  // The sink's controller.signal aborts with the stream.
  let sinkSignal;
  const sigStream = new WritableStream({ start(c) { sinkSignal = c.signal; } });
  await sigStream.abort('gone');
  check('controller.signal', [sinkSignal.aborted, sinkSignal.reason], [true, 'gone']);
  // Order and many chunks through a pipe with backpressure.
  const many = [];
  await ReadableStream.from((function* () { for (let i = 0; i < 1000; i++) yield i; })())
    .pipeTo(new WritableStream({ write(c) { many.push(c); return tick(); } }, { highWaterMark: 4 }));
  check('1000 chunks in order', many.length === 1000 && many.every((v, i) => v === i), true);

  // tee: both branches see every chunk; cancelling both cancels the source with both reasons.
  const [b1, b2] = ReadableStream.from(['x', 'y']).tee();
  const seen1 = [], seen2 = [];
  await Promise.all([(async () => { for await (const v of b1) seen1.push(v); })(), (async () => { for await (const v of b2) seen2.push(v); })()]);
  check('tee', [seen1, seen2], [['x', 'y'], ['x', 'y']]);
  let teeReason;
  const [c1, c2] = new ReadableStream({ cancel(r) { teeReason = r; } }).tee();
  const cp1 = c1.cancel('one');
  await c2.cancel('two'); await cp1;
  check('tee cancel reasons', teeReason, ['one', 'two']);
  let errSeen = [];
  let tctl; const [e1b, e2b] = new ReadableStream({ start(c) { tctl = c; } }).tee();
  tctl.error(new TypeError('t'));
  await e1b.getReader().read().catch((e) => errSeen.push(e.name)); await e2b.getReader().read().catch((e) => errSeen.push(e.name));
  check('tee errors both branches', errSeen, ['TypeError', 'TypeError']);

  // cancel(reason) reaches the source; a cancelled stream reads as done.
  let reason;
  const cs = new ReadableStream({ cancel(r) { reason = r; } });
  const cr = cs.getReader();
  const pending = cr.read();
  await cr.cancel('why');
  check('cancel reason', reason, 'why');
  check('pending read resolves done on cancel', await pending, { done: true });
  await rejects('cancel of a locked stream', cs.cancel(), 'TypeError');

  // Async iteration: break cancels, preventCancel does not.
  let itCancelled = false;
  const vs = new ReadableStream({ start(c) { c.enqueue(1); c.enqueue(2); }, cancel() { itCancelled = true; } });
  for await (const v of vs.values({ preventCancel: true })) break;
  check('preventCancel leaves it open and unlocked', [itCancelled, vs.locked], [false, false]);
  for await (const v of vs) break;
  check('break cancels', itCancelled, true);

  // WritableStream.abort and close.
  let sinkReason;
  const aw = new WritableStream({ abort(r) { sinkReason = r; } });
  await aw.abort('bye');
  check('abort reason', sinkReason, 'bye');
  let closed = false;
  await new WritableStream({ close() { closed = true; } }).close();
  check('close', closed, true);

  // Text streams: UTF-8 split across chunks, BOM, fatal.
  const bytes = new TextEncoder().encode('aé€😀z');
  const ds = new TextDecoderStream();
  const dwr = ds.writable.getWriter();
  for (let i = 0; i < bytes.length; i++) dwr.write(bytes.subarray(i, i + 1));
  dwr.close();
  let text = ''; for await (const s of ds.readable) text += s;
  check('decoder stream joins split characters', text, 'aé€😀z');
  const ds2 = new TextDecoderStream(); const w2 = ds2.writable.getWriter();
  w2.write(new Uint8Array([0xef, 0xbb])); w2.write(new Uint8Array([0xbf, 0x41, 0xe2, 0x82])); w2.close();
  text = ''; for await (const s of ds2.readable) text += s;
  check('BOM dropped, truncated character is one U+FFFD', text, 'A\uFFFD');
  const ds3 = new TextDecoderStream('utf-8', { fatal: true }); ds3.writable.getWriter().write(new Uint8Array([0xff])).catch(() => {});
  await rejects('fatal decoder errors the stream', ds3.readable.getReader().read(), 'TypeError');
  check('decoder attributes', [ds3.encoding, ds3.fatal, ds3.ignoreBOM], ['utf-8', true, false]);
  const es = new TextEncoderStream(); const ew = es.writable.getWriter();
  ew.write('a\uD83D'); ew.write('\uDE00'); ew.write('\uD800'); ew.close();
  const out = []; for await (const c of es.readable) out.push(...c);
  check('encoder stream pairs split surrogates', out, [97, 240, 159, 152, 128, 239, 191, 189]);
  const round = []; for await (const s of ReadableStream.from(['héllo ', 'wörld']).pipeThrough(new TextEncoderStream()).pipeThrough(new TextDecoderStream())) round.push(s);
  check('encode then decode', round.join(''), 'héllo wörld');
  throws('decoder label', () => new TextDecoderStream('latin1'), 'RangeError');
  throws('not a stream', () => ReadableStream.prototype.getReader.call({}), 'TypeError');
  throws('byob unsupported', () => new ReadableStream().getReader({ mode: 'byob' }), 'TypeError');
  done();
}
