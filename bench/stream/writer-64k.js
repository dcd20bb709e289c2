async function main(env) {
  const buf = new Uint8Array(65536);
  for (let i = 0; i < 60000; i++) { buf[0] = i & 255; await env.out.write(buf); }
  await env.out.close();
}
