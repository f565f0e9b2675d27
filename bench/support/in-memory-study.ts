import type { SearchSpace } from '../../src/core/distribution.js';
import type { Json } from '../../src/core/json.js';
import type { PruneDecision, Pruner } from '../../src/core/pruner.js';
import { sampleTrialStart, suggestParam, withParam } from '../../src/core/sample-params.js';
import type { Sampler } from '../../src/core/sampler.js';
import { type Direction, type StudyView, studyViewOf } from '../../src/core/study.js';
import { blankTrial, type FrozenTrial, type TrialState } from '../../src/core/trial.js';

/**
 * A study kept in memory for benchmarks: the same sampling flow (sampleTrialStart / suggestParam) and the same
 * pruner contract the server uses, without storage or network. Trials may be asked before others are told, so
 * benchmarks can model several workers (RUNNING trials are visible to the sampler, as on the server).
 */
export class InMemoryStudy {
  private readonly trials: FrozenTrial[] = [];
  private nextId = 1;

  constructor(
    readonly directions: readonly Direction[],
    readonly seed: number,
    private readonly sampler: Sampler,
    private readonly pruner?: Pruner,
  ) {}

  /** The study as samplers and pruners see it (a fresh snapshot each call). */
  view(): StudyView {
    return studyViewOf({ id: 1, name: 'bench', directions: this.directions, seed: this.seed }, [...this.trials]);
  }

  allTrials(): readonly FrozenTrial[] {
    return this.trials;
  }

  /** Starts a trial and samples `space` jointly, as the server's Ask does. */
  ask(space: SearchSpace): FrozenTrial {
    const fresh = blankTrial({ id: this.nextId++, number: this.trials.length, state: 'RUNNING' });
    this.trials.push(fresh);
    const view = this.samplerView(fresh);
    const chosen = sampleTrialStart(this.sampler, view, fresh, space);
    let trial: FrozenTrial = { ...fresh, systemAttrs: { ...chosen.systemAttrs } };
    for (const [name, d] of Object.entries(space)) trial = withParam(trial, name, d, chosen.internal[name]);
    this.replace(trial);
    return trial;
  }

  /** Define-by-run: one more parameter for a running trial. */
  suggest(trial: FrozenTrial, name: string, space: SearchSpace): FrozenTrial {
    const current = this.trials[trial.number];
    const d = space[name];
    const x = suggestParam(this.sampler, this.samplerView(current), current, name, d, `params.${name}`);
    const next = withParam(current, name, d, x);
    this.replace(next);
    return next;
  }

  /** Records an intermediate value and asks the pruner, as the server's Report does. */
  report(trial: FrozenTrial, step: number, value: number): PruneDecision {
    const current = this.trials[trial.number];
    const intermediateValues = new Map(current.intermediateValues);
    intermediateValues.set(step, value);
    let next: FrozenTrial = { ...current, intermediateValues };
    this.replace(next);
    if (!this.pruner) return { prune: false, reason: 'no pruner' };
    const decision = this.pruner.prune(this.view(), next, step);
    if (decision.systemAttrs) {
      next = { ...next, systemAttrs: { ...next.systemAttrs, ...decision.systemAttrs } };
      this.replace(next);
    }
    return decision;
  }

  /** Finishes a trial. PRUNED without values takes the last intermediate value, as the server does. */
  tell(trial: FrozenTrial, state: Exclude<TrialState, 'WAITING' | 'RUNNING'>, values?: readonly number[], constraints?: readonly number[]): FrozenTrial {
    const current = this.trials[trial.number];
    let finalValues: readonly number[] | null = values ?? null;
    if (state === 'PRUNED' && !values && current.intermediateValues.size > 0) {
      const lastStep = Math.max(...current.intermediateValues.keys());
      finalValues = [current.intermediateValues.get(lastStep)!];
    }
    if (state === 'FAIL') finalValues = null;
    const next: FrozenTrial = { ...current, state, values: finalValues, constraints: constraints ?? null };
    this.replace(next);
    return next;
  }

  setSystemAttr(trial: FrozenTrial, key: string, value: Json): void {
    const current = this.trials[trial.number];
    this.replace({ ...current, systemAttrs: { ...current.systemAttrs, [key]: value } });
  }

  private samplerView(trial: FrozenTrial): StudyView {
    const view = this.view();
    return this.pruner?.samplerView ? this.pruner.samplerView(view, trial) : view;
  }

  private replace(trial: FrozenTrial): void {
    this.trials[trial.number] = trial;
  }
}
