import { describe, expect, it } from 'vitest';
import type { Distribution } from '../../../src/core/distribution.js';
import { createRng, type Rng } from '../../../src/core/rng.js';
import { certifiedArgmaxRatio } from '../../../samplers/tpe/certified-argmax.js';
import { paramDomainOf } from '../../../samplers/tpe/param-domain.js';
import { ParzenEstimator, type Points } from '../../../samplers/tpe/parzen-estimator.js';
import { MULTIVARIATE_PARZEN_OPTIONS } from './support/parzen-options.js';

const options = MULTIVARIATE_PARZEN_OPTIONS;

const spaces: Record<string, Distribution[]> = {
  floats: [
    { kind: 'float', low: -5, high: 5, log: false },
    { kind: 'float', low: 0, high: 15, log: false },
  ],
  manyFloats: Array.from({ length: 6 }, () => ({ kind: 'float', low: -1, high: 1, log: false }) as Distribution),
  mixed: [
    { kind: 'float', low: -10, high: 10, log: false },
    { kind: 'int', low: 0, high: 10, log: false, step: 1 },
    { kind: 'categorical', choices: ['a', 'b', 'c'] },
  ],
  int: [{ kind: 'int', low: 0, high: 4, log: false, step: 1 }],
};

function observations(ds: Distribution[], n: number, rng: Rng): Points {
  return ds.map((d) => {
    const domain = paramDomainOf(d);
    return Float64Array.from({ length: n }, () => {
      if (domain.kind === 'categorical') return rng.int(domain.nChoices);
      if (domain.step !== undefined) return domain.low + domain.step / 2 + domain.step * rng.int(Math.round((domain.high - domain.low) / domain.step));
      return domain.low + (domain.high - domain.low) * rng.random();
    });
  });
}

/** The plain computation the sampler used before: argmax of logL − logG over all candidates, first wins. */
function plainArgmax(logL: Float64Array, logG: Float64Array): number {
  let best = 0;
  let bestScore = -Infinity;
  for (let i = 0; i < logL.length; i++) {
    const s = logL[i] - logG[i];
    if (s > bestScore) {
      bestScore = s;
      best = i;
    }
  }
  return best;
}

describe('certifiedArgmaxRatio', () => {
  it('picks the same candidate as the exact computation, over many estimators and candidate sets', () => {
    let checked = 0;
    for (const [name, ds] of Object.entries(spaces)) {
      const domains = ds.map(paramDomainOf);
      for (let seed = 0; seed < 40; seed++) {
        const rng = createRng(seed, 0, 'certified-argmax-test', name);
        const n = 20 + rng.int(400);
        const l = new ParzenEstimator(domains, observations(ds, 8, rng), new Float64Array(8).fill(1), options);
        const g = new ParzenEstimator(domains, observations(ds, n, rng), new Float64Array(n).map(() => 0.1 + rng.random()), options);
        const candidates = l.sample(rng, 24, 0.25);
        const logL = l.logPdf(candidates);
        expect(certifiedArgmaxRatio(logL, g, candidates)).toBe(plainArgmax(logL, g.logPdf(candidates)));
        checked++;
      }
    }
    expect(checked).toBe(160);
  });

  it('breaks exact ties between identical candidates towards the lower index, as the exact computation does', () => {
    const ds = spaces.int;
    const domains = ds.map(paramDomainOf);
    const rng = createRng(1, 0, 'ties');
    const g = new ParzenEstimator(domains, observations(ds, 300, rng), new Float64Array(300).fill(1), options);
    // Every candidate on one of five grid values: many identical points, and equal l for all of them.
    const candidates: Points = [Float64Array.from({ length: 24 }, (_, i) => 0.5 + ((i * 7) % 5))];
    const logL = new Float64Array(24).fill(-1);
    expect(certifiedArgmaxRatio(logL, g, candidates)).toBe(plainArgmax(logL, g.logPdf(candidates)));
  });

  it('falls back to exact scores when two distinct candidates are closer than the bounds can separate', () => {
    const ds = spaces.floats;
    const domains = ds.map(paramDomainOf);
    const rng = createRng(2, 0, 'near-ties');
    const g = new ParzenEstimator(domains, observations(ds, 2000, rng), new Float64Array(2000).fill(1), options);
    // Two points a few ulps apart score within 1e-15 of each other: only the exact sums can order them.
    for (let trial = 0; trial < 20; trial++) {
      const x = -5 + 10 * rng.random();
      const y = 15 * rng.random();
      const candidates: Points = [Float64Array.of(x, x + 4 * Number.EPSILON * Math.max(1, Math.abs(x)), 0), Float64Array.of(y, y, 7)];
      const logL = Float64Array.of(0, 0, -50);
      expect(certifiedArgmaxRatio(logL, g, candidates)).toBe(plainArgmax(logL, g.logPdf(candidates)));
    }
  });

  it('gives the exact answer when some scores are not finite', () => {
    const ds = spaces.floats;
    const domains = ds.map(paramDomainOf);
    const rng = createRng(3, 0, 'infinite');
    const g = new ParzenEstimator(domains, observations(ds, 100, rng), new Float64Array(100).fill(1), options);
    const candidates: Points = [Float64Array.of(0, 1, 2), Float64Array.of(1, 2, 3)];
    for (const logL of [Float64Array.of(-Infinity, -Infinity, -Infinity), Float64Array.of(-Infinity, 0, -Infinity), Float64Array.of(NaN, -3, -2)]) {
      expect(certifiedArgmaxRatio(logL, g, candidates)).toBe(plainArgmax(logL, g.logPdf(candidates)));
    }
  });
});
