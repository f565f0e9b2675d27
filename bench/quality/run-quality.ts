import type { FloatDistribution, SearchSpace } from '../../src/core/distribution.js';
import { createSampler } from '../../samplers/create-sampler.js';
import { InMemoryStudy } from '../support/in-memory-study.js';
import type { BenchFunction } from './functions.js';
import { parseSamplerArg } from './sampler-arg.js';

/** One optimisation run: a sampler on a function with a seed. */
export interface QualityTask {
  readonly sampler: string;
  readonly fn: string;
  readonly seed: number;
  readonly trials: number;
}

/** Its outcome: best-so-far regret after every trial, and the time the whole run took. */
export interface QualityRun extends QualityTask {
  readonly bestRegret: number[];
  readonly seconds: number;
}

/** The declared search space of a suite function: float params x0, x1, … in its box. */
export function searchSpaceOf(fn: BenchFunction): SearchSpace {
  const space: Record<string, FloatDistribution> = {};
  fn.bounds.forEach(([low, high], i) => {
    space[`x${i}`] = { kind: 'float', low, high, log: false };
  });
  return space;
}

/**
 * Runs `task` through the server's sampling flow (InMemoryStudy → sampleTrialStart → the sampler contract),
 * one worker, asking and telling in turn.
 */
export function runQuality(task: QualityTask, fn: BenchFunction): QualityRun {
  const sampler = createSampler(parseSamplerArg(task.sampler));
  const study = new InMemoryStudy(['minimize'], task.seed, sampler);
  const space = searchSpaceOf(fn);
  const names = Object.keys(space);
  const bestRegret: number[] = [];
  let best = Infinity;
  const t0 = performance.now();
  for (let i = 0; i < task.trials; i++) {
    const trial = study.ask(space);
    const value = fn.f(names.map((name) => trial.params[name] as number));
    study.tell(trial, 'COMPLETE', [value]);
    best = Math.min(best, value);
    bestRegret.push(best - fn.optimum);
  }
  return { ...task, bestRegret, seconds: (performance.now() - t0) / 1000 };
}
