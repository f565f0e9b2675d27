import type { Distribution } from '../../src/core/distribution.js';

/**
 * The internal value of `d` at the quantile u in [0, 1): the map that turns a point of the unit cube into
 * parameters, uniform (log-uniform for log distributions) over the distribution's values, so equal shares of
 * the cube go to equal shares of the range, grid cells and categories.
 */
export function unitToDistribution(d: Distribution, u: number): number {
  const v = Math.min(Math.max(u, 0), 1 - Number.EPSILON / 2);
  switch (d.kind) {
    case 'categorical':
      return Math.min(d.choices.length - 1, Math.floor(v * d.choices.length));
    case 'float': {
      if (d.log) {
        const x = Math.exp(Math.log(d.low) + v * (Math.log(d.high) - Math.log(d.low)));
        return Math.min(d.high, Math.max(d.low, x));
      }
      if (d.step !== undefined) {
        const n = Math.round((d.high - d.low) / d.step);
        return Math.min(d.high, d.low + Math.min(n, Math.floor(v * (n + 1))) * d.step);
      }
      return Math.min(d.high, d.low + v * (d.high - d.low));
    }
    case 'int': {
      if (d.log) {
        // NOTE: widened by half a unit in log space, as Optuna does for log ints, so each integer gets the
        // share its log-width says and the end points are not halved.
        const lo = Math.log(d.low - 0.5);
        const hi = Math.log(d.high + 0.5);
        const x = Math.round(Math.exp(lo + v * (hi - lo)));
        return Math.min(d.high, Math.max(d.low, x));
      }
      const n = (d.high - d.low) / d.step;
      return d.low + Math.min(n, Math.floor(v * (n + 1))) * d.step;
    }
  }
}
