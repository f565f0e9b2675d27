import { InvalidArgumentError } from '../../core/errors.js';
import type { PrunerSpec as WirePrunerSpec } from '../../generated/hpo/v1/pruner.js';
import { DEFAULT_PRUNER_SPEC, type PrunerSpec } from '../../../pruners/pruner-spec.js';
import { compact } from './compact.js';
import { optionalFinite, requireFinite } from './wire-checks.js';

/** Patient pruners may wrap patient pruners; a few levels is plenty, more is a client bug. */
const MAX_PRUNER_NESTING = 4;

/**
 * The study's pruner. Unset means no pruning; a PrunerSpec message with no kind set is an error (inside a
 * patient pruner too, where "prune on patience alone" is said by leaving `wrapped` unset).
 * Option ranges are checked by createPruner.
 */
export function prunerSpecFromWire(spec: WirePrunerSpec | undefined, field: string, depth = 0): PrunerSpec {
  if (spec === undefined) return DEFAULT_PRUNER_SPEC;
  if (depth > MAX_PRUNER_NESTING) throw new InvalidArgumentError(field, `pruners nest at most ${MAX_PRUNER_NESTING} deep`);
  const kind = spec.kind;
  switch (kind?.$case) {
    case 'nop':
      return { kind: 'nop' };
    case 'median': {
      const o = kind.value;
      return {
        kind: 'median',
        options: compact({
          nStartupTrials: o.nStartupTrials,
          nWarmupSteps: o.nWarmupSteps,
          intervalSteps: o.intervalSteps,
          nMinTrials: o.nMinTrials,
        }),
      };
    }
    case 'percentile': {
      const o = kind.value;
      const percentile = requireFinite(o.percentile, `${field}.percentile.percentile`);
      if (percentile < 0 || percentile > 100)
        throw new InvalidArgumentError(`${field}.percentile.percentile`, `must be in [0, 100], got ${percentile}`);
      return {
        kind: 'percentile',
        options: compact({
          percentile,
          nStartupTrials: o.nStartupTrials,
          nWarmupSteps: o.nWarmupSteps,
          intervalSteps: o.intervalSteps,
          nMinTrials: o.nMinTrials,
        }),
      };
    }
    case 'successiveHalving': {
      const o = kind.value;
      return {
        kind: 'successiveHalving',
        options: compact({
          minResource: o.minResource,
          reductionFactor: o.reductionFactor,
          minEarlyStoppingRate: o.minEarlyStoppingRate,
          bootstrapCount: o.bootstrapCount,
        }),
      };
    }
    case 'hyperband': {
      const o = kind.value;
      return {
        kind: 'hyperband',
        options: compact({
          minResource: o.minResource,
          maxResource: o.maxResource,
          reductionFactor: o.reductionFactor,
          bootstrapCount: o.bootstrapCount,
        }),
      };
    }
    case 'threshold': {
      const o = kind.value;
      const f = `${field}.threshold`;
      // An unset bound already means "no bound"; ±Infinity would not survive the study's JSON column anyway.
      optionalFinite(o.lower, `${f}.lower`);
      optionalFinite(o.upper, `${f}.upper`);
      if (o.lower === undefined && o.upper === undefined)
        throw new InvalidArgumentError(f, 'at least one of lower and upper must be set');
      if (o.lower !== undefined && o.upper !== undefined && o.lower > o.upper)
        throw new InvalidArgumentError(`${f}.lower`, `lower (${o.lower}) must be <= upper (${o.upper})`);
      return {
        kind: 'threshold',
        options: compact({ lower: o.lower, upper: o.upper, nWarmupSteps: o.nWarmupSteps, intervalSteps: o.intervalSteps }),
      };
    }
    case 'patient': {
      const o = kind.value;
      const f = `${field}.patient`;
      return {
        kind: 'patient',
        options: compact({
          wrapped: o.wrapped === undefined ? undefined : prunerSpecFromWire(o.wrapped, `${f}.wrapped`, depth + 1),
          patience: o.patience,
          minDelta: optionalFinite(o.minDelta, `${f}.min_delta`),
        }),
      };
    }
    case undefined:
      throw new InvalidArgumentError(
        field,
        'must have one of nop, median, percentile, successive_halving, hyperband, threshold, patient set (or be left unset for no pruning)',
      );
  }
}

export function prunerSpecToWire(spec: PrunerSpec): WirePrunerSpec {
  switch (spec.kind) {
    case 'nop':
      return { kind: { $case: 'nop', value: {} } };
    case 'median':
      return { kind: { $case: 'median', value: { ...spec.options } } };
    case 'percentile':
      return { kind: { $case: 'percentile', value: { ...spec.options } } };
    case 'successiveHalving':
      return { kind: { $case: 'successiveHalving', value: { ...spec.options } } };
    case 'hyperband':
      return { kind: { $case: 'hyperband', value: { ...spec.options } } };
    case 'threshold':
      return { kind: { $case: 'threshold', value: { ...spec.options } } };
    case 'patient': {
      const { wrapped, ...rest } = spec.options;
      return {
        kind: { $case: 'patient', value: { ...rest, wrapped: wrapped === undefined ? undefined : prunerSpecToWire(wrapped) } },
      };
    }
  }
}
