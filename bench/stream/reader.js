async function main(env) {
  let n = 0, sum = 0;
  for await (const m of env.in) { n++; sum += m[0]; }
  console.log('read', n, sum);
}
