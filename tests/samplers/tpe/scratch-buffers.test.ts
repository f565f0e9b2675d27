import { describe, expect, it } from 'vitest';
import type { Distribution } from '../../../src/core/distribution.js';
import { createRng } from '../../../src/core/rng.js';
import { certifiedArgmaxRatio } from '../../../samplers/tpe/certified-argmax.js';
import { paramDomainOf } from '../../../samplers/tpe/param-domain.js';
import { ParzenEstimator, type Points } from '../../../samplers/tpe/parzen-estimator.js';
import { ScratchBuffers } from '../../../samplers/tpe/scratch-buffers.js';
import { MULTIVARIATE_PARZEN_OPTIONS } from './support/parzen-options.js';

const spaces: Distribution[][] = [
  [{ kind: 'float', low: -10, high: 10, log: false }, { kind: 'float', low: -10, high: 10, log: false }, { kind: 'int', low: 0, high: 10, log: false, step: 1 }],
  [{ kind: 'float', low: -5, high: 5, log: false }, { kind: 'float', low: 1e-4, high: 1, log: true }],
  [{ kind: 'float', low: 0, high: 1, log: false }, { kind: 'categorical', choices: ['a', 'b', 'c'] }, { kind: 'float', low: 0, high: 1, log: false, step: 0.1 }],
  Array.from({ length: 5 }, () => ({ kind: 'float', low: -5, high: 5, log: false }) as Distribution),
];

describe('ScratchBuffers', () => {
  it('hand out zeroed arrays that reuse the memory of the step before', () => {
    const scratch = new ScratchBuffers();
    const a = scratch.f64(1000);
    a.fill(7);
    const b = scratch.i32(10);
    b.fill(-1);
    expect(b.buffer).toBe(a.buffer); // carved from one buffer
    scratch.reset();
    const c = scratch.f64(1000);
    expect(c.buffer).toBe(a.buffer);
    expect(c.byteOffset).toBe(a.byteOffset);
    expect(c.every((x) => x === 0)).toBe(true);
    const d = scratch.u8(16);
    expect(d.every((x) => x === 0)).toBe(true);
    const big = scratch.f64(1 << 20); // larger than a buffer: gets its own
    expect(big.length).toBe(1 << 20);
  });

  it('hold a step that outgrew its buffer in one buffer from the next reset on', () => {
    const scratch = new ScratchBuffers();
    const spilled = Array.from({ length: 10 }, () => scratch.f64(20_000)); // 1.6 MB: more than the first buffer
    expect(new Set(spilled.map((a) => a.buffer)).size).toBeGreaterThan(1);
    scratch.reset();
    const again = Array.from({ length: 10 }, () => scratch.f64(20_000));
    expect(new Set(again.map((a) => a.buffer)).size).toBe(1);
  });

  it('give estimators built step after step on one set of buffers the densities, bounds and argmax of fresh ones', () => {
    const rng = createRng(4, 0, 'scratch');
    const scratch = new ScratchBuffers();
    for (let step = 0; step < 24; step++) {
      const space = spaces[step % spaces.length];
      const domains = space.map(paramDomainOf);
      const n = 50 + rng.int(3000);
      const draw = (m: number): Points =>
        domains.map((d) => Float64Array.from({ length: m }, () => {
          if (d.kind === 'categorical') return rng.int(d.nChoices);
          const x = d.low + (d.high - d.low) * rng.random();
          return d.step === undefined ? x : Math.min(d.high - d.step / 2, d.low + d.step / 2 + Math.round((x - d.low - d.step / 2) / d.step) * d.step);
        }));
      const observations = draw(n);
      const weights = Float64Array.from({ length: n }, (_, i) => (i < n - 25 ? 1 / n + i / n : 1));
      const candidates = draw(24);
      const logL = Float64Array.from({ length: 24 }, () => -rng.random());
      const fresh = new ParzenEstimator(domains, observations, weights, MULTIVARIATE_PARZEN_OPTIONS);
      const expected = { logPdf: Array.from(fresh.logPdf(candidates)), argmax: certifiedArgmaxRatio(logL, fresh, candidates), base: fresh.boundedBase() };
      scratch.reset();
      // Dirty the buffers as a previous step would have left them.
      scratch.f64(4 * n + 100, false).fill(123.5);
      scratch.reset();
      const kept = new ParzenEstimator(domains, observations, weights, MULTIVARIATE_PARZEN_OPTIONS, undefined, scratch);
      expect(certifiedArgmaxRatio(logL, kept, candidates)).toBe(expected.argmax);
      expect(Array.from(kept.logPdf(candidates))).toEqual(expected.logPdf);
      const base = kept.boundedBase();
      expect(base === null).toBe(expected.base === null);
      if (base && expected.base) expect(Array.from(base.base)).toEqual(Array.from(expected.base.base));
    }
  });
});
