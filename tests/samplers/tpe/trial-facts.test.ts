import { describe, expect, it } from 'vitest';
import type { Distribution, SearchSpace } from '../../../src/core/distribution.js';
import type { FrozenTrial, TrialState } from '../../../src/core/trial.js';
import { fractionGamma, optunaGamma } from '../../../samplers/tpe/gamma.js';
import { ObservationTable } from '../../../samplers/tpe/observation-table.js';
import { paramDomainOf } from '../../../samplers/tpe/param-domain.js';
import { splitTrials } from '../../../samplers/tpe/split-trials.js';
import { makeTrial } from '../../support/make-trial.js';

const x: Distribution = { kind: 'float', low: 0, high: 1, log: false };
const space: SearchSpace = { x };
const STATES: TrialState[] = ['COMPLETE', 'COMPLETE', 'COMPLETE', 'PRUNED', 'RUNNING', 'FAIL', 'WAITING'];

/** Trials of every state, with odd values (NaN, empty or missing values, two values) and constraints. */
function mixedTrials(n: number, seed: number, withConstraints: boolean): FrozenTrial[] {
  let s = seed;
  const rand = () => ((s = (s * 16807) % 2147483647) / 2147483647);
  return Array.from({ length: n }, (_, number) => {
    const state = STATES[Math.floor(rand() * STATES.length)];
    const u = rand();
    const values = state !== 'COMPLETE' ? null : u < 0.05 ? [NaN] : u < 0.08 ? [] : u < 0.1 ? null : u < 0.12 ? [1, 2] : [Math.round(rand() * 20) / 4];
    const constraints = !withConstraints || rand() < 0.2 ? null : [rand() - 0.7, rand() < 0.05 ? NaN : -1];
    const curve: [number, number][] = state === 'PRUNED' ? [[1, rand()], [Math.floor(rand() * 4), rand()]] : [];
    return makeTrial({ number, state, values, constraints, curve, paramsWith: { x: [x, rand()] } });
  });
}

describe('the split over the observation table facts', () => {
  it('is the split over the trial objects, for every state, odd values, constraints and both directions', () => {
    for (const withConstraints of [false, true]) {
      for (const seed of [1, 2, 3, 4]) {
        const trials = mixedTrials(400, seed, withConstraints);
        const table = new ObservationTable(['x'], space, [paramDomainOf(x)]);
        // Synced twice with some objects replaced, so facts are both read afresh and carried with their rows.
        table.sync(trials.slice(0, 300));
        const later = trials.map((t, i) => (i % 7 === 0 ? { ...t } : t));
        table.sync(later);
        const { trials: usable, rows } = table.usable(-1);
        expect(usable).toEqual(later);
        expect(table.anyConstraints(rows)).toBe(later.some((t) => t.constraints !== null));
        for (const direction of ['minimize', 'maximize'] as const) {
          for (const gamma of [optunaGamma, fractionGamma(0.5)]) {
            for (const constraintsEnabled of [false, true]) {
              const plain = splitTrials(usable, [direction], gamma, constraintsEnabled);
              const viaFacts = splitTrials(usable, [direction], gamma, constraintsEnabled, { facts: table.splitFacts(), rows });
              expect(viaFacts).toEqual(plain);
              expect(plain.below.length).toBeGreaterThan(0);
            }
          }
        }
      }
    }
  });
});
