// Summary statistics of some numbers, kept in a shared region as float64s, then read back through a
// read-only attenuation of the region. Written in TypeScript: a classic script (no import or
// export statement, so the compiled stats.js is one too) whose env type comes from env.d.ts.

type Env = import('./env').StatsEnv;

interface Summary {
  count: number;
  mean: number;
  min: number;
  max: number;
}

function summarize(values: readonly number[]): Summary {
  let sum = 0, min = Infinity, max = -Infinity;
  for (const v of values) {
    sum += v;
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  return { count: values.length, mean: sum / values.length, min, max };
}

async function main(env: Env): Promise<void> {
  const s = summarize([3, 1, 4, 1, 5, 9, 2, 6, 5, 3]);
  // Read and write rights: the region is the shared ArrayBuffer itself.
  new Float64Array(env.table.buffer, 0, 4).set([s.count, s.mean, s.min, s.max]);
  // A read-only attenuation has no buffer and no write (tsc says so); read() returns a copy.
  const readOnly: ReadOnlyRegion = env.table.attenuate('read');
  const [count, mean, min, max] = new Float64Array(readOnly.read(0, 32).buffer);
  console.log(`count ${count}, mean ${mean}, min ${min}, max ${max}`);
}
