// @ts-check
/** @param {import('./env').HelloEnv} env */
async function main(env) {
  console.log('hello from an isolated component');
  console.log('env holds:', Object.keys(env).join(', '));
}
