import { describe, expect, it } from 'vitest';
import type { Pruner } from '../../src/core/pruner.js';
import { PatientPruner } from '../../pruners/patient.js';
import { makeStudy, makeTrial } from '../support/make-trial.js';

const curve = (values: number[]) => makeTrial({ number: 0, state: 'RUNNING', curve: values.map((v, i) => [i, v] as [number, number]) });
const decide = (p: Pruner, values: number[], directions: ('minimize' | 'maximize')[] = ['minimize']) => {
  const t = curve(values);
  return p.prune(makeStudy([t], { directions }), t, values.length - 1);
};

describe('PatientPruner', () => {
  it('prunes after patience reports that are all worse than the earlier best (minimize)', () => {
    const p = new PatientPruner({ patience: 2, minDelta: 0 });
    expect(decide(p, [1, 2, 2]).prune).toBe(false); // too few reports
    expect(decide(p, [1, 2, 2, 2]).prune).toBe(true);
    expect(decide(p, [1, 2, 0.9, 2]).prune).toBe(false);
  });

  it('treats a change within minDelta as no improvement only when the recent best is worse by more than it', () => {
    const p = new PatientPruner({ patience: 1, minDelta: 0.5 });
    expect(decide(p, [1, 1.4, 1.4]).prune).toBe(false);
    expect(decide(p, [1, 1.6, 1.6]).prune).toBe(true);
  });

  it('flips for maximize studies', () => {
    const p = new PatientPruner({ patience: 1, minDelta: 0 });
    expect(decide(p, [5, 4, 4], ['maximize']).prune).toBe(true);
    expect(decide(p, [5, 4, 6], ['maximize']).prune).toBe(false);
  });

  it('never reads a stretch of NaN as stagnation', () => {
    const p = new PatientPruner({ patience: 1, minDelta: 0 });
    expect(decide(p, [1, Number.NaN, Number.NaN]).prune).toBe(false);
  });

  it('asks the wrapped pruner once out of patience, and only then', () => {
    let asked = 0;
    const wrapped: Pruner = {
      supportsMultiObjective: false,
      prune: () => {
        asked++;
        return { prune: false, reason: 'wrapped says keep', systemAttrs: { seen: true } };
      },
    };
    const p = new PatientPruner({ patience: 1, minDelta: 0 }, wrapped);
    expect(decide(p, [1, 0.5, 0.4]).prune).toBe(false);
    expect(asked).toBe(0);
    const d = decide(p, [1, 2, 2]);
    expect(asked).toBe(1);
    expect(d).toMatchObject({ prune: false, systemAttrs: { seen: true } });
  });
});
