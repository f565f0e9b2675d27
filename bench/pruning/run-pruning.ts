import type { FloatDistribution, SearchSpace } from '../../src/core/distribution.js';
import type { Pruner } from '../../src/core/pruner.js';
import { createSampler } from '../../samplers/create-sampler.js';
import { parseSamplerArg } from '../quality/sampler-arg.js';
import { InMemoryStudy } from '../support/in-memory-study.js';
import type { FrozenTrial } from '../../src/core/trial.js';
import { type CurveModel, reportedLoss, timeConstant } from './learning-curves.js';

/** One benchmark run: a sampler and a pruner with a seed, until `budget` training steps are spent. */
export interface PruningTask {
  readonly sampler: string;
  readonly pruner: string;
  readonly seed: number;
  readonly budget: number;
  readonly workers: number;
}

/** A trial that ran to the end: when (steps spent so far, all workers) and with which final values. */
export interface Completion {
  readonly stepsSpent: number;
  readonly value: number;
  readonly trueValue: number;
}

export interface PruningRun extends PruningTask {
  readonly completions: Completion[];
  readonly trialsStarted: number;
  readonly trialsPruned: number;
  readonly seconds: number;
}

interface Slot {
  trial: FrozenTrial;
  x: number[];
  tau: number;
  step: number;
}

/** The declared search space of the curve model's function: float params x0, x1, … in its box. */
function spaceOf(model: CurveModel): SearchSpace {
  const space: Record<string, FloatDistribution> = {};
  model.fn.bounds.forEach(([low, high], i) => (space[`x${i}`] = { kind: 'float', low, high, log: false }));
  return space;
}

/**
 * Simulates `workers` asynchronous workers on one in-memory study (the server's sampling flow and pruner
 * contract): each worker trains its trial one step per tick and reports; pruned trials are told PRUNED and the
 * worker asks for the next one at once; a trial that reaches the last step is told COMPLETE with its last value.
 * The run stops when the step budget is spent; trials still in flight then are not counted as completed.
 * `observe` (diagnostics) gets the study at the end and each trial's configuration by trial number.
 */
export function runPruning(
  task: PruningTask,
  model: CurveModel,
  pruner: Pruner,
  observe?: (study: InMemoryStudy, points: ReadonlyMap<number, readonly number[]>) => void,
): PruningRun {
  const sampler = createSampler(parseSamplerArg(task.sampler));
  const study = new InMemoryStudy(['minimize'], task.seed, sampler, pruner);
  const space = spaceOf(model);
  const names = Object.keys(space);
  const slots: (Slot | undefined)[] = Array.from({ length: task.workers }, () => undefined);
  const completions: Completion[] = [];
  let spent = 0;
  let started = 0;
  let pruned = 0;
  const points = new Map<number, number[]>();
  const t0 = performance.now();
  while (spent < task.budget) {
    for (let w = 0; w < slots.length && spent < task.budget; w++) {
      let slot = slots[w];
      if (!slot) {
        const trial = study.ask(space);
        const x = names.map((name) => trial.params[name] as number);
        slot = { trial, x, tau: timeConstant(model, x), step: 0 };
        points.set(trial.number, x);
        slots[w] = slot;
        started++;
      }
      slot.step++;
      spent++;
      const value = reportedLoss(model, slot.x, slot.step, task.seed, String(slot.trial.number), slot.tau);
      const decision = study.report(slot.trial, slot.step, value);
      if (slot.step >= model.maxSteps) {
        study.tell(slot.trial, 'COMPLETE', [value]);
        completions.push({ stepsSpent: spent, value, trueValue: model.fn.f(slot.x) });
        slots[w] = undefined;
      } else if (decision.prune) {
        study.tell(slot.trial, 'PRUNED');
        pruned++;
        slots[w] = undefined;
      }
    }
  }
  observe?.(study, points);
  return { ...task, completions, trialsStarted: started, trialsPruned: pruned, seconds: (performance.now() - t0) / 1000 };
}
