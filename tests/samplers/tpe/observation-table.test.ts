import { describe, expect, it } from 'vitest';
import type { Distribution, SearchSpace } from '../../../src/core/distribution.js';
import { sampleTrialStart } from '../../../src/core/sample-params.js';
import type { FrozenTrial } from '../../../src/core/trial.js';
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
