import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/core/errors.js';
import { createPruner } from '../../pruners/create-pruner.js';
import { HyperbandPruner } from '../../pruners/hyperband.js';
import { MedianPruner } from '../../pruners/median.js';
import { PatientPruner } from '../../pruners/patient.js';
import type { PrunerSpec } from '../../pruners/pruner-spec.js';
import { SuccessiveHalvingPruner } from '../../pruners/successive-halving.js';
import { ThresholdPruner } from '../../pruners/threshold.js';

const fieldOf = (spec: PrunerSpec, nObjectives = 1): string => {
  try {
    createPruner(spec, nObjectives);
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidArgumentError);
    return (e as InvalidArgumentError).field;
  }
  throw new Error('no error');
};

describe('createPruner', () => {
  it('builds every kind with defaults', () => {
    expect(createPruner({ kind: 'median', options: {} }, 1)).toBeInstanceOf(MedianPruner);
    expect(createPruner({ kind: 'successiveHalving', options: {} }, 1)).toBeInstanceOf(SuccessiveHalvingPruner);
    expect(createPruner({ kind: 'hyperband', options: {} }, 1)).toBeInstanceOf(HyperbandPruner);
    expect(createPruner({ kind: 'threshold', options: { upper: 1 } }, 1)).toBeInstanceOf(ThresholdPruner);
    expect(createPruner({ kind: 'patient', options: { patience: 3, wrapped: { kind: 'median', options: {} } } }, 1)).toBeInstanceOf(PatientPruner);
  });

  it('names the offending field in the wire spelling', () => {
    expect(fieldOf({ kind: 'successiveHalving', options: { reductionFactor: 1 } })).toBe('pruner.successive_halving.reduction_factor');
    expect(fieldOf({ kind: 'successiveHalving', options: { minResource: 0 } })).toBe('pruner.successive_halving.min_resource');
    expect(fieldOf({ kind: 'hyperband', options: { minResource: 10, maxResource: 5 } })).toBe('pruner.hyperband.max_resource');
    expect(fieldOf({ kind: 'percentile', options: { percentile: 101 } })).toBe('pruner.percentile.percentile');
    expect(fieldOf({ kind: 'median', options: { intervalSteps: 0 } })).toBe('pruner.median.interval_steps');
    expect(fieldOf({ kind: 'median', options: { nWarmupSteps: 1.5 } })).toBe('pruner.median.n_warmup_steps');
    expect(fieldOf({ kind: 'threshold', options: {} })).toBe('pruner.threshold');
    expect(fieldOf({ kind: 'threshold', options: { lower: 2, upper: 1 } })).toBe('pruner.threshold.lower');
    expect(fieldOf({ kind: 'threshold', options: { lower: Number.NaN } })).toBe('pruner.threshold.lower');
    expect(fieldOf({ kind: 'patient', options: { patience: -1 } })).toBe('pruner.patient.patience');
    expect(fieldOf({ kind: 'patient', options: { patience: 1, minDelta: -1 } })).toBe('pruner.patient.min_delta');
    expect(fieldOf({ kind: 'patient', options: { patience: 1, wrapped: { kind: 'successiveHalving', options: { reductionFactor: 0 } } } })).toBe(
      'pruner.patient.wrapped.successive_halving.reduction_factor',
    );
  });

  it('refuses single-objective pruners for several objectives and accepts nop and threshold', () => {
    for (const spec of [
      { kind: 'median', options: {} },
      { kind: 'successiveHalving', options: {} },
      { kind: 'hyperband', options: {} },
      { kind: 'patient', options: { patience: 2 } },
    ] as PrunerSpec[]) {
      expect(fieldOf(spec, 2)).toBe('pruner');
    }
    expect(() => createPruner({ kind: 'nop' }, 2)).not.toThrow();
    expect(() => createPruner({ kind: 'threshold', options: { upper: 1 } }, 2)).not.toThrow();
  });
});
