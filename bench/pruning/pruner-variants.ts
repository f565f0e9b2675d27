import type { Pruner } from '../../src/core/pruner.js';
import { type StudyView, studyViewOf } from '../../src/core/study.js';
import type { FrozenTrial } from '../../src/core/trial.js';
import { createPruner } from '../../pruners/create-pruner.js';
import { HyperbandPruner } from '../../pruners/hyperband.js';
import type { PredictiveMinResourceRule } from '../../pruners/predictive-min-resource.js';
import type { PrunerSpec } from '../../pruners/pruner-spec.js';
import { STOPPED_AT_RUNG_ATTR, type SuccessiveHalvingConfig, SuccessiveHalvingPruner } from '../../pruners/successive-halving.js';

interface Variant {
  readonly description: string;
  readonly make: () => Pruner;
}

const fromSpec = (spec: PrunerSpec) => () => createPruner(spec, 1);

/** The same pruning decisions, with another view for the sampler (the experiments of pruners/README.md). */
function withSamplerView(inner: () => Pruner, view: (p: Pruner, study: StudyView, trial: FrozenTrial) => StudyView) {
  return (): Pruner => {
    const p = inner();
    return {
      supportsMultiObjective: p.supportsMultiObjective,
      prune: (study, trial, step) => p.prune(study, trial, step),
      samplerView: (study, trial) => view(p, study, trial),
    };
  };
}
const stoppedBelow = (rung: number) => (t: FrozenTrial) =>
  t.state === 'PRUNED' && typeof t.systemAttrs[STOPPED_AT_RUNG_ATTR] === 'number' && (t.systemAttrs[STOPPED_AT_RUNG_ATTR] as number) < rung;

// The first round's experiments (pruners/README.md) ran on min resource 1 (Optuna's auto gives 1 step on these
// curves); they keep it, while the `asha` and `hyperband` rows are the current defaults.
const ASHA: PrunerSpec = { kind: 'successiveHalving', options: { minResource: 1 } };
const HYPERBAND: PrunerSpec = { kind: 'hyperband', options: { minResource: 1 } };

/** The pruner rows the benchmark knows, by label: hpo's pruners with their defaults, then the variants we tried. */
export const PRUNER_VARIANTS: Record<string, Variant> = {
  none: { make: fromSpec({ kind: 'nop' }), description: 'no pruning' },
  median: { make: fromSpec({ kind: 'median', options: {} }), description: "median pruner, Optuna's defaults (5 startup trials, no warm-up)" },
  asha: {
    make: fromSpec({ kind: 'successiveHalving', options: {} }),
    description:
      'successive halving (ASHA), hpo defaults: η = 4, min resource learned (the first step at which the 3 best of the first 10 complete ' +
      'trials were all among the best 3; nothing pruned before), the sampler learning from every trial',
  },
  hyperband: {
    make: fromSpec({ kind: 'hyperband', options: {} }),
    description:
      'Hyperband, hpo defaults: η = 3, max resource learned (as Optuna), min resource learned as for asha; the sampler learning from ' +
      "its own bracket's trials (as Optuna)",
  },
  'asha-optuna-view': {
    make: withSamplerView(fromSpec(ASHA), (_p, study) => study),
    description: "asha with min resource 1 (Optuna's auto gives 1 here), the sampler learning from every trial (what Optuna does)",
  },
  'asha-m1': {
    make: fromSpec(ASHA),
    description: 'asha with min resource 1 (what the previous default, 1% of the first complete trial, comes to here, though it pruned only after that trial), the sampler not learning from first-rung casualties',
  },
  'hyperband-m1': {
    make: fromSpec(HYPERBAND),
    description:
      'hyperband with min resource 1 (the previous default); the sampler learning from complete trials of every bracket ' +
      'and pruned trials of its own bracket not stopped at its first rung',
  },
  'hyperband-optuna-view': {
    make: withSamplerView(fromSpec(HYPERBAND), (p, study, trial) => (p as HyperbandPruner).bracketTrials(study, trial.number) ?? study),
    description: "hyperband with min resource 1 (Optuna's default), the sampler learning only from its bracket's trials (what Optuna does)",
  },
  'asha-hide-pruned': {
    make: withSamplerView(fromSpec(ASHA), (_p, study) => studyViewOf(study, study.getTrials().filter((t) => t.state !== 'PRUNED'))),
    description: 'asha, the sampler never learning from pruned trials',
  },
  'asha-hide-rungs-0-1': {
    make: withSamplerView(fromSpec(ASHA), (_p, study) => studyViewOf(study, study.getTrials().filter((t) => !stoppedBelow(2)(t)))),
    description: 'asha, the sampler not learning from trials stopped at rungs 0 and 1',
  },
  'hyperband-asha-view': {
    make: withSamplerView(fromSpec(HYPERBAND), (_p, study) =>
      studyViewOf(study, study.getTrials().filter((t) => !stoppedBelow(1)(t))),
    ),
    description: 'hyperband, the sampler learning from every bracket, without trials stopped at their bracket’s first rung',
  },
  'hyperband-complete-only': {
    make: withSamplerView(fromSpec(HYPERBAND), (_p, study) => studyViewOf(study, study.getTrials().filter((t) => t.state !== 'PRUNED'))),
    description: 'hyperband, the sampler learning from complete (and running) trials of every bracket, no pruned ones',
  },
  'hyperband-late-pruned': {
    make: withSamplerView(fromSpec(HYPERBAND), (_p, study) =>
      studyViewOf(
        study,
        study.getTrials().filter((t) => t.state !== 'PRUNED' || [...t.intermediateValues.keys()].some((s) => s >= 9)),
      ),
    ),
    description: 'hyperband, the sampler learning from every bracket, pruned trials only when stopped at step 9 or later',
  },
  'hyperband-global-rung0': {
    make: withSamplerView(fromSpec(HYPERBAND), (_p, study) =>
      studyViewOf(
        study,
        study.getTrials().filter((t) => t.state !== 'PRUNED' || [...t.intermediateValues.keys()].some((s) => s >= 3)),
      ),
    ),
    description: 'hyperband, the sampler learning from every bracket, pruned trials only when stopped at step 3 or later',
  },
  'asha-m4e3': {
    make: fromSpec({ kind: 'successiveHalving', options: { minResource: 4, reductionFactor: 3 } }),
    description: 'asha with min resource 4, η = 3 (rungs at 4, 12, 36)',
  },
};

/** Spearman's ρ with average ranks; 0 when a side is constant. */
function spearman(pairs: readonly (readonly [number, number])[]): number {
  const ranks = (v: number[]) => {
    const order = v.map((_, i) => i).sort((a, b) => v[a] - v[b]);
    const r = new Array<number>(v.length);
    for (let i = 0; i < order.length; ) {
      let j = i;
      while (j + 1 < order.length && v[order[j + 1]] === v[order[i]]) j++;
      for (let k = i; k <= j; k++) r[order[k]] = (i + j) / 2 + 1;
      i = j + 1;
    }
    return r;
  };
  const a = ranks(pairs.map((p) => p[0]));
  const b = ranks(pairs.map((p) => p[1]));
  const m = (pairs.length + 1) / 2;
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < pairs.length; i++) {
    ab += (a[i] - m) * (b[i] - m);
    aa += (a[i] - m) ** 2;
    bb += (b[i] - m) ** 2;
  }
  return aa === 0 || bb === 0 ? 0 : ab / Math.sqrt(aa * bb);
}

/** Experiment: a stop at rung k stands only once rung k has proven predictive among complete trials. */
function stopOnlyAtPredictiveRungs(inner: () => Pruner, minTrials: number, minRho: number) {
  return (): Pruner => {
    const p = inner();
    return {
      supportsMultiObjective: false,
      samplerView: p.samplerView?.bind(p),
      prune(study, trial, step) {
        const d = p.prune(study, trial, step);
        const rung = d.systemAttrs?.[STOPPED_AT_RUNG_ATTR];
        if (!d.prune || typeof rung !== 'number' || Number.isNaN(trial.intermediateValues.get(step) ?? 0)) return d;
        const pairs: [number, number][] = [];
        for (const t of study.getTrials(['COMPLETE'])) {
          const v = t.systemAttrs[`completed_rung_${rung}`];
          if (typeof v === 'number' && t.values) pairs.push([v, t.values[0]]);
        }
        const rho = pairs.length >= minTrials ? spearman(pairs) : undefined;
        if (rho !== undefined && rho >= minRho) return d;
        const { [STOPPED_AT_RUNG_ATTR]: _stopped, ...rest } = d.systemAttrs!;
        return { prune: false, reason: `rung ${rung} not predictive yet (ρ = ${rho})`, systemAttrs: rest };
      },
    };
  };
}

Object.assign(PRUNER_VARIANTS, {
  'asha-predictive': {
    make: stopOnlyAtPredictiveRungs(fromSpec(ASHA), 5, 0.5),
    description: 'asha; a stop at a rung stands only once ≥ 5 complete trials show ρ ≥ 0.5 between that rung and the final value',
  },
  'asha-predictive-8-07': {
    make: stopOnlyAtPredictiveRungs(fromSpec(ASHA), 8, 0.7),
    description: 'asha-predictive with ≥ 8 trials and ρ ≥ 0.7',
  },
});

// Issue 6, second round: where the first rung goes when min_resource is unset, and what the sampler sees then.
const ashaWith = (autoMinResource: SuccessiveHalvingConfig['autoMinResource'], reductionFactor = 4) => () =>
  new SuccessiveHalvingPruner({ minResource: undefined, autoMinResource, reductionFactor, minEarlyStoppingRate: 0, bootstrapCount: 0 });
Object.assign(PRUNER_VARIANTS, {
  'asha-auto-1pct': {
    make: ashaWith('optuna'),
    description: "asha with Optuna's auto min resource (1% of the first complete trial), first-rung casualties hidden (the hpo default before issue 6's second round)",
  },
  'asha-pred-10-07': { make: ashaWith({ minTrials: 10, minRecall: 0.7 }), description: 'asha, first rung where ρ ≥ 0.7 on 10 complete trials' },
  'asha-pred-10-09': { make: ashaWith({ minTrials: 10, minRecall: 0.9 }), description: 'asha, first rung where ρ ≥ 0.9 on 10 complete trials' },
  'asha-pred-5-08': { make: ashaWith({ minTrials: 5, minRecall: 0.8 }), description: 'asha, first rung where ρ ≥ 0.8 on 5 complete trials' },
  'asha-pred-eta3': { make: ashaWith(undefined, 3), description: 'asha, default predictive first rung, η = 3' },
  'asha-pred-eta2': { make: ashaWith(undefined, 2), description: 'asha, default predictive first rung, η = 2' },
  'asha-pred-show-all': {
    make: withSamplerView(ashaWith(undefined), (_p, study) => study),
    description: 'asha, default predictive first rung, the sampler learning from every trial',
  },
});

const ashaAt = (minResource: number, reductionFactor = 4) => () =>
  new SuccessiveHalvingPruner({ minResource, reductionFactor, minEarlyStoppingRate: 0, bootstrapCount: 0 });
Object.assign(PRUNER_VARIANTS, {
  'asha-m8': { make: ashaAt(8), description: 'asha, min resource 8 (rungs 8, 32)' },
  'asha-m16': { make: ashaAt(16), description: 'asha, min resource 16 (rungs 16, 64)' },
  'asha-m32': { make: ashaAt(32), description: 'asha, min resource 32 (one rung)' },
});

Object.assign(PRUNER_VARIANTS, {
  'asha-pred-10-05': { make: ashaWith({ minTrials: 10, minRecall: 0.5 }), description: 'asha, first rung where ρ ≥ 0.5 on 10 complete trials' },
  'asha-pred-10-03': { make: ashaWith({ minTrials: 10, minRecall: 0.3 }), description: 'asha, first rung where ρ ≥ 0.3 on 10 complete trials' },
  'asha-pred-10-05-show-all': {
    make: withSamplerView(ashaWith({ minTrials: 10, minRecall: 0.5 }), (_p, study) => study),
    description: 'asha-pred-10-05, the sampler learning from every trial',
  },
  'asha-m8-show-all': { make: withSamplerView(ashaAt(8), (_p, study) => study), description: 'asha-m8, the sampler learning from every trial' },
});

Object.assign(PRUNER_VARIANTS, {
  'asha-m48': { make: ashaAt(48), description: 'asha, min resource 48 (one rung)' },
  'asha-m64': { make: ashaAt(64), description: 'asha, min resource 64 (one rung)' },
  'hyperband-m3': { make: fromSpec({ kind: 'hyperband', options: { minResource: 3 } }), description: 'hyperband, min resource 3' },
  'hyperband-m9': { make: fromSpec({ kind: 'hyperband', options: { minResource: 9 } }), description: 'hyperband, min resource 9' },
});

const showAll = (inner: () => Pruner) => withSamplerView(inner, (_p, study) => study);
Object.assign(PRUNER_VARIANTS, {
  'asha-m64-show-all': { make: showAll(ashaAt(64)), description: 'asha-m64, the sampler learning from every trial' },
  'asha-m32-show-all': { make: showAll(ashaAt(32)), description: 'asha-m32, the sampler learning from every trial' },
  'asha-m16-show-all': { make: showAll(ashaAt(16)), description: 'asha-m16, the sampler learning from every trial' },
  'asha-pred-10-07-show-all': { make: showAll(ashaWith({ minTrials: 10, minRecall: 0.7 })), description: 'asha-pred-10-07, the sampler learning from every trial' },
  'asha-pred-10-09-show-all': { make: showAll(ashaWith({ minTrials: 10, minRecall: 0.9 })), description: 'asha-pred-10-09, the sampler learning from every trial' },
});

const hyperbandWith = (minResource: number | undefined, minResourceRule?: PredictiveMinResourceRule) => () =>
  new HyperbandPruner({ minResource, minResourceRule, maxResource: undefined, reductionFactor: 3, bootstrapCount: 0 });
Object.assign(PRUNER_VARIANTS, {
  'hyperband-pred': { make: hyperbandWith(undefined), description: 'hyperband, min resource learned (ρ ≥ 0.8 on 10 complete trials)' },
  'hyperband-pred-show-all': { make: showAll(hyperbandWith(undefined)), description: 'hyperband-pred, the sampler learning from every trial' },
  'hyperband-pred-optuna-view': {
    make: withSamplerView(hyperbandWith(undefined), (p, study, trial) => (p as HyperbandPruner).bracketTrials(study, trial.number) ?? study),
    description: "hyperband-pred, the sampler learning only from its bracket's trials (Optuna)",
  },
  'hyperband-pred-07': { make: hyperbandWith(undefined, { minTrials: 10, minRecall: 0.7 }), description: 'hyperband, min resource learned (ρ ≥ 0.7)' },
  'hyperband-pred-05': { make: hyperbandWith(undefined, { minTrials: 10, minRecall: 0.5 }), description: 'hyperband, min resource learned (ρ ≥ 0.5)' },
  'hyperband-pred-05-show-all': { make: showAll(hyperbandWith(undefined, { minTrials: 10, minRecall: 0.5 })), description: 'hyperband-pred-05, the sampler learning from every trial' },
});

Object.assign(PRUNER_VARIANTS, {
  'hyperband-pred-all-own-pruned': {
    make: hyperbandWith(undefined),
    description: 'hyperband, min resource learned (best quarter all ahead, 10 trials); complete trials of every bracket and every pruned trial of its own',
  },
  'hyperband-pred-all-optuna-view': {
    make: withSamplerView(hyperbandWith(undefined), (p, study, trial) => (p as HyperbandPruner).bracketTrials(study, trial.number) ?? study),
    description: "hyperband-pred-all-own-pruned, the sampler learning only from its bracket's trials (Optuna)",
  },
});
