import { describe, expect, it } from 'vitest';
import type { Distribution } from '../../../src/core/distribution.js';
import { createRng } from '../../../src/core/rng.js';
import { logSumExpBounds } from '../../../samplers/tpe/log-sum-exp-bounds.js';
import { normalCdf } from '../../../samplers/tpe/normal.js';
import { NORMAL_CDF_CHORD_ERROR, normalCdfChord } from '../../../samplers/tpe/normal-cdf-chord.js';
import { paramDomainOf } from '../../../samplers/tpe/param-domain.js';
import { logSumExpOfRow } from '../../../samplers/tpe/component-row-scan.js';
import { ParzenEstimator, type Points } from '../../../samplers/tpe/parzen-estimator.js';
import { MULTIVARIATE_PARZEN_OPTIONS } from './support/parzen-options.js';

const options = MULTIVARIATE_PARZEN_OPTIONS;

describe('normalCdfChord', () => {
  it('stays within its stated error of the fitted Φ everywhere, tails and table edges included', () => {
    const rng = createRng(1, 0, 'chord');
    let worst = 0;
    const zs = [-40, -8.5, -8.4999999, -8.5 + 1 / 1024, -1e-300, 0, 1e-300, 8.4999999, 8.5, 40];
    for (let i = 0; i < 200_000; i++) zs.push(-10 + 20 * rng.random());
    for (const z of zs) worst = Math.max(worst, Math.abs(normalCdfChord(z) - normalCdf(z)));
    expect(worst).toBeLessThan(NORMAL_CDF_CHORD_ERROR / 2);
    expect(worst).toBeGreaterThan(0);
  });
});

describe('logSumExpBounds', () => {
  it('brackets the exact log-sum-exp of rows of many shapes', () => {
    const rng = createRng(2, 0, 'lse');
    const out = new Float64Array(2);
    for (let t = 0; t < 300; t++) {
      const K = 1 + rng.int(t % 3 === 0 ? 20_000 : 300);
      const spread = [0.001, 1, 10, 60][t % 4];
      const offset = [0, -1e3, 1e3, -5e5][t % 4];
      const row = Float64Array.from({ length: K }, () => offset - spread * rng.random());
      if (t % 5 === 0) row.fill(offset); // all terms equal
      let max = -Infinity;
      for (const r of row) max = Math.max(max, r);
      for (const cutNats of [37, 40]) {
        const exact = logSumExpOfRow(row, max, max - cutNats);
        logSumExpBounds(row, max, max - cutNats, out);
        expect(out[0]).toBeLessThanOrEqual(exact);
        expect(out[1]).toBeGreaterThanOrEqual(exact);
        expect(out[1] - out[0]).toBeLessThan(2e-6);
      }
    }
  });
});

describe('ParzenEstimator rows for bounds', () => {
  const spaces: Distribution[][] = [
    [{ kind: 'float', low: -5, high: 5, log: false }],
    [
      { kind: 'float', low: -5, high: 5, log: false },
      { kind: 'float', low: 1e-4, high: 1, log: true },
    ],
    Array.from({ length: 10 }, () => ({ kind: 'float', low: 0, high: 1, log: false }) as Distribution),
    [
      { kind: 'float', low: -10, high: 10, log: false },
      { kind: 'int', low: 0, high: 10, log: false, step: 1 },
      { kind: 'categorical', choices: ['a', 'b', 'c'] },
    ],
    // bench/throughput's space: one grid axis and two plain ones (rows of four candidates per pass).
    [
      { kind: 'float', low: -10, high: 10, log: false },
      { kind: 'float', low: -10, high: 10, log: false },
      { kind: 'int', low: 0, high: 10, log: false, step: 1 },
    ],
  ];

  it('differ from the exact rows by at most rowError on every term that can count', () => {
    let compared = 0;
    spaces.forEach((ds, s) => {
      const domains = ds.map(paramDomainOf);
      for (const multivariate of [true, false]) {
        const rng = createRng(3, s, 'rows', String(multivariate));
        const n = 50 + rng.int(2000);
        const obs: Points = domains.map((d) =>
          Float64Array.from({ length: n }, () =>
            d.kind === 'categorical' ? rng.int(d.nChoices) : d.step !== undefined ? d.low + d.step / 2 + d.step * rng.int(11) : d.low + (d.high - d.low) * rng.random() ** 3,
          ),
        );
        const g = new ParzenEstimator(domains, obs, new Float64Array(n).map(() => 0.05 + rng.random()), { ...options, multivariate: multivariate || ds.length === 1 });
        const points = g.sample(rng, 24);
        const exact: Float64Array[] = [];
        g.scanRows(points, (_, row) => exact.push(Float64Array.from(row)));
        expect(g.boundedBase()).not.toBeNull();
        g.scanRows(
          points,
          (i, row, max) => {
            const allowed = g.rowError(max);
            for (let k = 0; k < row.length; k++) {
              if (row[k] < max - 41) continue;
              expect(Math.abs(row[k] - exact[i][k])).toBeLessThanOrEqual(allowed);
              compared++;
            }
          },
          true,
        );
      }
    });
    expect(compared).toBeGreaterThan(10_000);
  });
});
