// Platform writer: for each round, reads the message count from env.go, writes that many messages
// of env.size bytes with the idiomatic fast loop, then an empty marker, then reports on env.stats
// how often it had to wait (await ready()). Ends with close(). env.spin > 0 retries tryWrite that
// many times before awaiting (an experiment: spin-then-park at user level).
async function main(env) {
  const size = +env.size, spin = +env.spin, out = env.out;
  const buf = new Uint8Array(size);
  for (let i = 0; i < size; i++) buf[i] = i & 255;
  const marker = new Uint8Array(0);
  for (;;) {
    const g = await env.go.read();
    if (g === undefined) break;
    const n = +g;
    let i = 0, waits = 0;
    while (i < n) {
      if (out.tryWrite(buf)) { i++; continue; }
      let s = spin;
      while (s > 0 && !out.tryWrite(buf)) s--;
      if (s > 0) { i++; continue; }
      waits++;
      await out.ready();
    }
    while (!out.tryWrite(marker)) await out.ready();
    const p = env.stats.write('' + waits);
    if (p) await p;
  }
  const p = out.close();
  if (p) await p;
}
