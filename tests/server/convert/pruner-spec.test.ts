import { describe, expect, it } from 'vitest';
import type { PrunerSpec as WirePrunerSpec } from '../../../src/generated/hpo/v1/pruner.js';
import { prunerSpecFromWire, prunerSpecToWire } from '../../../src/server/convert/pruner-spec.js';
import { fieldOf } from './field-of.js';

describe('prunerSpecFromWire', () => {
  it('takes an unset pruner as nop, and rejects a PrunerSpec with no kind', () => {
    expect(prunerSpecFromWire(undefined, 'pruner')).toEqual({ kind: 'nop' });
    expect(fieldOf(() => prunerSpecFromWire({ kind: undefined }, 'pruner'))).toBe('pruner');
  });

  it('carries every option of every pruner and round-trips', () => {
    const cases: Array<[WirePrunerSpec, unknown]> = [
      [{ kind: { $case: 'nop', value: {} } }, { kind: 'nop' }],
      [
        { kind: { $case: 'median', value: { nStartupTrials: 1, nWarmupSteps: 2, intervalSteps: 3, nMinTrials: 4 } } },
        { kind: 'median', options: { nStartupTrials: 1, nWarmupSteps: 2, intervalSteps: 3, nMinTrials: 4 } },
      ],
      [
        { kind: { $case: 'percentile', value: { percentile: 25, nStartupTrials: 1, nWarmupSteps: 2, intervalSteps: 3, nMinTrials: 4 } } },
        { kind: 'percentile', options: { percentile: 25, nStartupTrials: 1, nWarmupSteps: 2, intervalSteps: 3, nMinTrials: 4 } },
      ],
      [
        { kind: { $case: 'successiveHalving', value: { minResource: 1, reductionFactor: 3, minEarlyStoppingRate: 0, bootstrapCount: 2 } } },
        { kind: 'successiveHalving', options: { minResource: 1, reductionFactor: 3, minEarlyStoppingRate: 0, bootstrapCount: 2 } },
      ],
      [{ kind: { $case: 'successiveHalving', value: {} } }, { kind: 'successiveHalving', options: {} }],
      [
        { kind: { $case: 'hyperband', value: { minResource: 1, maxResource: 81, reductionFactor: 3, bootstrapCount: 0 } } },
        { kind: 'hyperband', options: { minResource: 1, maxResource: 81, reductionFactor: 3, bootstrapCount: 0 } },
      ],
      [
        { kind: { $case: 'threshold', value: { lower: -1, upper: 5, nWarmupSteps: 1, intervalSteps: 2 } } },
        { kind: 'threshold', options: { lower: -1, upper: 5, nWarmupSteps: 1, intervalSteps: 2 } },
      ],
      [
        {
          kind: {
            $case: 'patient',
            value: { patience: 3, minDelta: 0.01, wrapped: { kind: { $case: 'median', value: { nStartupTrials: 2 } } } },
          },
        },
        { kind: 'patient', options: { patience: 3, minDelta: 0.01, wrapped: { kind: 'median', options: { nStartupTrials: 2 } } } },
      ],
      [{ kind: { $case: 'patient', value: { patience: 2 } } }, { kind: 'patient', options: { patience: 2 } }],
    ];
    for (const [wire, domain] of cases) {
      const spec = prunerSpecFromWire(wire, 'pruner');
      expect(spec).toEqual(domain);
      expect(prunerSpecFromWire(prunerSpecToWire(spec), 'pruner')).toEqual(domain);
    }
  });

  it('names bad options, including inside a wrapped pruner', () => {
    expect(fieldOf(() => prunerSpecFromWire({ kind: { $case: 'percentile', value: { percentile: 101 } } }, 'pruner'))).toBe(
      'pruner.percentile.percentile',
    );
    expect(fieldOf(() => prunerSpecFromWire({ kind: { $case: 'percentile', value: { percentile: NaN } } }, 'pruner'))).toBe(
      'pruner.percentile.percentile',
    );
    expect(fieldOf(() => prunerSpecFromWire({ kind: { $case: 'threshold', value: {} } }, 'pruner'))).toBe('pruner.threshold');
    expect(fieldOf(() => prunerSpecFromWire({ kind: { $case: 'threshold', value: { upper: Infinity } } }, 'pruner'))).toBe(
      'pruner.threshold.upper',
    );
    expect(fieldOf(() => prunerSpecFromWire({ kind: { $case: 'threshold', value: { lower: 2, upper: 1 } } }, 'pruner'))).toBe(
      'pruner.threshold.lower',
    );
    expect(
      fieldOf(() => prunerSpecFromWire({ kind: { $case: 'patient', value: { patience: 1, wrapped: { kind: undefined } } } }, 'pruner')),
    ).toBe('pruner.patient.wrapped');
    expect(
      fieldOf(() =>
        prunerSpecFromWire(
          { kind: { $case: 'patient', value: { patience: 1, wrapped: { kind: { $case: 'percentile', value: { percentile: -1 } } } } } },
          'pruner',
        ),
      ),
    ).toBe('pruner.patient.wrapped.percentile.percentile');
  });
});
