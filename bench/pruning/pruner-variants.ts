import type { Pruner } from '../../src/core/pruner.js';
import { type StudyView, studyViewOf } from '../../src/core/study.js';
import type { FrozenTrial } from '../../src/core/trial.js';
import { createPruner } from '../../pruners/create-pruner.js';
import type { HyperbandPruner } from '../../pruners/hyperband.js';
import type { PrunerSpec } from '../../pruners/pruner-spec.js';
import { STOPPED_AT_RUNG_ATTR } from '../../pruners/successive-halving.js';

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

const ASHA: PrunerSpec = { kind: 'successiveHalving', options: {} };
const HYPERBAND: PrunerSpec = { kind: 'hyperband', options: {} };

/** The pruner rows the benchmark knows, by label: hpo's pruners with Optuna's default options, then the variants we tried. */
export const PRUNER_VARIANTS: Record<string, Variant> = {
  none: { make: fromSpec({ kind: 'nop' }), description: 'no pruning' },
  median: { make: fromSpec({ kind: 'median', options: {} }), description: "median pruner, Optuna's defaults (5 startup trials, no warm-up)" },
  asha: {
    make: fromSpec(ASHA),
    description:
      "successive halving (ASHA) with Optuna's default options (min resource auto = 1% of the first complete trial = 1 step, η = 4); " +
      'the sampler does not learn from trials stopped at the first rung (hpo default)',
  },
  hyperband: {
    make: fromSpec(HYPERBAND),
    description:
      "Hyperband with Optuna's default options (min resource 1, max resource auto, η = 3); the sampler learns from complete trials of " +
      'every bracket and pruned trials of its own bracket not stopped at its first rung (hpo default)',
  },
  'asha-optuna-view': {
    make: withSamplerView(fromSpec(ASHA), (_p, study) => study),
    description: 'asha, the sampler learning from every trial (what Optuna does)',
  },
  'hyperband-optuna-view': {
    make: withSamplerView(fromSpec(HYPERBAND), (p, study, trial) => (p as HyperbandPruner).bracketTrials(study, trial.number) ?? study),
    description: "hyperband, the sampler learning only from its bracket's trials (what Optuna does)",
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
