import type { Json } from '../src/core/json.js';
import type { PruneDecision, Pruner } from '../src/core/pruner.js';
import { type StudyView, studyViewOf } from '../src/core/study.js';
import { type FrozenTrial, lastStep } from '../src/core/trial.js';
import { singleDirection } from './intermediate-values.js';
import { PREDICTIVE_MIN_RESOURCE, type PredictiveMinResourceRule, predictiveMinResource } from './predictive-min-resource.js';
import { SuccessiveHalvingPruner, learnsFrom } from './successive-halving.js';

/** System attribute holding the max resource learned for 'auto' (kept by the trial that learned it). */
export const LEARNED_MAX_RESOURCE_ATTR = 'hyperband_max_resource';
/** System attribute holding the min resource learned when it is not set (kept by the trial that learned it). */
export const LEARNED_MIN_RESOURCE_ATTR = 'hyperband_min_resource';
/** System attribute recording a trial's bracket (informative: the bracket is always recomputed from the hash). */
export const BRACKET_ATTR = 'hyperband_bracket';

export interface HyperbandConfig {
  /** Undefined = learned: the first step where ranking becomes predictive (predictive-min-resource.ts). */
  readonly minResource: number | undefined;
  readonly minResourceRule?: PredictiveMinResourceRule;
  /** Undefined = learned from the first complete trial (its last step + 1). */
  readonly maxResource: number | undefined;
  readonly reductionFactor: number;
  readonly bootstrapCount: number;
}

interface BracketLayout {
  /** Share of trials each bracket receives, in bracket order. */
  readonly budgets: readonly number[];
  readonly total: number;
  readonly pruners: readonly SuccessiveHalvingPruner[];
}

/**
 * Hyperband (Li et al., JMLR 2018) over asynchronous successive halving, as Optuna's HyperbandPruner: bracket b
 * is ASHA with min early-stopping rate b, so bracket 0 prunes from minResource and the last bracket barely prunes
 * at all; trials are spread over brackets in the paper's proportions n_b ∝ ⌈B·η^(B-1-b)/(B-b)⌉ (B brackets).
 *
 * A trial's bracket is a stable hash of (study seed, trial number): every process, every restart, the sampler at
 * ask time and the pruner at report time all agree without storing anything. Successive halving in a bracket
 * compares only that bracket's trials. An unset min resource is learned as successive halving learns it (the
 * first step where the best finals were already ahead, predictive-min-resource.ts), so no bracket starts where
 * learning curves still cross; Optuna's default is 1. What the sampler sees: `samplerView`.
 */
export class HyperbandPruner implements Pruner {
  readonly supportsMultiObjective = false;
  private readonly layouts = new Map<number, BracketLayout>();
  private readonly bracketMemo = new Map<string, number>();

  constructor(private readonly config: HyperbandConfig) {}

  prune(study: StudyView, trial: FrozenTrial, step: number): PruneDecision {
    const attrs: Record<string, Json> = {};
    let maxResource = this.config.maxResource ?? learnedAttr(study, trial, LEARNED_MAX_RESOURCE_ATTR);
    if (maxResource === undefined) {
      maxResource = estimateMaxResource(study);
      if (maxResource === undefined) return { prune: false, reason: 'the max resource is learned from the first complete trial; none yet' };
      attrs[LEARNED_MAX_RESOURCE_ATTR] = maxResource;
    }
    let minResource = this.config.minResource ?? learnedAttr(study, trial, LEARNED_MIN_RESOURCE_ATTR);
    if (minResource === undefined) {
      const rule = this.config.minResourceRule ?? PREDICTIVE_MIN_RESOURCE;
      minResource = predictiveMinResource(study.getTrials(['COMPLETE']), rule, singleDirection(study.directions));
      if (minResource === undefined) {
        return { prune: false, reason: `the min resource is learned from ${rule.minTrials} complete trials; not there yet`, systemAttrs: attrs };
      }
      attrs[LEARNED_MIN_RESOURCE_ATTR] = minResource;
    }
    const layout = this.layout(minResource, maxResource);
    const bracket = this.bracketOf(study, trial.number, layout);
    if (trial.systemAttrs[BRACKET_ATTR] !== bracket) attrs[BRACKET_ATTR] = bracket;
    const inner = layout.pruners[bracket].prune(this.bracketView(study, bracket, layout), trial, step);
    return { ...inner, reason: `bracket ${bracket}: ${inner.reason}`, systemAttrs: { ...attrs, ...inner.systemAttrs } };
  }

  /**
   * What the sampler learns from for `trial`. With a learned min resource (the default): only `trial`'s own
   * bracket, as Optuna does. With a min resource set by the user: every trial that is not PRUNED (complete ones
   * ran to the end in any bracket, so their values compare; running ones keep the constant liar working across
   * brackets), and the PRUNED trials of `trial`'s own bracket except those stopped at its first rung. The whole
   * study while the resources are still unknown.
   */
  // NOTE: measured in bench/pruning (pruners/README.md). With min resource 1 (Optuna's default) there are five
  // brackets and the first rungs sit where crossing curves still cross: Optuna's per-bracket view starves each
  // bracket's model and feeds it early casualties (TPE −2.87 vs −3.09 with the wider view). A learned min resource
  // leaves one or two brackets whose rungs all rank like the end; there the bracket view measures the same as the
  // wider one (−3.19 both at τ ≤ 60, −3.20 / −3.19 without crossing), so the default follows Optuna.
  samplerView(study: StudyView, trial: FrozenTrial): StudyView {
    const layout = this.learnedLayout(study, trial);
    if (layout === undefined) return study;
    const own = this.bracketOf(study, trial.number, layout);
    if (this.config.minResource === undefined) return this.bracketView(study, own, layout);
    const seen = study
      .getTrials()
      .filter((t) => t.state !== 'PRUNED' || (learnsFrom(t) && this.bracketOf(study, t.number, layout) === own));
    return studyViewOf(study, seen);
  }

  /** Only the trials of `bracket`: what successive halving in that bracket compares with. */
  bracketTrials(study: StudyView, number: number): StudyView | undefined {
    const layout = this.learnedLayout(study, undefined);
    if (layout === undefined) return undefined;
    return this.bracketView(study, this.bracketOf(study, number, layout), layout);
  }

  /** Which bracket trial `number` belongs to (exported behaviour for tests and inspection). */
  bracketFor(study: StudyView, number: number): number | undefined {
    const layout = this.learnedLayout(study, undefined);
    return layout === undefined ? undefined : this.bracketOf(study, number, layout);
  }

  /** Number of brackets for a max resource (and a min one, when learned): ⌊log_η(max/min)⌋ + 1, in integers. */
  bracketCount(maxResource: number, minResource = this.config.minResource ?? 1): number {
    return this.layout(minResource, maxResource).pruners.length;
  }

  /** The layout once both resources are known (set, or learned and stored by an earlier report). */
  private learnedLayout(study: StudyView, trial: FrozenTrial | undefined): BracketLayout | undefined {
    const maxResource = this.config.maxResource ?? learnedAttr(study, trial, LEARNED_MAX_RESOURCE_ATTR);
    const minResource = this.config.minResource ?? learnedAttr(study, trial, LEARNED_MIN_RESOURCE_ATTR);
    return maxResource === undefined || minResource === undefined ? undefined : this.layout(minResource, maxResource);
  }

  private layout(minResource: number, maxResource: number): BracketLayout {
    const memoKey = minResource * 1e9 + maxResource;
    let found = this.layouts.get(memoKey);
    if (!found) {
      const { reductionFactor: eta, bootstrapCount } = this.config;
      let n = 1;
      while (minResource * eta ** n <= maxResource) n++;
      const budgets: number[] = [];
      const pruners: SuccessiveHalvingPruner[] = [];
      for (let b = 0; b < n; b++) {
        const s = n - 1 - b;
        budgets.push(Math.ceil((n * eta ** s) / (s + 1)));
        pruners.push(
          new SuccessiveHalvingPruner({
            minResource,
            reductionFactor: eta,
            minEarlyStoppingRate: b,
            bootstrapCount,
            placedAfterTrialsRan: this.config.minResource === undefined,
          }),
        );
      }
      found = { budgets, total: budgets.reduce((a, b) => a + b, 0), pruners };
      this.layouts.set(memoKey, found);
    }
    return found;
  }

  private bracketOf(study: StudyView, number: number, layout: BracketLayout): number {
    const key = `${study.seed}_${number}_${layout.total}`;
    let bracket = this.bracketMemo.get(key);
    if (bracket === undefined) {
      let n = crc32(`${study.seed}_${number}`) % layout.total;
      bracket = 0;
      while (n >= layout.budgets[bracket]) n -= layout.budgets[bracket++];
      this.bracketMemo.set(key, bracket);
    }
    return bracket;
  }

  private bracketView(study: StudyView, bracket: number, layout: BracketLayout): StudyView {
    const mine = study.getTrials().filter((t) => this.bracketOf(study, t.number, layout) === bracket);
    return studyViewOf(study, mine);
  }
}

/** A learned resource as written by the lowest-numbered trial that learned it (`trial`'s own counts too). */
function learnedAttr(study: StudyView, trial: FrozenTrial | undefined, key: string): number | undefined {
  const own = trial?.systemAttrs[key];
  for (const t of study.getTrials()) {
    if (trial && t.number >= trial.number && typeof own === 'number') return own;
    const v = t.systemAttrs[key];
    if (typeof v === 'number') return v;
  }
  return typeof own === 'number' ? own : undefined;
}

// NOTE: Optuna's HyperbandPruner._try_initialization: the longest complete trial's last step + 1.
function estimateMaxResource(study: StudyView): number | undefined {
  let longest: number | undefined;
  for (const t of study.getTrials(['COMPLETE'])) {
    const s = lastStep(t);
    if (s !== undefined && (longest === undefined || s > longest)) longest = s;
  }
  return longest === undefined ? undefined : longest + 1;
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[i] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (the zlib one) of a string's UTF-8 bytes: a hash every process and language computes alike. */
export function crc32(text: string): number {
  let c = 0xffffffff;
  for (const byte of new TextEncoder().encode(text)) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
