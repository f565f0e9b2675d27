import {
  containsInternal,
  describeDistribution,
  distributionsEqual,
  type Distribution,
  type SearchSpace,
  toInternal,
  type ParamValue,
} from './distribution.js';
import { InternalError, InvalidArgumentError } from './errors.js';
import type { Json } from './json.js';
import type { Sampler } from './sampler.js';
import type { StudyView } from './study.js';
import type { FrozenTrial } from './trial.js';

/**
 * System attribute keys the sampling flow keeps with a trial. Relative params are sampled when the trial
 * starts and used later by define-by-run suggests (possibly on another server process), so they are stored.
 */
export const RELATIVE_PARAMS_ATTR = 'relative_params';
export const RELATIVE_SPACE_ATTR = 'relative_space';
/** Params fixed by enqueue (user values), used before anything is sampled. */
export const FIXED_PARAMS_ATTR = 'fixed_params';

/** Parameters chosen for a trial: internal values, and the system attributes to store with it. */
export interface ChosenParams {
  readonly internal: Readonly<Record<string, number>>;
  readonly systemAttrs: Readonly<Record<string, Json>>;
}

/**
 * The start of a trial: the joint (relative) sample, then every declared parameter. This is the one code
 * path for sampling; the server and the benchmarks both use it.
 *
 * `trial` is the new trial (RUNNING, its number decided, no params yet, its fixed params in system attrs).
 */
export function sampleTrialStart(
  sampler: Sampler,
  study: StudyView,
  trial: FrozenTrial,
  declared: SearchSpace,
): ChosenParams {
  const space = sampler.inferRelativeSearchSpace(study, trial, declared);
  const relative = sampler.sampleRelative(study, trial, space);
  const relativeParams: Record<string, number> = {};
  const relativeSpace: Record<string, Json> = {};
  for (const [name, x] of Object.entries(relative.params)) {
    const d = space[name];
    if (d && containsInternal(d, x)) {
      relativeParams[name] = x;
      relativeSpace[name] = d as unknown as Json;
    }
  }
  const systemAttrs: Record<string, Json> = { ...(relative.systemAttrs ?? {}) };
  if (Object.keys(relativeParams).length > 0) {
    systemAttrs[RELATIVE_PARAMS_ATTR] = relativeParams;
    systemAttrs[RELATIVE_SPACE_ATTR] = relativeSpace;
  }
  let current: FrozenTrial = { ...trial, systemAttrs: { ...trial.systemAttrs, ...systemAttrs } };
  const internal: Record<string, number> = {};
  for (const [name, d] of Object.entries(declared)) {
    const x = chooseParam(sampler, study, current, name, d, `search_space.${name}`);
    internal[name] = x;
    current = withParam(current, name, d, x);
  }
  return { internal, systemAttrs };
}

/**
 * One define-by-run parameter of a running trial: its existing value (same distribution only), its fixed
 * value, its relative sample, or an independent sample, in that order.
 */
export function suggestParam(
  sampler: Sampler,
  study: StudyView,
  trial: FrozenTrial,
  name: string,
  distribution: Distribution,
  field: string,
): number {
  const existing = trial.distributions[name];
  if (existing) {
    if (!distributionsEqual(existing, distribution))
      throw new InvalidArgumentError(
        `${field}.distribution`,
        `parameter "${name}" was already suggested in trial ${trial.number} with ${describeDistribution(existing)}; ` +
          `a different distribution (${describeDistribution(distribution)}) is not allowed`,
      );
    return trial.internalParams[name];
  }
  return chooseParam(sampler, study, trial, name, distribution, field);
}

function chooseParam(
  sampler: Sampler,
  study: StudyView,
  trial: FrozenTrial,
  name: string,
  d: Distribution,
  field: string,
): number {
  const fixed = trial.systemAttrs[FIXED_PARAMS_ATTR] as Readonly<Record<string, ParamValue>> | undefined;
  if (fixed && Object.prototype.hasOwnProperty.call(fixed, name)) {
    return toInternal(d, fixed[name], `${field} (enqueued value)`);
  }
  const relParams = trial.systemAttrs[RELATIVE_PARAMS_ATTR] as Readonly<Record<string, number>> | undefined;
  const relSpace = trial.systemAttrs[RELATIVE_SPACE_ATTR] as unknown as Readonly<Record<string, Distribution>> | undefined;
  if (relParams && relSpace && name in relParams && relSpace[name] && distributionsEqual(relSpace[name], d)) {
    return relParams[name];
  }
  const x = sampler.sampleIndependent(study, trial, name, d);
  if (!containsInternal(d, x)) {
    throw new InternalError(`sampler returned ${x} for "${name}", outside ${describeDistribution(d)}`);
  }
  return x;
}

/** The trial with one more parameter (for the next parameter's sampling in the same call). */
export function withParam(trial: FrozenTrial, name: string, d: Distribution, x: number): FrozenTrial {
  return {
    ...trial,
    params: { ...trial.params, [name]: d.kind === 'categorical' ? d.choices[x] : x },
    internalParams: { ...trial.internalParams, [name]: x },
    distributions: { ...trial.distributions, [name]: d },
  };
}
