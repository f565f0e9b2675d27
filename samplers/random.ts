import type { Distribution, SearchSpace } from '../src/core/distribution.js';
import { createRng, type Rng } from '../src/core/rng.js';
import type { RelativeSample, Sampler } from '../src/core/sampler.js';
import type { StudyView } from '../src/core/study.js';
import type { FrozenTrial } from '../src/core/trial.js';

/**
 * One internal value drawn uniformly from `d` (log-uniformly for log distributions).
 * Shared by every sampler that needs a random draw (startup trials, TPE's prior, fallbacks).
 */
export function sampleUniform(d: Distribution, rng: Rng): number {
  switch (d.kind) {
    case 'categorical':
      return rng.int(d.choices.length);
    case 'float': {
      if (d.log) {
        const x = Math.exp(rng.uniform(Math.log(d.low), Math.log(d.high)));
        return Math.min(d.high, Math.max(d.low, x));
      }
      if (d.step !== undefined) {
        const n = Math.round((d.high - d.low) / d.step);
        return Math.min(d.high, d.low + rng.int(n + 1) * d.step);
      }
      return rng.uniform(d.low, d.high);
    }
    case 'int': {
      if (d.log) {
        // NOTE: as Optuna does, widen by half a unit on each side in log space so the end points are as
        // likely as their log-width says.
        const lo = Math.log(d.low - 0.5);
        const hi = Math.log(d.high + 0.5);
        const x = Math.round(Math.exp(rng.uniform(lo, hi)));
        return Math.min(d.high, Math.max(d.low, x));
      }
      const n = (d.high - d.low) / d.step;
      return d.low + rng.int(n + 1) * d.step;
    }
  }
}

/** Independent uniform sampling, seeded per (study seed, trial number, parameter name). */
export class RandomSampler implements Sampler {
  inferRelativeSearchSpace(): SearchSpace {
    return {};
  }

  sampleRelative(): RelativeSample {
    return { params: {} };
  }

  sampleIndependent(study: StudyView, trial: FrozenTrial, name: string, distribution: Distribution): number {
    return sampleUniform(distribution, createRng(study.seed, trial.number, 'random', name));
  }
}
