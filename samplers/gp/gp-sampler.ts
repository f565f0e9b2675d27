import type { Distribution, SearchSpace } from '../../src/core/distribution.js';
import { InvalidArgumentError } from '../../src/core/errors.js';
import type { Json } from '../../src/core/json.js';
import { createRng } from '../../src/core/rng.js';
import type { RelativeSample, Sampler } from '../../src/core/sampler.js';
import type { StudyView } from '../../src/core/study.js';
import type { FrozenTrial } from '../../src/core/trial.js';
import { jointSearchSpace } from '../intersection-search-space.js';
import { QmcSampler } from '../qmc/qmc-sampler.js';
import { sampleUniform } from '../random.js';
import type { GpOptions } from '../sampler-spec.js';
import { Acquisition, type ConstraintModel } from './acquisition.js';
import { fitKernelParams } from './fit-kernel-params.js';
import { GpRegressor } from './gp-regressor.js';
import { maximizeAcquisition } from './optimize-acquisition.js';
import { SearchSpaceEncoding } from './search-space-encoding.js';
import { collectTrainingData } from './training-data.js';
import type { TrainingSet } from './training-set.js';

/**
 * System attribute holding the kernel hyperparameters fitted for a trial: the next ask warm-starts from the
 * newest one, so the fit is incremental and yet every answer depends only on the study it is given.
 */
export const GP_KERNEL_ATTR = 'gp_kernel_params';

/** hpo's GP defaults (samplers/gp/README.md says why). */
export const GP_DEFAULTS = {
  nStartupTrials: 10,
  deterministicObjective: false,
  nCandidates: 2048,
  nLocalSearch: 10,
  maxTrainingPoints: 300,
} as const;

interface StoredKernel {
  readonly space: string;
  readonly objective: number[];
  readonly constraints: number[][];
}

/**
 * Gaussian-process Bayesian optimisation over the joint search space: a Matérn-5/2 ARD GP (Hamming distance
 * for categories) fitted by MAP on the finished trials, log expected improvement (times the probability of
 * feasibility under constraints) maximised by quasi-random screening plus L-BFGS-B, with other workers'
 * running trials fantasised at the posterior mean (kriging believer). The first `nStartupTrials` complete
 * trials come from the scrambled Sobol sequence.
 */
export class GpSampler implements Sampler {
  private readonly options: Required<GpOptions>;
  private readonly qmc = new QmcSampler({ sequence: 'sobol', scramble: true });
  private encodingMemo: SearchSpaceEncoding | undefined;

  constructor(options: GpOptions = {}) {
    this.options = { ...GP_DEFAULTS, ...stripUndefined(options) };
    const o = this.options;
    checkInteger('sampler.gp.n_startup_trials', o.nStartupTrials, 0);
    checkInteger('sampler.gp.n_candidates', o.nCandidates, 1);
    checkInteger('sampler.gp.n_local_search', o.nLocalSearch, 0);
    checkInteger('sampler.gp.max_training_points', o.maxTrainingPoints, 2);
  }

  inferRelativeSearchSpace(study: StudyView, _trial: FrozenTrial, declared: SearchSpace): SearchSpace {
    return jointSearchSpace(study, declared);
  }

  sampleRelative(study: StudyView, trial: FrozenTrial, space: SearchSpace): RelativeSample {
    if (Object.keys(space).length === 0) return { params: {} };
    const encoding = this.encoding(space);
    const data = collectTrainingData(
      study,
      trial,
      space,
      encoding,
      this.options.maxTrainingPoints,
      createRng(study.seed, trial.number, 'gp-scalarisation'),
    );
    if (data.objective.n < Math.max(1, this.options.nStartupTrials)) return this.qmc.sampleRelative(study, trial, space);

    const deterministic = this.options.deterministicObjective;
    const warm = latestKernel(study, encoding.signature, data.constraints.length);
    const fit = (set: TrainingSet, start: number[] | undefined) => fitKernelParams(set, { deterministic, warmStart: start });
    const objectiveFit = fit(data.objective, warm?.objective);
    const constraintFits = data.constraints.map((set, c) => fit(set, warm?.constraints[c]));

    let objectiveGp = new GpRegressor(data.objective, objectiveFit.params);
    const constraints: ConstraintModel[] = constraintFits.map((f, c) => ({
      gp: new GpRegressor(data.constraints[c], f.params),
      threshold: data.thresholds[c],
    }));

    let fBest: number | undefined;
    let incumbent = -1;
    for (let i = 0; i < data.objective.n; i++) {
      if (data.feasible[i] && (fBest === undefined || data.objective.y[i] > fBest)) {
        fBest = data.objective.y[i];
        incumbent = i;
      }
    }
    if (data.pendingCount > 0) {
      // NOTE: kriging believer (Ginsbourger, Le Riche & Carraro 2010, "Kriging is well-suited to parallelize
      // optimization"): running trials join the data at their posterior mean with the same hyperparameters,
      // so their neighbourhood loses its variance and the next ask looks elsewhere.
      const { X, y, n, dimension: D, isCategorical } = data.objective;
      const m = data.pendingCount;
      const X2 = new Float64Array((n + m) * D);
      X2.set(X);
      X2.set(data.pending, n * D);
      const y2 = new Float64Array(n + m);
      y2.set(y);
      for (let p = 0; p < m; p++) {
        const believed = objectiveGp.posterior(data.pending.subarray(p * D, (p + 1) * D)).mean;
        y2[n + p] = believed;
        if (fBest !== undefined && constraints.length === 0) fBest = Math.max(fBest, believed);
      }
      objectiveGp = new GpRegressor({ X: X2, y: y2, n: n + m, dimension: D, isCategorical }, objectiveFit.params);
    }

    const acquisition = new Acquisition(objectiveGp, fBest, constraints, encoding.dimension);
    const starts: Float64Array[] = [];
    if (incumbent >= 0) {
      const D = encoding.dimension;
      starts.push(data.objective.X.slice(incumbent * D, (incumbent + 1) * D));
    }
    const best = maximizeAcquisition(acquisition, encoding, {
      nCandidates: this.options.nCandidates,
      nLocalSearch: this.options.nLocalSearch,
      starts,
      seed: [study.seed, trial.number],
    });
    const stored: StoredKernel = {
      space: encoding.signature,
      objective: Array.from(objectiveFit.raw),
      constraints: constraintFits.map((f) => Array.from(f.raw)),
    };
    if (!best.x.every(Number.isFinite)) return { ...this.qmc.sampleRelative(study, trial, space), systemAttrs: { [GP_KERNEL_ATTR]: stored as unknown as Json } };
    return { params: encoding.decode(best.x), systemAttrs: { [GP_KERNEL_ATTR]: stored as unknown as Json } };
  }

  sampleIndependent(study: StudyView, trial: FrozenTrial, name: string, distribution: Distribution): number {
    return sampleUniform(distribution, createRng(study.seed, trial.number, 'gp-independent', name));
  }

  private encoding(space: SearchSpace): SearchSpaceEncoding {
    const fresh = new SearchSpaceEncoding(space);
    if (this.encodingMemo?.signature === fresh.signature) return this.encodingMemo;
    this.encodingMemo = fresh;
    return fresh;
  }
}

/** The kernel parameters stored with the newest trial fitted on the same space and constraint count. */
function latestKernel(study: StudyView, signature: string, constraintCount: number): StoredKernel | undefined {
  const trials = study.getTrials();
  for (let i = trials.length - 1; i >= 0; i--) {
    const stored = trials[i].systemAttrs[GP_KERNEL_ATTR] as unknown as StoredKernel | undefined;
    if (stored && stored.space === signature && Array.isArray(stored.objective) && stored.constraints?.length === constraintCount) return stored;
  }
  return undefined;
}

function checkInteger(field: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) throw new InvalidArgumentError(field, `must be an integer >= ${min}, got ${value}`);
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
