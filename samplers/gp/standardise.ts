/** (v - mean) / sd, with sd floored so constant outputs give zeros rather than NaN. */
export function standardise(v: Float64Array): { values: Float64Array; mean: number; sd: number } {
  const n = v.length;
  if (n === 0) return { values: new Float64Array(0), mean: 0, sd: 1 };
  let mean = 0;
  for (const x of v) mean += x;
  mean /= n;
  let ss = 0;
  for (const x of v) ss += (x - mean) * (x - mean);
  let sd = Math.sqrt(ss / n);
  if (!(sd > 1e-10 * Math.max(1, Math.abs(mean))) || !Number.isFinite(sd)) sd = 1;
  return { values: Float64Array.from(v, (x) => (x - mean) / sd), mean, sd };
}
