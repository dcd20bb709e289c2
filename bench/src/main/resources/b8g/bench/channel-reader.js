// Platform reader: consumes messages (env.mode 'copy': tryRead copies out; 'inplace': readInPlace
// hands a view over the ring) and acknowledges each round's empty marker on env.ack with the
// number of times it had to wait (await ready()). env.spin as for the writer.
async function main(env) {
  const inp = env.in, ack = env.ack, inPlace = env.mode === 'inplace', spin = +env.spin;
  let sink = 0, marker = false, waits = 0;
  const touch = (v) => { if (v.length === 0) marker = true; else sink += v[0] + v.length; };
  for (;;) {
    if (inPlace) {
      if (!inp.readInPlace(touch)) {
        if (inp.ended) break;
        let s = spin;
        while (s > 0 && !inp.readInPlace(touch)) s--;
        if (s === 0) { if (inp.ended) break; waits++; await inp.ready(); continue; }
      }
    } else {
      let m = inp.tryRead();
      if (m === null) {
        let s = spin;
        while (s > 0 && (m = inp.tryRead()) === null) s--;
        if (m === null) { waits++; await inp.ready(); continue; }
      }
      if (m === undefined) break;
      if (m.length === 0) marker = true; else sink += m[0] + m.length;
    }
    if (marker) { marker = false; const p = ack.write('' + waits + ' ' + (sink & 1)); waits = 0; if (p) await p; }
  }
  const p = ack.close();
  if (p) await p;
}
