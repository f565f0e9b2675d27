import { describe, expect, it } from 'vitest';
import type { Distribution } from '../../../src/core/distribution.js';
import { createRng } from '../../../src/core/rng.js';
import { paramDomainOf } from '../../../samplers/tpe/param-domain.js';
import { ParzenEstimator, type ParzenOptions } from '../../../samplers/tpe/parzen-estimator.js';
import { logNormalCdf, logNormalMass, normalCdf, normalQuantile } from '../../../samplers/tpe/normal.js';

const univariate: ParzenOptions = {
  considerPrior: true,
  priorWeight: 1,
  considerMagicClip: true,
  considerEndpoints: false,
  multivariate: false,
  bandwidth: 'optuna',
  bandwidthFactor: 1,
  clipScale: 1,
};
const multivariate: ParzenOptions = { ...univariate, multivariate: true, bandwidth: 'spread' };

const float: Distribution = { kind: 'float', low: -2, high: 3, log: false };
const logFloat: Distribution = { kind: 'float', low: 1e-3, high: 10, log: true };

function estimator(ds: Distribution[], obs: number[][], options: ParzenOptions, weights?: number[]) {
  const domains = ds.map(paramDomainOf);
  const cols = domains.map((d, j) => Float64Array.from(obs.map((o) => (d.kind === 'numeric' && d.log ? Math.log(o[j]) : o[j]))));
  return new ParzenEstimator(domains, cols, Float64Array.from(weights ?? obs.map(() => 1)), options);
}

/** ∫ exp(logPdf) over [low, high] by the midpoint rule on `n` cells. */
function integrate1d(e: ParzenEstimator, low: number, high: number, n = 20000): number {
  const xs = new Float64Array(n);
  const h = (high - low) / n;
  for (let i = 0; i < n; i++) xs[i] = low + (i + 0.5) * h;
  return e.logPdf([xs]).reduce((s, v) => s + Math.exp(v) * h, 0);
}

describe('normal distribution helpers', () => {
  it('matches known values of Φ and Φ⁻¹', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.959963985)).toBeCloseTo(0.975, 6);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963985, 6);
    expect(normalQuantile(1e-10)).toBeCloseTo(-6.361340902, 4);
  });

  it('keeps log masses finite far in the tails where Φ differences underflow', () => {
    // Φ(-40) ≈ 3.7e-350 underflows a double; its log does not.
    expect(logNormalCdf(-40)).toBeCloseTo(-804.608, 2);
    const tail = logNormalMass(40, 41);
    expect(Number.isFinite(tail)).toBe(true);
    expect(tail).toBeCloseTo(logNormalCdf(-40), 1);
  });
});

describe('ParzenEstimator', () => {
  it('is a density that integrates to one over a float box', () => {
    const e = estimator([float], [[-1.9], [0.5], [0.6], [2.9]], univariate);
    expect(integrate1d(e, -2, 3)).toBeCloseTo(1, 4);
  });

  it('integrates to one over a log box in log space', () => {
    const e = estimator([logFloat], [[0.002], [0.1], [5]], univariate);
    expect(integrate1d(e, Math.log(1e-3), Math.log(10))).toBeCloseTo(1, 4);
  });

  it('puts total mass one on the values of an int grid and of a stepped float', () => {
    const int: Distribution = { kind: 'int', low: 0, high: 10, log: false, step: 2 };
    const e = estimator([int], [[0], [4], [10]], univariate);
    const values = Float64Array.from([0, 2, 4, 6, 8, 10]);
    expect(e.logPdf([values]).reduce((s, v) => s + Math.exp(v), 0)).toBeCloseTo(1, 6);
    // Repeated centres sharing one width (multivariate): the copied per-component masses still normalise.
    const shared = estimator([int], [[4], [4], [0], [4], [10], [0]], multivariate);
    expect(shared.logPdf([values]).reduce((s, v) => s + Math.exp(v), 0)).toBeCloseTo(1, 6);
    const stepped: Distribution = { kind: 'float', low: 0, high: 1, log: false, step: 0.25 };
    const f = estimator([stepped], [[0.25], [0.75]], univariate);
    expect(f.logPdf([Float64Array.from([0, 0.25, 0.5, 0.75, 1])]).reduce((s, v) => s + Math.exp(v), 0)).toBeCloseTo(1, 6);
  });

  it('gives a grid point the same log-pdf whether it repeats among the points or is scored alone', () => {
    const int: Distribution = { kind: 'int', low: 0, high: 10, log: false, step: 1 };
    const obs = [[-1.5, 0], [2.5, 3], [0.5, 3], [1, 10], [-2, 7]];
    const e = estimator([float, int], obs, multivariate);
    const xs = Float64Array.from([0.1, -1, 2.9, 0.1, 1.7]);
    const ns = Float64Array.from([3, 3, 5, 3, 10]);
    const together = e.logPdf([xs, ns]);
    for (let i = 0; i < xs.length; i++) {
      expect(Object.is(e.logPdf([xs.subarray(i, i + 1), ns.subarray(i, i + 1)])[0], together[i])).toBe(true);
    }
  });

  it('puts total mass one on the choices of a categorical', () => {
    const cat: Distribution = { kind: 'categorical', choices: ['a', 'b', 'c'] };
    const e = estimator([cat], [[0], [0], [2]], univariate);
    const p = Array.from(e.logPdf([Float64Array.from([0, 1, 2])]), Math.exp);
    expect(p.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 10);
    expect(p[0]).toBeGreaterThan(p[2]);
    expect(p[2]).toBeGreaterThan(p[1]);
  });

  it('integrates to one jointly over a 2-D box (multivariate kernels)', () => {
    const e = estimator([float, { kind: 'float', low: 0, high: 1, log: false }], [[0, 0.2], [1, 0.9], [2.5, 0.5]], multivariate);
    const n = 300;
    const xs = new Float64Array(n * n);
    const ys = new Float64Array(n * n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        xs[i * n + j] = -2 + ((i + 0.5) * 5) / n;
        ys[i * n + j] = (j + 0.5) / n;
      }
    const cell = (5 / n) * (1 / n);
    expect(e.logPdf([xs, ys]).reduce((s, v) => s + Math.exp(v) * cell, 0)).toBeCloseTo(1, 3);
  });

  it('gives the log-pdf of the direct formula: weighted truncated Gaussians plus the prior', () => {
    // One observation at 0.5 in [-2, 3]; univariate rule: neighbours are the prior centre 0.5 and the box ends.
    const e = estimator([float], [[0.5]], univariate);
    const phi = (z: number) => Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
    const Phi = normalCdf;
    const trunc = (x: number, mu: number, s: number) => phi((x - mu) / s) / s / (Phi((3 - mu) / s) - Phi((-2 - mu) / s));
    // Sorted centres with ends: [-2, 0.5 (obs), 0.5 (prior centre), 3]. Without considerEndpoints the first
    // centre's width is its right gap, 0, raised to the magic-clip floor 5 / min(100, 1 + 2); the prior is N(0.5, 5²).
    const sigmaObs = 5 / 3;
    for (const x of [-1.7, 0, 0.5, 2.2]) {
      const direct = 0.5 * trunc(x, 0.5, sigmaObs) + 0.5 * trunc(x, 0.5, 5);
      expect(e.logPdf([Float64Array.from([x])])[0]).toBeCloseTo(Math.log(direct), 6);
    }
  });

  it('weighs components by the given weights', () => {
    const heavyLeft = estimator([float], [[-1.5], [2.5]], { ...univariate, considerPrior: false }, [9, 1]);
    const [left, right] = heavyLeft.logPdf([Float64Array.from([-1.5, 2.5])]);
    expect(left).toBeGreaterThan(right + Math.log(4));
  });

  it('samples stay inside the box and on the step grid', () => {
    const int: Distribution = { kind: 'int', low: -3, high: 12, log: false, step: 3 };
    const logInt: Distribution = { kind: 'int', low: 1, high: 1000, log: true, step: 1 };
    const stepped: Distribution = { kind: 'float', low: 0, high: 1, log: false, step: 0.1 };
    const ds = [float, logFloat, int, logInt, stepped];
    const e = estimator(ds, [[2.99, 9.9, 12, 1000, 1], [-1.99, 0.0011, -3, 1, 0]], multivariate);
    const pts = e.sample(createRng(7), 2000);
    const domains = ds.map(paramDomainOf);
    for (let i = 0; i < 2000; i++) {
      expect(pts[0][i]).toBeGreaterThanOrEqual(-2);
      expect(pts[0][i]).toBeLessThanOrEqual(3);
      expect(pts[1][i]).toBeGreaterThanOrEqual(Math.log(1e-3));
      expect(pts[1][i]).toBeLessThanOrEqual(Math.log(10));
      expect([-3, 0, 3, 6, 9, 12]).toContain(pts[2][i]);
      expect(pts[3][i]).toBeGreaterThanOrEqual(domains[3].kind === 'numeric' ? domains[3].low : 0);
      const k = pts[4][i] / 0.1;
      expect(Math.abs(k - Math.round(k))).toBeLessThan(1e-9);
      expect(pts[4][i]).toBeGreaterThanOrEqual(0);
      expect(pts[4][i]).toBeLessThanOrEqual(1 + 1e-12);
    }
  });

  it('draws more often near heavily weighted observations', () => {
    const leftShare = (weights: number[]) => {
      const e = estimator([float], [[-1.5], [2.5]], { ...univariate, considerPrior: false }, weights);
      return e.sample(createRng(3), 4000)[0].filter((x) => x < 0.5).length / 4000;
    };
    expect(leftShare([9, 1])).toBeGreaterThan(0.6);
    expect(leftShare([9, 1])).toBeGreaterThan(leftShare([1, 9]) + 0.3);
  });
});
