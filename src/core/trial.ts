import type { Distribution, ParamValue } from './distribution.js';
import type { Json } from './json.js';

export type TrialState = 'WAITING' | 'RUNNING' | 'COMPLETE' | 'PRUNED' | 'FAIL';

export const FINISHED_STATES: readonly TrialState[] = ['COMPLETE', 'PRUNED', 'FAIL'];

export function isFinished(state: TrialState): boolean {
  return state === 'COMPLETE' || state === 'PRUNED' || state === 'FAIL';
}

/**
 * A read-only snapshot of a trial, as samplers, pruners and the service see it.
 * Params are kept twice: the user's value and the sampler's internal number (index for categoricals).
 */
export interface FrozenTrial {
  /** Globally unique id. */
  readonly id: number;
  /** Dense per-study number: 0, 1, 2, … */
  readonly number: number;
  readonly state: TrialState;
  readonly params: Readonly<Record<string, ParamValue>>;
  readonly internalParams: Readonly<Record<string, number>>;
  readonly distributions: Readonly<Record<string, Distribution>>;
  /** One value per objective once COMPLETE (or PRUNED with a value); null before. */
  readonly values: readonly number[] | null;
  /** Intermediate values by step, in step order. */
  readonly intermediateValues: ReadonlyMap<number, number>;
  /** Constraint values told by the worker (<= 0 satisfied); null when none. */
  readonly constraints: readonly number[] | null;
  readonly userAttrs: Readonly<Record<string, Json>>;
  /** What samplers and pruners asked to remember (grid id, rung reached, relative params, …). */
  readonly systemAttrs: Readonly<Record<string, Json>>;
  readonly startedAt: Date | null;
  readonly completedAt: Date | null;
}

/** The last reported step of a trial, or undefined when it reported nothing. */
export function lastStep(trial: FrozenTrial): number | undefined {
  let last: number | undefined;
  for (const step of trial.intermediateValues.keys()) if (last === undefined || step > last) last = step;
  return last;
}

/**
 * Where the trial numbered `number` is in `list` (sorted by number), or where it would go: a binary search, since
 * a study's lists hold thousands of trials.
 */
export function searchByNumber(list: readonly FrozenTrial[], number: number): { found: boolean; index: number } {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid].number < number) lo = mid + 1;
    else hi = mid;
  }
  return { found: lo < list.length && list[lo].number === number, index: lo };
}

const NO_VALUES: ReadonlyMap<number, number> = new Map();

/** A trial with nothing recorded yet (no params, values, attributes or times), to start a new trial from. */
export function blankTrial(fields: Pick<FrozenTrial, 'id' | 'number' | 'state'> & Partial<FrozenTrial>): FrozenTrial {
  return {
    params: {},
    internalParams: {},
    distributions: {},
    values: null,
    intermediateValues: NO_VALUES,
    constraints: null,
    userAttrs: {},
    systemAttrs: {},
    startedAt: null,
    completedAt: null,
    ...fields,
  };
}
