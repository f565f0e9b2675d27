import { describe, expect, it } from 'vitest';
import type { Distribution, SearchSpace } from '../../../src/core/distribution.js';
import { sampleTrialStart } from '../../../src/core/sample-params.js';
import type { FrozenTrial } from '../../../src/core/trial.js';
import { neighbourBandwidths } from '../../../samplers/tpe/bandwidth.js';
import { ObservationTable } from '../../../samplers/tpe/observation-table.js';
import { paramDomainOf } from '../../../samplers/tpe/param-domain.js';
import { TpeSampler } from '../../../samplers/tpe/tpe-sampler.js';
import { makeStudy, makeTrial } from '../../support/make-trial.js';

const space: SearchSpace = {
  x: { kind: 'float', low: -10, high: 10, log: false },
  lr: { kind: 'float', low: 1e-4, high: 1, log: true },
  n: { kind: 'int', low: 0, high: 10, log: false, step: 1 },
  opt: { kind: 'categorical', choices: ['a', 'b', 'c'] },
};
const names = Object.keys(space);

function trialAt(number: number, seed: number, state: FrozenTrial['state'] = 'COMPLETE'): FrozenTrial {
  const u = (k: number) => ((Math.sin(seed * 97.1 + number * 13.7 + k * 7.3) + 1) / 2) % 1;
  const x = -10 + 20 * u(1);
  const lr = Math.exp(Math.log(1e-4) + u(2) * Math.log(1e4));
  const n = Math.floor(u(3) * 11);
  const opt = Math.floor(u(4) * 3) % 3;
  return makeTrial({
    number,
    state,
    values: state === 'COMPLETE' ? [(x - 3) ** 2 + n + opt] : null,
    paramsWith: { x: [space.x, x], lr: [space.lr, lr], n: [space.n, n], opt: [space.opt, opt] },
  });
}

/** What the table lists for `pool`: the usable trials' numbers and their axis columns. */
function snapshot(table: ObservationTable, excluded: number) {
  const { trials, rows } = table.usable(excluded);
  const at = Int32Array.from(rows, (_, k) => k);
  return { numbers: trials.map((t) => t.number), columns: table.columns(rows, at).map((c) => Array.from(c)) };
}

const freshTable = () => new ObservationTable(names, space, names.map((n) => paramDomainOf(space[n] as Distribution)));

describe('ObservationTable', () => {
  it('after a sequence of pools lists exactly what a table synced once to the last pool lists', () => {
    const kept = freshTable();
    let pool = Array.from({ length: 30 }, (_, i) => trialAt(i, 1, i % 7 === 3 ? 'RUNNING' : 'COMPLETE'));
    kept.sync(pool);
    const steps: ((p: FrozenTrial[]) => FrozenTrial[])[] = [
      // a running trial finishes: a new object with the same number
      (p) => p.map((t) => (t.number === 3 ? { ...t, state: 'COMPLETE', values: [1.5] } : t)),
      // a trial leaves the view (e.g. it failed) and two new ones arrive
      (p) => [...p.filter((t) => t.number !== 10), trialAt(30, 1, 'RUNNING'), trialAt(31, 1)],
      // a trial is replaced by one without a parameter, another by one with a categorical index out of range
      (p) => p.map((t) => (t.number === 5 ? makeTrial({ number: 5, values: [0], paramsWith: { x: [space.x, 1] } }) : t.number === 6 ? { ...t, internalParams: { ...t.internalParams, opt: 7 } } : t)),
      // the same trials in new objects (a reloaded cache) and one parameter value changed
      (p) => p.map((t) => (t.number === 12 ? { ...t, internalParams: { ...t.internalParams, x: -9.5 } } : { ...t })),
      // the pool shrinks to its first half
      (p) => p.slice(0, 15),
    ];
    for (const step of steps) {
      pool = step(pool);
      kept.sync(pool);
      const fresh = freshTable();
      fresh.sync(pool);
      for (const excluded of [-1, 3, 31]) expect(snapshot(kept, excluded)).toEqual(snapshot(fresh, excluded));
    }
  });

  it('reads values on the estimators axes: log-transformed, clipped to the box, categorical indices kept', () => {
    const table = freshTable();
    const t = makeTrial({ number: 0, values: [0], paramsWith: { x: [space.x, 12], lr: [space.lr, 0.01], n: [space.n, 4], opt: [space.opt, 2] } });
    table.sync([t]);
    const { columns } = snapshot(table, -1);
    // x = 12 lies outside [-10, 10]: the kernels see it on the box's edge.
    expect(columns).toEqual([[10], [Math.log(0.01)], [4], [2]]);
  });
});

describe('TpeSampler memos', () => {
  const ask = (sampler: TpeSampler, trials: FrozenTrial[], number: number) =>
    sampleTrialStart(sampler, makeStudy(trials, { seed: 9 }), makeTrial({ number, state: 'RUNNING' }), space).internal;

  for (const multivariate of [true, false]) {
    it(`give every ask exactly a fresh sampler's suggestion while trials change state, leave and arrive (multivariate ${multivariate})`, () => {
      const kept = new TpeSampler({ multivariate });
      let trials = Array.from({ length: 60 }, (_, i) => trialAt(i, 2, i % 9 === 4 ? 'RUNNING' : 'COMPLETE'));
      for (let step = 0; step < 12; step++) {
        const number = 100 + step;
        expect(ask(kept, trials, number)).toEqual(ask(new TpeSampler({ multivariate }), trials, number));
        // the next ask's history: a running trial completes, one is pruned, one fails (leaves the pool), one arrives
        const running = trials.find((t) => t.state === 'RUNNING');
        trials = trials
          .map((t) => (t === running ? { ...t, state: 'COMPLETE' as const, values: [step % 3] } : t))
          .map((t) => (t.number === 7 * step + 1 ? { ...t, state: 'PRUNED' as const, intermediateValues: new Map([[1, 2]]) } : t))
          .filter((t) => t.number !== 5 * step + 2)
          // a snapshot under an old number with other values (the memo must key on the trial, not its number)
          .map((t) => (t.number === 3 * step ? { ...t, internalParams: { ...t.internalParams, x: -t.internalParams.x } } : t));
        trials.push(trialAt(60 + step, 2, step % 2 === 0 ? 'RUNNING' : 'COMPLETE'));
      }
    });
  }

  it('gives the same suggestion when the same history is asked twice and after an unrelated history', () => {
    const kept = new TpeSampler();
    const a = Array.from({ length: 40 }, (_, i) => trialAt(i, 3));
    const b = Array.from({ length: 40 }, (_, i) => trialAt(i, 4));
    const first = ask(kept, a, 50);
    ask(kept, b, 50);
    expect(ask(kept, a, 50)).toEqual(first);
    expect(ask(new TpeSampler(), a, 50)).toEqual(first);
  });
});

describe('ObservationTable kept order', () => {
  const one: SearchSpace = { x: { kind: 'int', low: 0, high: 20, log: false, step: 1 } };
  const domains = [paramDomainOf(one.x as Distribution)];
  const at = (n: number) => Int32Array.from({ length: n }, (_, k) => k);
  const trialWith = (number: number, x: number, state: FrozenTrial['state'] = 'COMPLETE') =>
    makeTrial({ number, state, values: state === 'COMPLETE' ? [x] : null, paramsWith: { x: [one.x, x] } });

  /** What the estimator computes without the table: the neighbour rule on the values and the prior's centre. */
  function freshWidths(values: number[], considerEndpoints: boolean): number[] {
    const withPrior = Float64Array.from([...values, 0.5 * (domains[0].kind === 'numeric' ? domains[0].low + domains[0].high : 0)]);
    const d = domains[0];
    if (d.kind !== 'numeric') throw new Error('numeric axis expected');
    return Array.from(neighbourBandwidths(withPrior, d.low, d.high, considerEndpoints).subarray(0, values.length));
  }

  it('gives the neighbour widths a sort gives, as trials arrive, leave and change between syncs (ties included)', () => {
    const table = new ObservationTable(['x'], one, domains);
    // integer values in [0, 20]: many ties, and the prior's centre (10) among them
    let pool = Array.from({ length: 40 }, (_, i) => trialWith(i, (i * 7) % 21));
    for (let step = 0; step < 15; step++) {
      table.sync(pool);
      const { trials, rows } = table.usable(-1);
      // every other usable trial, as the split's bad set would pick a subset
      const subset = Int32Array.from(trials.flatMap((_, k) => (k % 3 === 1 ? [] : [k])));
      const values = Array.from(subset, (k) => trials[k].internalParams.x);
      for (const considerEndpoints of [false, true]) {
        const widths = table.neighbourWidths(rows, subset, considerEndpoints)[0];
        expect(widths && Array.from(widths)).toEqual(freshWidths(values, considerEndpoints));
      }
      pool = pool
        .filter((t) => t.number !== 3 * step + 1)
        .map((t) => (t.number === 2 * step ? trialWith(t.number, (step * 5) % 21) : t))
        .concat(step % 4 === 0 ? Array.from({ length: 30 }, (_, k) => trialWith(100 + 40 * step + k, (k * 11) % 21)) : [trialWith(100 + 40 * step, step % 21)]);
    }
  });

  it('matches the sort on float values, and gives no order when a value is NaN', () => {
    const floats: SearchSpace = { x: { kind: 'float', low: -1, high: 1, log: false } };
    const d = [paramDomainOf(floats.x as Distribution)];
    const table = new ObservationTable(['x'], floats, d);
    const pool = Array.from({ length: 25 }, (_, i) => makeTrial({ number: i, values: [0], paramsWith: { x: [floats.x, Math.sin(i * 1.7)] } }));
    table.sync(pool);
    const { trials, rows } = table.usable(-1);
    const all = at(trials.length);
    const withPrior = Float64Array.from([...trials.map((t) => t.internalParams.x), 0]);
    expect(Array.from(table.neighbourWidths(rows, all, false)[0]!)).toEqual(Array.from(neighbourBandwidths(withPrior, -1, 1, false).subarray(0, trials.length)));
    table.sync([...pool, makeTrial({ number: 99, values: [0], paramsWith: { x: [floats.x, NaN] } })]);
    const after = table.usable(-1);
    expect(table.neighbourWidths(after.rows, at(after.trials.length), false)[0]).toBeUndefined();
  });
});
