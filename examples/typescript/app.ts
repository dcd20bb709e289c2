// A TypeScript component: the host strips the types at start (no build step) and errors point at
// this file's lines. Run it with `./b8g run examples/typescript/app.ts`, or through app.txtpb.
// env.d.ts (the AppEnv type) comes from `./b8g types examples/typescript/app.txtpb`; the host
// only strips types, it does not check them.
import { summarize, type Reading } from './stats';

export async function main(env: import('./env').AppEnv): Promise<void> {
  const readings: Reading[] = [
    { sensor: 'north', celsius: 12.5 },
    { sensor: 'south', celsius: 17.25 },
    { sensor: 'north', celsius: 13.5 },
  ];
  for (const line of summarize(readings)) {
    console.log(line);
  }
}
