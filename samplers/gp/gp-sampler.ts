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
import { paramsFromRaw } from './kernel-params.js';
import { maximizeAcquisition } from './optimize-acquisition.js';
import { SearchSpaceEncoding } from './search-space-encoding.js';
import { collectTrainingData, selectRows } from './training-data.js';
import type { TrainingSet } from './training-set.js';

/**
 * System attribute holding the kernel hyperparameters fitted for a trial: the next ask warm-starts from the
 * newest one, so the fit is incremental and yet every answer depends only on the study it is given.
 */
export const GP_KERNEL_ATTR = 'gp_kernel_params';

/** hpo's GP defaults (samplers/gp/README.md says why). nCandidates unset: see defaultCandidates. */
export const GP_DEFAULTS = {
  nStartupTrials: 10,
  deterministicObjective: false,
  maxTrainingPoints: 200,
} as const;

/**
 * Local searches per ask when the user did not choose: 20 up to 100 training points (twice Optuna's 10:
 * measured on the suite, the acquisition's maximum in 5–6 dimensions is often missed with 10 starts, and
 * small budgets are where each trial counts), 10 beyond, where an ask's cost matters more.
 */
export function defaultLocalSearches(trainingPoints: number): number {
  return trainingPoints <= 100 ? 20 : 10;
}

/**
 * Candidates screened per ask when the user did not choose: Optuna's 2048 up to 100 training points, then
 * fewer in proportion to 1/n³ (at least 256: reached at 200 points), so the screening's O(candidates × n²)
 * cost falls while the fit's share grows; the local searches from the best candidates do the fine work.
 */
export function defaultCandidates(trainingPoints: number): number {
  if (trainingPoints <= 100) return 2048;
  return Math.max(256, Math.round(2048 * (100 / trainingPoints) ** 3));
}

// Refit when the training set has grown by n / 25 points since the last fit (every ask below 50 points).
const REFIT_EVERY_FRACTION = 25;

interface StoredKernel {
  readonly space: string;
  /** Training-set size the parameters were last fitted on. */
  readonly fittedOn: number;
  readonly objective: number[];
  readonly constraints: number[][];
}

/**
 * Gaussian-process Bayesian optimisation over the joint search space: a Matérn-5/2 ARD GP (Hamming distance
 * for categories) fitted by MAP on the finished trials, log expected improvement (times the probability of
 * feasibility under constraints) maximised by quasi-random screening plus L-BFGS-B, with other workers'
 * running trials entered as the worst value seen so far (constant liar). The first `nStartupTrials` complete
 * trials come from the scrambled Sobol sequence.
 */
export class GpSampler implements Sampler {
  private readonly options: Required<Omit<GpOptions, 'nCandidates' | 'nLocalSearch'>> & Pick<GpOptions, 'nCandidates' | 'nLocalSearch'>;
  private readonly qmc = new QmcSampler({ sequence: 'sobol', scramble: true });
  private encodingMemo: SearchSpaceEncoding | undefined;

  constructor(options: GpOptions = {}) {
    this.options = { ...GP_DEFAULTS, ...stripUndefined(options) };
    const o = this.options;
    checkInteger('sampler.gp.n_startup_trials', o.nStartupTrials, 0);
    if (o.nCandidates !== undefined) checkInteger('sampler.gp.n_candidates', o.nCandidates, 1);
    if (o.nLocalSearch !== undefined) checkInteger('sampler.gp.n_local_search', o.nLocalSearch, 0);
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
    if (data.observed < Math.max(1, this.options.nStartupTrials) || data.objective.n === 0) return this.qmc.sampleRelative(study, trial, space);

    const deterministic = this.options.deterministicObjective;
    const warm = latestKernel(study, encoding.signature, data.constraints.length);
    const n = data.observed;
    // NOTE: hyperparameters move slowly once there are many points, so from 50 finished trials on they are
    // refitted each time ⌊n/25⌋ more trials have finished and reused in between (periodic refits, as SMAC
    // does); decided from the stored fit, so a fresh process decides the same way.
    const refit = !warm || typeof warm.fittedOn !== 'number' || n - warm.fittedOn >= Math.max(1, Math.floor(n / REFIT_EVERY_FRACTION)) || n < warm.fittedOn;
    const fit = (set: TrainingSet, start: number[] | undefined) =>
      refit || !start
        ? fitKernelParams(fitSubset(set), { deterministic, warmStart: start })
        : { raw: Float64Array.from(start), params: paramsFromRaw(start, set.dimension, deterministic) };
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
      // NOTE: constant liar with the worst observed value (Ginsbourger, Le Riche & Carraro 2010, "Kriging is
      // well-suited to parallelize optimization", CL-min): other workers' running trials join the data as if
      // they had come out worst, with the same hyperparameters, which pulls the mean down within a length
      // scale of each of them, so concurrent asks spread out. The kriging believer (lie = posterior mean) was
      // tried first: once the model is confident it still hands out near-copies of the optimum.
      const { X, y, n, dimension: D, isCategorical } = data.objective;
      const m = data.pendingCount;
      const X2 = new Float64Array((n + m) * D);
      X2.set(X);
      X2.set(data.pending, n * D);
      let worst = Infinity;
      for (let i = 0; i < n; i++) worst = Math.min(worst, y[i]);
      const y2 = new Float64Array(n + m).fill(worst);
      y2.set(y);
      objectiveGp = new GpRegressor({ X: X2, y: y2, n: n + m, dimension: D, isCategorical }, objectiveFit.params);
    }

    const acquisition = new Acquisition(objectiveGp, fBest, constraints, encoding.dimension);
    const starts: Float64Array[] = [];
    if (incumbent >= 0) {
      const D = encoding.dimension;
      starts.push(data.objective.X.slice(incumbent * D, (incumbent + 1) * D));
    }
    const best = maximizeAcquisition(acquisition, encoding, {
      nCandidates: this.options.nCandidates ?? defaultCandidates(data.objective.n + data.pendingCount),
      nLocalSearch: this.options.nLocalSearch ?? defaultLocalSearches(data.objective.n + data.pendingCount),
      starts,
      seed: [study.seed, trial.number],
      rng: createRng(study.seed, trial.number, 'gp-local-search'),
    });
    const stored: StoredKernel = {
      space: encoding.signature,
      fittedOn: refit ? n : warm!.fittedOn,
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

// NOTE: hyperparameters are fitted on at most this many points (subset of data for the hyperparameters,
// Rasmussen & Williams 2006 §8.3.1): each evaluation of the marginal likelihood costs ~n³/2 flops, so this
// caps a refit at about a quarter of its cost at 200 points; the GP is then conditioned on all points.
const MAX_FIT_POINTS = 128;

function fitSubset(set: TrainingSet): TrainingSet {
  if (set.n <= MAX_FIT_POINTS) return set;
  const rows = selectRows(set.y, MAX_FIT_POINTS);
  const D = set.dimension;
  const X = new Float64Array(rows.length * D);
  rows.forEach((r, i) => X.set(set.X.subarray(r * D, (r + 1) * D), i * D));
  return { ...set, X, y: Float64Array.from(rows, (r) => set.y[r]), n: rows.length };
}

function checkInteger(field: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) throw new InvalidArgumentError(field, `must be an integer >= ${min}, got ${value}`);
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
