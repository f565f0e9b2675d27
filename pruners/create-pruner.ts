import { InvalidArgumentError } from '../src/core/errors.js';
import type { Pruner } from '../src/core/pruner.js';
import { HyperbandPruner } from './hyperband.js';
import { MedianPruner } from './median.js';
import { NopPruner } from './nop.js';
import { PatientPruner } from './patient.js';
import { PercentilePruner } from './percentile.js';
import type { PrunerSpec } from './pruner-spec.js';
import { SuccessiveHalvingPruner } from './successive-halving.js';
import { ThresholdPruner } from './threshold.js';

/** The proto field name of each kind, for error messages (`pruner.successive_halving.reduction_factor`). */
const WIRE_NAME: Record<PrunerSpec['kind'], string> = {
  nop: 'nop',
  median: 'median',
  percentile: 'percentile',
  successiveHalving: 'successive_halving',
  hyperband: 'hyperband',
  threshold: 'threshold',
  patient: 'patient',
};

/**
 * Builds a pruner from its spec, validating the options (InvalidArgumentError naming the field).
 * `nObjectives` lets a pruner that cannot handle several objectives refuse clearly at study creation.
 * `field` is the spec's path in the request (nested for the patient pruner's wrapped pruner).
 */
export function createPruner(spec: PrunerSpec, nObjectives: number, field = 'pruner'): Pruner {
  const at = `${field}.${WIRE_NAME[spec.kind] ?? spec.kind}`;
  let pruner: Pruner;
  switch (spec.kind) {
    case 'nop':
      pruner = new NopPruner();
      break;
    case 'median':
    case 'percentile': {
      const o = spec.options ?? {};
      const common = {
        nStartupTrials: count(o.nStartupTrials, 5, 0, `${at}.n_startup_trials`),
        nWarmupSteps: count(o.nWarmupSteps, 0, 0, `${at}.n_warmup_steps`),
        intervalSteps: count(o.intervalSteps, 1, 1, `${at}.interval_steps`),
        nMinTrials: count(o.nMinTrials, 1, 1, `${at}.n_min_trials`),
      };
      if (spec.kind === 'median') pruner = new MedianPruner(common);
      else {
        const p = spec.options?.percentile;
        if (typeof p !== 'number' || !Number.isFinite(p) || p < 0 || p > 100) {
          throw new InvalidArgumentError(`${at}.percentile`, `must be a number in [0, 100], got ${p}`);
        }
        pruner = new PercentilePruner({ ...common, percentile: p });
      }
      break;
    }
    case 'successiveHalving': {
      const o = spec.options ?? {};
      const minResource = o.minResource === undefined ? undefined : count(o.minResource, 1, 1, `${at}.min_resource`);
      const bootstrapCount = count(o.bootstrapCount, 0, 0, `${at}.bootstrap_count`);
      pruner = new SuccessiveHalvingPruner({
        minResource,
        reductionFactor: count(o.reductionFactor, 4, 2, `${at}.reduction_factor`),
        minEarlyStoppingRate: count(o.minEarlyStoppingRate, 0, 0, `${at}.min_early_stopping_rate`),
        bootstrapCount,
      });
      break;
    }
    case 'hyperband': {
      const o = spec.options ?? {};
      const minResource = o.minResource === undefined ? undefined : count(o.minResource, 1, 1, `${at}.min_resource`);
      const maxResource = o.maxResource === undefined ? undefined : count(o.maxResource, 1, 1, `${at}.max_resource`);
      if (maxResource !== undefined && minResource !== undefined && maxResource < minResource) {
        throw new InvalidArgumentError(`${at}.max_resource`, `must be at least min_resource (${minResource}), got ${maxResource}`);
      }
      pruner = new HyperbandPruner({
        minResource,
        maxResource,
        reductionFactor: count(o.reductionFactor, 3, 2, `${at}.reduction_factor`),
        bootstrapCount: count(o.bootstrapCount, 0, 0, `${at}.bootstrap_count`),
      });
      break;
    }
    case 'threshold': {
      const o = spec.options ?? {};
      const lower = bound(o.lower, `${at}.lower`);
      const upper = bound(o.upper, `${at}.upper`);
      if (lower === undefined && upper === undefined) {
        throw new InvalidArgumentError(at, 'set lower, upper or both');
      }
      if (lower !== undefined && upper !== undefined && lower > upper) {
        throw new InvalidArgumentError(`${at}.lower`, `must not exceed upper (${upper}), got ${lower}`);
      }
      pruner = new ThresholdPruner({
        lower: lower ?? Number.NEGATIVE_INFINITY,
        upper: upper ?? Number.POSITIVE_INFINITY,
        nWarmupSteps: count(o.nWarmupSteps, 0, 0, `${at}.n_warmup_steps`),
        intervalSteps: count(o.intervalSteps, 1, 1, `${at}.interval_steps`),
      });
      break;
    }
    case 'patient': {
      const o = spec.options ?? ({} as Partial<typeof spec.options>);
      if (o.patience === undefined) throw new InvalidArgumentError(`${at}.patience`, 'is required');
      const patience = count(o.patience, 0, 0, `${at}.patience`);
      const minDelta = o.minDelta ?? 0;
      if (typeof minDelta !== 'number' || !Number.isFinite(minDelta) || minDelta < 0) {
        throw new InvalidArgumentError(`${at}.min_delta`, `must be a finite number >= 0, got ${minDelta}`);
      }
      const wrapped = o.wrapped ? createPruner(o.wrapped, nObjectives, `${at}.wrapped`) : undefined;
      pruner = new PatientPruner({ patience, minDelta }, wrapped);
      break;
    }
    default:
      throw new InvalidArgumentError(field, `unknown pruner kind ${(spec as { kind: unknown }).kind}`);
  }
  if (nObjectives > 1 && !pruner.supportsMultiObjective) {
    throw new InvalidArgumentError(field, `the ${spec.kind} pruner does not support studies with several objectives`);
  }
  return pruner;
}

/** An optional non-negative integer option with a default and a minimum. */
function count(value: number | undefined, fallback: number, min: number, field: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new InvalidArgumentError(field, `must be an integer >= ${min}, got ${value}`);
  }
  return value;
}

/** An optional bound: any number but NaN (±Infinity mean "no bound"). */
function bound(value: number | undefined, field: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || Number.isNaN(value)) throw new InvalidArgumentError(field, `must be a number, got ${value}`);
  return value;
}
