import type { Distribution, SearchSpace } from '../../src/core/distribution.js';
import { isSingle } from '../../src/core/distribution.js';
import { createRng, type Rng } from '../../src/core/rng.js';
import type { RelativeSample, Sampler } from '../../src/core/sampler.js';
import type { StudyView } from '../../src/core/study.js';
import { type FrozenTrial, searchByNumber, type TrialState } from '../../src/core/trial.js';
import type { TpeOptions } from '../sampler-spec.js';
import { sampleUniform } from '../random.js';
import { type GammaFunction, gammaOf, optunaGamma } from './gamma.js';
import { fromAxis, type ParamDomain, paramDomainOf, toAxis } from './param-domain.js';
import { type ParzenOptions, ParzenEstimator, type Points } from './parzen-estimator.js';
import { groupDecomposition, intersectionSearchSpace } from './search-space-groups.js';
import { smallestK, splitTrials, type TrialSplit, violationOf } from './split-trials.js';
import { type ResolvedTpeOptions, resolveTpeOptions } from './tpe-options.js';
import { localCandidates } from './local-refinement.js';
import { certifiedArgmaxRatio } from './certified-argmax.js';
import { ObservationTable } from './observation-table.js';
import { ScratchBuffers } from './scratch-buffers.js';
import { FACT_COMPLETE, type FactsOf } from './trial-facts.js';
import { optunaWeights, uniformWeights, type WeightsFunction } from './weights.js';

/** System attribute marking a trial whose params came from a local-refinement step. */
export const LOCAL_ATTR = 'tpe_local';

const FINISHED_FOR_MODEL: readonly TrialState[] = ['COMPLETE', 'PRUNED'];
const WITH_RUNNING: readonly TrialState[] = ['COMPLETE', 'PRUNED', 'RUNNING'];
const MAX_TABLES = 64;

/**
 * Tree-structured Parzen Estimator (Bergstra et al. 2011; Watanabe 2023 for the components): after
 * `nStartupTrials` random trials, split the observations into good and bad, fit a Parzen estimator to each
 * (l and g), draw candidates from l and keep the one with the largest l(x)/g(x).
 *
 * Multivariate by default (the declared space is modelled jointly); univariate when `multivariate` is off or
 * for define-by-run parameters outside the relative space; `group` models each group of co-occurring
 * define-by-run parameters jointly. Other workers' RUNNING trials join the bad set (constant liar, on by default).
 */
export class TpeSampler implements Sampler {
  readonly options: ResolvedTpeOptions;
  private readonly gamma: GammaFunction;
  private readonly weights: WeightsFunction;
  private readonly parzen: ParzenOptions;

  constructor(options: TpeOptions = {}) {
    this.options = resolveTpeOptions(options);
    this.gamma = gammaOf(this.options, optunaGamma);
    this.weights = this.options.weights === 'uniform' ? uniformWeights : optunaWeights;
    this.parzen = {
      considerPrior: this.options.considerPrior,
      priorWeight: this.options.priorWeight,
      considerMagicClip: this.options.considerMagicClip,
      considerEndpoints: this.options.considerEndpoints,
      multivariate: true,
      bandwidth: this.options.bandwidth,
      bandwidthFactor: this.options.bandwidthFactor,
      clipScale: this.options.clipScale,
    };
  }

  inferRelativeSearchSpace(study: StudyView, _trial: FrozenTrial, declared: SearchSpace): SearchSpace {
    if (!this.options.multivariate) return {};
    const declaredNames = Object.keys(declared);
    if (declaredNames.length > 0) {
      return Object.fromEntries(Object.entries(declared).filter(([, d]) => !isSingle(d)));
    }
    const finished = study.getTrials(FINISHED_FOR_MODEL);
    if (this.options.group) {
      const merged: Record<string, Distribution> = {};
      for (const g of groupDecomposition(finished)) Object.assign(merged, g);
      return merged;
    }
    return intersectionSearchSpace(finished);
  }

  sampleRelative(study: StudyView, trial: FrozenTrial, space: SearchSpace): RelativeSample {
    const names = Object.keys(space);
    if (names.length === 0) return { params: {} };
    if (this.inStartup(study)) return { params: {} };
    // A share of trials is left to the univariate estimators (sampleIndependent), which suit separable problems.
    if (this.options.univariateFraction > 0 && createRng(study.seed, trial.number, 'tpe-mode').random() < this.options.univariateFraction)
      return { params: {} };
    const groups =
      this.options.group ? groupDecomposition(study.getTrials(FINISHED_FOR_MODEL)).map((g) => pick(g, names)) : [space];
    const params: Record<string, number> = {};
    let local = false;
    for (const g of groups) {
      if (Object.keys(g).length === 0) continue;
      const sample = this.sampleJointly(study, trial, g, true);
      Object.assign(params, sample.params);
      local ||= sample.local;
    }
    return local ? { params, systemAttrs: { [LOCAL_ATTR]: true } } : { params };
  }

  sampleIndependent(study: StudyView, trial: FrozenTrial, name: string, distribution: Distribution): number {
    if (this.inStartup(study) || isSingle(distribution)) {
      return sampleUniform(distribution, createRng(study.seed, trial.number, 'tpe-startup', name));
    }
    return this.sampleJointly(study, trial, { [name]: distribution }, false).params[name];
  }

  /**
   * Fewer than nStartupTrials COMPLETE/PRUNED trials. Counted in the pool the ask reads anyway (with the constant
   * liar it holds RUNNING trials too), stopping at nStartupTrials: the study view need not build a second list
   * of thousands of finished trials per ask just for its length.
   */
  private inStartup(study: StudyView): boolean {
    const k = this.options.nStartupTrials;
    if (!this.options.constantLiar) return study.getTrials(FINISHED_FOR_MODEL).length < k;
    const pool = study.getTrials(WITH_RUNNING);
    let finished = 0;
    for (let i = 0; i < pool.length && finished < k; i++) if (pool[i].state !== 'RUNNING') finished++;
    return finished < k;
  }

  private readonly splitMemo = new WeakMap<StudyView, SplitMemo>();
  /** The step's estimator arrays, reused by the next step (scratch-buffers.ts). */
  private readonly scratch = new ScratchBuffers();
  /** Observation tables by search space (one per space the sampler models; see observation-table.ts). */
  private readonly tables = new Map<string, ObservationTable>();

  private tableOf(space: SearchSpace, names: readonly string[], domains: readonly ParamDomain[]): ObservationTable {
    const key = JSON.stringify(names.map((n) => [n, space[n]]));
    let table = this.tables.get(key);
    if (!table) {
      // Define-by-run studies can model many spaces; keep the memo bounded.
      if (this.tables.size >= MAX_TABLES) this.tables.clear();
      table = new ObservationTable(names, space, domains);
      this.tables.set(key, table);
    }
    return table;
  }

  /**
   * The good/bad split of `modelled`. When every trial of the pool is modelled (the usual case: all trials
   * have these parameters), the split is the same for every parameter of this ask, so it is kept per study
   * view and trial number.
   */
  private splitOnce(
    study: StudyView,
    trial: FrozenTrial,
    pool: readonly FrozenTrial[],
    modelled: readonly FrozenTrial[],
    constraintsEnabled: boolean,
    factsOf: FactsOf | undefined,
  ): TrialSplit {
    // Pools are in trial-number order, as study views list trials; one out of order may hide the trial from the
    // search, and then only the memo is forgone, never a wrong one used.
    const whole = modelled.length === pool.length || (modelled.length === pool.length - 1 && searchByNumber(pool, trial.number).found);
    if (!whole) return splitTrials(modelled, study.directions, this.gamma, constraintsEnabled, factsOf, this.scratch);
    const memo = this.splitMemo.get(study);
    if (memo && memo.trialNumber === trial.number && memo.poolLength === pool.length) return memo.split;
    const split = splitTrials(modelled, study.directions, this.gamma, constraintsEnabled, factsOf, this.scratch);
    this.splitMemo.set(study, { trialNumber: trial.number, poolLength: pool.length, split });
    return split;
  }

  /** One TPE step over `space`: split, fit l and g, score candidates drawn from l, return the best. */
  private sampleJointly(study: StudyView, trial: FrozenTrial, space: SearchSpace, multivariate: boolean): JointSample {
    const names = Object.keys(space);
    const domains = names.map((n) => paramDomainOf(space[n]));
    // The previous step's estimators are gone: their arrays are this step's.
    this.scratch.reset();
    const pool = study.getTrials(this.options.constantLiar ? WITH_RUNNING : FINISHED_FOR_MODEL);
    const table = this.tableOf(space, names, domains);
    table.sync(pool);
    const { trials: usable, rows } = table.usable(trial.number, this.scratch);
    const constraintsEnabled = table.anyConstraints(rows);
    const rng = createRng(study.seed, trial.number, 'tpe', names.join('\u0000'));
    const local =
      multivariate && this.options.localFraction > 0 && study.directions.length === 1 && rng.random() < this.options.localFraction;
    const modelled = this.options.localKept >= 0 ? keepBestLocal(usable, study.directions[0], this.options.localKept) : usable;
    // The table's facts describe `usable` (rows[i] is usable[i]'s row); keepBestLocal's list is read from objects.
    const factsOf: FactsOf | undefined = modelled === usable ? { facts: table.splitFacts(), rows } : undefined;
    const split = this.splitOnce(study, trial, pool, modelled, constraintsEnabled, factsOf);
    const options: ParzenOptions = { ...this.parzen, multivariate: multivariate && names.length > 0 };
    const belowWeights =
      split.belowWeights ?? (this.options.rankWeights && study.directions.length === 1 ? rankWeights(split.below, study.directions[0] === 'minimize' ? 1 : -1) : this.weights(split.below.length));
    // The split's positions index `modelled`; when that is the table's usable list, its columns are already read.
    const columnsAt = (trials: readonly FrozenTrial[], at: Int32Array) =>
      modelled === usable ? table.columns(rows, at, this.scratch) : columnsOf(trials, names, domains);
    const l = new ParzenEstimator(domains, columnsAt(split.below, split.belowAt), belowWeights, options, undefined, this.scratch);
    // Univariate widths of g come from the table's kept order of each axis (no sort of the history per ask).
    // g from the newest `aboveWindow` trials of the bad group (in number order, so the newest are last): past it,
    // an ask's cost stops growing with the history.
    const cut = this.options.aboveWindow > 0 ? Math.max(0, split.above.length - this.options.aboveWindow) : 0;
    const above = cut > 0 ? split.above.slice(cut) : split.above;
    const aboveAt = cut > 0 ? split.aboveAt.subarray(cut) : split.aboveAt;
    const gWidths = !options.multivariate && modelled === usable ? table.neighbourWidths(rows, aboveAt, options.considerEndpoints) : undefined;
    const g = new ParzenEstimator(domains, columnsAt(above, aboveAt), this.weights(above.length), options, gWidths, this.scratch);
    let candidates: Points;
    if (local) {
      const incumbents = bestOf(usable, { facts: table.splitFacts(), rows }, study.directions[0], this.options.localTopK, constraintsEnabled);
      candidates = incumbents.length >= 2
        ? localCandidates(domains, columnsOf(incumbents, names, domains), rng, this.options.nEiCandidates, this.options.localScale,
            this.options.localCentres > 1 ? rng.int(Math.min(this.options.localCentres, incumbents.length)) : 0)
        : l.sample(rng, this.options.nEiCandidates);
      if (incumbents.length >= 2 && this.options.localHopFraction > 0 && names.length > 1) {
        coordinateHops(candidates, l.sample(rng, this.options.nEiCandidates), columnsOf(incumbents.slice(0, 1), names, domains), rng, this.options.localHopFraction);
      }
    } else {
      candidates = l.sample(rng, this.options.nEiCandidates, multivariate ? this.options.marginalCandidates : 0);
    }
    const best = certifiedArgmaxRatio(l.logPdf(candidates), g, candidates);
    const params: Record<string, number> = {};
    names.forEach((n, j) => (params[n] = fromAxis(domains[j], candidates[j][best])));
    return { params, local };
  }
}

/** Splits a study's trials once per ask: univariate TPE asks for every parameter with the same history. */
interface SplitMemo {
  readonly trialNumber: number;
  readonly poolLength: number;
  readonly split: TrialSplit;
}

interface JointSample {
  readonly params: Record<string, number>;
  /** Whether this was a local-refinement step (stored with the trial as LOCAL_ATTR). */
  readonly local: boolean;
}

/** NOTE: log-rank weights as CMA-ES recombination uses (Hansen 2016): the best good observation weighs most. */
function rankWeights(below: readonly FrozenTrial[], sign: number): Float64Array {
  const n = below.length;
  const order = below.map((t, i) => ({ i, v: t.state === 'COMPLETE' && t.values ? sign * t.values[0] : Infinity }));
  order.sort((a, b) => a.v - b.v || a.i - b.i);
  const w = new Float64Array(n);
  order.forEach(({ i }, rank) => (w[i] = Math.log(n + 0.5) - Math.log(rank + 1)));
  return w;
}

/**
 * The trials with only the `k` best local-refinement trials left in: the rest crowd the incumbent and would
 * collapse the good set's spread (and with it TPE's exploration).
 */
function keepBestLocal(trials: readonly FrozenTrial[], direction: 'minimize' | 'maximize', k: number): FrozenTrial[] {
  const sign = direction === 'minimize' ? 1 : -1;
  const local = trials.filter((t) => t.systemAttrs[LOCAL_ATTR] === true);
  if (local.length <= k) return trials as FrozenTrial[];
  const value = (t: FrozenTrial) => (t.state === 'COMPLETE' && t.values && !Number.isNaN(t.values[0]) ? sign * t.values[0] : Infinity);
  const kept = new Set(local.sort((a, b) => value(a) - value(b) || a.number - b.number).slice(0, k));
  return trials.filter((t) => t.systemAttrs[LOCAL_ATTR] !== true || kept.has(t));
}

/**
 * Turns a share of the local candidates into coordinate hops: the incumbent with one coordinate taken from a
 * draw of l, so a separable problem can move one coordinate into another basin without losing the others.
 */
function coordinateHops(candidates: Points, fromL: Points, incumbent: Points, rng: Rng, fraction: number): void {
  const d = candidates.length;
  const m = candidates[0].length;
  for (let i = 0; i < m; i++) {
    if (rng.random() >= fraction) continue;
    const hop = rng.int(d);
    for (let j = 0; j < d; j++) candidates[j][i] = j === hop ? fromL[j][i] : incumbent[j][0];
  }
}

/** The k best (feasible) COMPLETE trials, best first; read off the table's facts of `trials` (trial-facts.ts). */
function bestOf(trials: readonly FrozenTrial[], { facts, rows }: FactsOf, direction: 'minimize' | 'maximize', k: number, constraintsEnabled: boolean): FrozenTrial[] {
  const sign = direction === 'minimize' ? 1 : -1;
  const keys = new Float64Array(trials.length);
  const { state, nValues, value0, hasConstraints, violation } = facts;
  for (let i = 0; i < trials.length; i++) {
    const r = rows[i];
    // As read from the objects: an empty values list passes (Number.isNaN(undefined) is false) with key NaN.
    const ok = state[r] === FACT_COMPLETE && nValues[r] >= 0 && (nValues[r] === 0 || !Number.isNaN(value0[r])) &&
      (!constraintsEnabled || (hasConstraints[r] === 1 && violation[r] === 0));
    keys[i] = ok ? sign * value0[r] : Infinity;
  }
  // Selection, not a sort: k is a handful, the history may be thousands.
  return smallestK(keys, k)
    .filter((i) => keys[i] !== Infinity)
    .sort((a, b) => keys[a] - keys[b] || a - b)
    .map((i) => trials[i]);
}

function columnsOf(trials: readonly FrozenTrial[], names: readonly string[], domains: readonly ParamDomain[]): Points {
  return names.map((n, j) => {
    const col = new Float64Array(trials.length);
    const d = domains[j];
    for (let i = 0; i < trials.length; i++) {
      const y = toAxis(d, trials[i].internalParams[n]);
      col[i] = d.kind === 'numeric' ? Math.min(d.high, Math.max(d.low, y)) : y;
    }
    return col;
  });
}

function pick(space: SearchSpace, names: readonly string[]): SearchSpace {
  return Object.fromEntries(Object.entries(space).filter(([n]) => names.includes(n)));
}
