export interface Reading {
  sensor: string;
  celsius: number;
}

export function summarize(readings: readonly Reading[]): string[] {
  const bySensor = new Map<string, number[]>();
  for (const r of readings) {
    bySensor.set(r.sensor, [...(bySensor.get(r.sensor) ?? []), r.celsius]);
  }
  return [...bySensor].map(([sensor, values]) => `${sensor}: mean ${(values.reduce((a, b) => a + b, 0) / values.length).toFixed(2)} of ${values.length}`);
}
