import type { FrozenTrial, TrialState } from './trial.js';

export type Direction = 'minimize' | 'maximize';

/**
 * What a sampler or pruner sees of a study: its definition and a read-only view of its trials.
 * The service builds it from its per-study cache; algorithms never write to it.
 */
export interface StudyView {
  readonly id: number;
  readonly name: string;
  readonly directions: readonly Direction[];
  /** The seed every trial's randomness derives from. */
  readonly seed: number;
  /**
   * Trials in number order, optionally only those in `states`. The returned array must not be mutated
   * (it may be shared with the cache).
   */
  getTrials(states?: readonly TrialState[]): ReadonlyArray<FrozenTrial>;
}

/** A StudyView over a fixed list of trials (tests, benchmarks, filtered views such as Hyperband brackets). */
export function studyViewOf(
  base: Pick<StudyView, 'id' | 'name' | 'directions' | 'seed'>,
  trials: ReadonlyArray<FrozenTrial>,
): StudyView {
  const byStates = new Map<string, ReadonlyArray<FrozenTrial>>();
  return {
    id: base.id,
    name: base.name,
    directions: base.directions,
    seed: base.seed,
    getTrials(states) {
      if (!states) return trials;
      const key = [...states].sort().join(',');
      let found = byStates.get(key);
      if (!found) {
        const wanted = new Set(states);
        found = trials.filter((t) => wanted.has(t.state));
        byStates.set(key, found);
      }
      return found;
    },
  };
}
