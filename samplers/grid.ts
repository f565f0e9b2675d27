import {
  describeDistribution,
  type Distribution,
  type ParamValue,
  type SearchSpace,
  toInternal,
} from '../src/core/distribution.js';
import { InvalidArgumentError } from '../src/core/errors.js';
import { createRng } from '../src/core/rng.js';
import { type RelativeSample, type Sampler, SamplerExhausted } from '../src/core/sampler.js';
import type { StudyView } from '../src/core/study.js';
import type { FrozenTrial, TrialState } from '../src/core/trial.js';

export const GRID_ID_ATTR = 'grid_id';

/** The grid: each axis a parameter and its values; points are the cartesian product. */
export type GridAxes = Readonly<Record<string, readonly ParamValue[]>>;

// A failed trial gives its point back; every other state holds it.
const HOLDING_STATES: readonly TrialState[] = ['WAITING', 'RUNNING', 'COMPLETE', 'PRUNED'];

/**
 * Hands out every point of a grid exactly once across all workers. The service calls sampleRelative inside
 * the per-study transaction, so "the points other trials hold" is exact; the chosen id is returned as a
 * system attribute and stored with the trial in that same transaction.
 */
export class GridSampler implements Sampler {
  private readonly names: readonly string[];
  private readonly size: number;

  constructor(private readonly axes: GridAxes) {
    this.names = Object.keys(axes);
    if (this.names.length === 0) throw new InvalidArgumentError('sampler.grid.axes', 'must name at least one parameter');
    let size = 1;
    for (const name of this.names) {
      const values = axes[name];
      if (values.length === 0) throw new InvalidArgumentError(`sampler.grid.axes.${name}`, 'must list at least one value');
      size *= values.length;
    }
    if (size > 10_000_000) throw new InvalidArgumentError('sampler.grid.axes', `grid has ${size} points; at most 10,000,000`);
    this.size = size;
  }

  /** Number of points in the grid. */
  get gridSize(): number {
    return this.size;
  }

  inferRelativeSearchSpace(): SearchSpace {
    // The grid point is chosen in sampleRelative; parameters are read from it in sampleIndependent.
    return {};
  }

  sampleRelative(study: StudyView, trial: FrozenTrial): RelativeSample {
    if (typeof trial.systemAttrs[GRID_ID_ATTR] === 'number') return { params: {} };
    const held = new Set<number>();
    for (const t of study.getTrials(HOLDING_STATES)) {
      const id = t.systemAttrs[GRID_ID_ATTR];
      if (typeof id === 'number' && t.number !== trial.number) held.add(id);
    }
    if (held.size >= this.size) throw new SamplerExhausted(`all ${this.size} grid points have been handed out`);
    // Pick uniformly among free points, seeded by trial number so a seeded study is reproducible.
    const rng = createRng(study.seed, trial.number, 'grid');
    let k = rng.int(this.size - held.size);
    for (let id = 0; id < this.size; id++) {
      if (held.has(id)) continue;
      if (k === 0) return { params: {}, systemAttrs: { [GRID_ID_ATTR]: id } };
      k--;
    }
    throw new SamplerExhausted(`all ${this.size} grid points have been handed out`);
  }

  sampleIndependent(_study: StudyView, trial: FrozenTrial, name: string, distribution: Distribution): number {
    const id = trial.systemAttrs[GRID_ID_ATTR];
    if (!(name in this.axes)) {
      throw new InvalidArgumentError(`params.${name}`, `parameter "${name}" is not in the grid (${this.names.join(', ')})`);
    }
    if (typeof id !== 'number') throw new InvalidArgumentError(`params.${name}`, 'trial has no grid point');
    const value = this.pointValue(id, name);
    try {
      return toInternal(distribution, value, `params.${name}`);
    } catch (cause) {
      throw new InvalidArgumentError(
        `params.${name}`,
        `grid value ${JSON.stringify(value)} is not in the suggested ${describeDistribution(distribution)}`,
        { cause },
      );
    }
  }

  /** The value of `name` at grid point `id` (mixed radix, first axis varying slowest). */
  pointValue(id: number, name: string): ParamValue {
    let rest = id;
    for (let i = this.names.length - 1; i >= 0; i--) {
      const values = this.axes[this.names[i]];
      const digit = rest % values.length;
      rest = Math.floor(rest / values.length);
      if (this.names[i] === name) return values[digit];
    }
    throw new InvalidArgumentError(`params.${name}`, `parameter "${name}" is not in the grid`);
  }
}
