import type { Distribution, SearchSpace } from '../../src/core/distribution.js';
import { InvalidArgumentError } from '../../src/core/errors.js';
import { createRng } from '../../src/core/rng.js';
import type { RelativeSample, Sampler } from '../../src/core/sampler.js';
import type { StudyView } from '../../src/core/study.js';
import type { FrozenTrial } from '../../src/core/trial.js';
import { jointSearchSpace } from '../intersection-search-space.js';
import { sampleUniform } from '../random.js';
import type { QmcOptions } from '../sampler-spec.js';
import { HaltonSequence } from './halton.js';
import { SOBOL_MAX_DIMENSION, SobolSequence } from './sobol.js';
import { unitToDistribution } from './unit-to-distribution.js';

/** A low-discrepancy sequence addressed by point index. */
export interface IndexedSequence {
  readonly dimension: number;
  point(index: number, out?: Float64Array): Float64Array;
}

/**
 * A point of the unit cube for `index`: the first SOBOL_MAX_DIMENSION coordinates from the sequence, any beyond
 * from a seeded uniform stream (Sobol's published direction numbers stop there; Halton in that many
 * dimensions is worse than random).
 */
export function unitPoint(sequence: IndexedSequence, dimension: number, index: number, overflowSeed: ReadonlyArray<number | string>): Float64Array {
  const out = new Float64Array(dimension);
  const head = sequence.point(index);
  out.set(head.subarray(0, Math.min(dimension, head.length)));
  if (dimension > head.length) {
    const rng = createRng(...overflowSeed, index, 'qmc-overflow');
    for (let j = head.length; j < dimension; j++) out[j] = rng.random();
  }
  return out;
}

/**
 * Quasi-Monte-Carlo sampling: trial number n takes point n of a (scrambled) Sobol or Halton sequence over the
 * joint search space, so trials handed to parallel workers still cover the space evenly. Parameters outside
 * the joint space (define-by-run parameters not yet in every finished trial) are drawn uniformly.
 *
 * NOTE: as Owen (1998) and scipy.stats.qmc recommend, the sequence is scrambled by default; an unscrambled
 * Sobol sequence starts at the corner of the box (and Optuna's unscrambled QMC lands on the centre at its
 * second point, which flatters functions whose optimum is the centre).
 */
export class QmcSampler implements Sampler {
  private readonly kind: 'sobol' | 'halton';
  private readonly scramble: boolean;
  private readonly cache = new Map<string, IndexedSequence>();

  constructor(options: QmcOptions = {}) {
    const kind = options.sequence ?? 'sobol';
    if (kind !== 'sobol' && kind !== 'halton')
      throw new InvalidArgumentError('sampler.qmc.sequence', `must be "sobol" or "halton", got ${JSON.stringify(kind)}`);
    this.kind = kind;
    this.scramble = options.scramble ?? true;
  }

  inferRelativeSearchSpace(study: StudyView, _trial: FrozenTrial, declared: SearchSpace): SearchSpace {
    return jointSearchSpace(study, declared);
  }

  sampleRelative(study: StudyView, trial: FrozenTrial, space: SearchSpace): RelativeSample {
    const names = Object.keys(space);
    if (names.length === 0) return { params: {} };
    const u = this.unitPoint(study.seed, names.length, trial.number);
    const params: Record<string, number> = {};
    names.forEach((name, j) => {
      params[name] = unitToDistribution(space[name], u[j]);
    });
    return { params };
  }

  sampleIndependent(study: StudyView, trial: FrozenTrial, name: string, distribution: Distribution): number {
    return sampleUniform(distribution, createRng(study.seed, trial.number, 'qmc-independent', name));
  }

  /** Point `index` of this sampler's sequence in `dimension` dimensions, scrambled from the study seed. */
  unitPoint(seed: number, dimension: number, index: number): Float64Array {
    return unitPoint(this.sequence(seed, dimension), dimension, index, [seed]);
  }

  private sequence(seed: number, dimension: number): IndexedSequence {
    const key = `${seed}:${dimension}`;
    let found = this.cache.get(key);
    if (!found) {
      const d = Math.min(dimension, SOBOL_MAX_DIMENSION);
      const scrambleSeed = this.scramble ? [seed, 'qmc'] : undefined;
      found = this.kind === 'sobol' ? new SobolSequence(d, scrambleSeed) : new HaltonSequence(d, scrambleSeed);
      if (this.cache.size > 16) this.cache.clear();
      this.cache.set(key, found);
    }
    return found;
  }
}
