import type { Json } from '../../src/core/json.js';
import type { PruneDecision, Pruner } from '../../src/core/pruner.js';
import type { Direction, StudyView } from '../../src/core/study.js';
import type { FrozenTrial } from '../../src/core/trial.js';
import { makeStudy, makeTrial } from '../support/make-trial.js';

/**
 * A hand-driven history for stateful pruners: report() applies the decision's system attributes to the trial,
 * as the service does in the same transaction.
 */
export class PrunerDriver {
  readonly trials: FrozenTrial[] = [];

  constructor(
    readonly pruner: Pruner,
    readonly directions: Direction[] = ['minimize'],
    readonly seed = 0,
  ) {}

  study(): StudyView {
    return makeStudy([...this.trials], { directions: this.directions, seed: this.seed });
  }

  start(): number {
    this.trials.push(makeTrial({ number: this.trials.length, state: 'RUNNING' }));
    return this.trials.length - 1;
  }

  report(number: number, step: number, value: number): PruneDecision {
    const t = this.trials[number];
    const intermediateValues = new Map(t.intermediateValues).set(step, value);
    this.trials[number] = { ...t, intermediateValues };
    const d = this.pruner.prune(this.study(), this.trials[number], step);
    if (d.systemAttrs) this.trials[number] = { ...this.trials[number], systemAttrs: { ...this.trials[number].systemAttrs, ...d.systemAttrs } };
    return d;
  }

  finish(number: number, state: 'COMPLETE' | 'PRUNED' = 'COMPLETE'): void {
    const t = this.trials[number];
    const steps = [...t.intermediateValues.keys()];
    const last = steps.length ? t.intermediateValues.get(Math.max(...steps))! : 0;
    this.trials[number] = { ...t, state, values: [last] };
  }

  attr(number: number, key: string): Json | undefined {
    return this.trials[number].systemAttrs[key];
  }
}
