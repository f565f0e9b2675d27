import type { Distribution, ParamValue } from '../../src/core/distribution.js';
import { type Direction, type StudyView, studyViewOf } from '../../src/core/study.js';
import type { FrozenTrial } from '../../src/core/trial.js';

/** A trial for algorithm tests: COMPLETE with no params unless told otherwise. */
export function makeTrial(
  partial: Partial<FrozenTrial> & {
    number: number;
    /** Shorthand: params as [distribution, internal value]. */
    paramsWith?: Record<string, [Distribution, number]>;
    /** Shorthand: intermediate values as [step, value] pairs. */
    curve?: ReadonlyArray<readonly [number, number]>;
  },
): FrozenTrial {
  const params: Record<string, ParamValue> = {};
  const internalParams: Record<string, number> = {};
  const distributions: Record<string, Distribution> = {};
  for (const [name, [d, x]] of Object.entries(partial.paramsWith ?? {})) {
    params[name] = d.kind === 'categorical' ? d.choices[x] : x;
    internalParams[name] = x;
    distributions[name] = d;
  }
  const { paramsWith: _p, curve, ...rest } = partial;
  return {
    id: partial.number + 1,
    state: 'COMPLETE',
    params,
    internalParams,
    distributions,
    values: null,
    intermediateValues: new Map(curve ?? []),
    constraints: null,
    userAttrs: {},
    systemAttrs: {},
    startedAt: null,
    completedAt: null,
    ...rest,
  };
}

/** A study view over `trials` for algorithm tests. */
export function makeStudy(trials: FrozenTrial[], options: { directions?: Direction[]; seed?: number } = {}): StudyView {
  return studyViewOf({ id: 1, name: 'test', directions: options.directions ?? ['minimize'], seed: options.seed ?? 0 }, trials);
}
