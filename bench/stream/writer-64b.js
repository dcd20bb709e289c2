async function main(env) {
  const buf = new Uint8Array(64);
  for (let i = 0; i < 3000000; i++) { buf[0] = i & 255; const p = env.out.write(buf); if (p !== undefined) await p; }
  await env.out.close();
}
