/** Quantile by linear interpolation between order statistics (numpy's default), of an unsorted sample. */
export function quantile(sample: readonly number[], q: number): number {
  if (sample.length === 0) return NaN;
  const s = [...sample].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}

/** Median and interquartile range of a sample. */
export function medianIqr(sample: readonly number[]): { median: number; q1: number; q3: number } {
  return { median: quantile(sample, 0.5), q1: quantile(sample, 0.25), q3: quantile(sample, 0.75) };
}

/** A number in 4 significant digits (exponent form for very small or large values). */
export function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a < 1e-3 || a >= 1e5) return x.toExponential(2);
  return Number(x.toPrecision(4)).toString();
}
