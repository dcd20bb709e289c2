// @ts-check
// Real npm packages in a component: install them with `npm ci` in this directory, then
// `./b8g run examples/npm/app.txtpb` (or `./b8g run examples/npm/app.js`). The host reads the modules app.mjs needs from node_modules at
// start; the component has no file system at run time.
import { z } from 'zod';
import { differenceInCalendarDays, parseISO } from 'date-fns';

const Trip = z.object({ from: z.string().date(), to: z.string().date(), who: z.string().min(1) });

/** @param {import('./env').AppEnv} env */
export function main(env) {
  const trip = Trip.parse({ from: '2026-12-01', to: '2026-12-24', who: 'ada' });
  console.log(`${trip.who} travels for ${differenceInCalendarDays(parseISO(trip.to), parseISO(trip.from))} days`);
  const bad = Trip.safeParse({ from: 'soon', to: '2026-12-24', who: '' });
  console.log('invalid:', bad.error?.issues.map((i) => i.path.join('.')).join(', '));
}
