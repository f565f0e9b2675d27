/**
 * Diagnosis for issue 6: what the pruner stops and what the sampler learns from, on the pruning benchmark's
 * curves (the benchmark knows each configuration's final value, so every pruned trial's lost final is known).
 *
 *   npx tsx bench/pruning/diagnose.ts [--sampler tpe] [--pruner asha] [--seeds 5] [--tau-max 60] [--late-bloom 0.6]
 *
 * Prints, over seeds: where the configuration that would have ended best was stopped, how many of the ten best
 * would-be finals were stopped (by rung), how well the value at each step ranks final values among complete
 * trials (Spearman ρ), and, at every ask after TPE's start-up, how many of TPE's good set l(x) are pruned trials
 * and how good those really were.
 */
import type { Pruner } from '../../src/core/pruner.js';
import type { FrozenTrial } from '../../src/core/trial.js';
import { optunaGamma } from '../../samplers/tpe/gamma.js';
import { splitTrials } from '../../samplers/tpe/split-trials.js';
import { STOPPED_AT_RUNG_ATTR } from '../../pruners/successive-halving.js';
import { findFunction } from '../quality/functions.js';
import { curveModelOf, lossAt, timeConstant } from './learning-curves.js';
import { PRUNER_VARIANTS } from './pruner-variants.js';
import { runPruning } from './run-pruning.js';

const args = process.argv.slice(2);
const flag = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const samplerName = flag('sampler', 'tpe');
const prunerName = flag('pruner', 'asha');
const seeds = Number(flag('seeds', '5'));
const model = curveModelOf(findFunction('hartmann6'), { tauMax: Number(flag('tau-max', '60')), lateBloom: Number(flag('late-bloom', '0.6')) });
const xOf = (t: FrozenTrial): number[] => model.fn.bounds.map((_, i) => t.params[`x${i}`] as number);
const finalOf = (t: FrozenTrial): number => model.fn.f(xOf(t));

/** Spearman's ρ with average ranks. */
export function spearman(a: readonly number[], b: readonly number[]): number {
  const ranks = (v: readonly number[]) => {
    const order = v.map((_, i) => i).sort((i, j) => v[i] - v[j]);
    const r = new Array<number>(v.length);
    for (let i = 0; i < order.length; ) {
      let j = i;
      while (j + 1 < order.length && v[order[j + 1]] === v[order[i]]) j++;
      for (let k = i; k <= j; k++) r[order[k]] = (i + j) / 2;
      i = j + 1;
    }
    return r;
  };
  const ra = ranks(a);
  const rb = ranks(b);
  const m = (a.length - 1) / 2;
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += (ra[i] - m) * (rb[i] - m);
    aa += (ra[i] - m) ** 2;
    bb += (rb[i] - m) ** 2;
  }
  return aa === 0 || bb === 0 ? 0 : ab / Math.sqrt(aa * bb);
}

const where = (t: FrozenTrial): string =>
  t.state === 'PRUNED' ? `rung ${t.systemAttrs[STOPPED_AT_RUNG_ATTR] ?? '?'} (step ${Math.max(...t.intermediateValues.keys())})` : t.state;

const bestWhere: Record<string, number> = {};
const top10Where: Record<string, number> = {};
const rhoSteps = [1, 2, 4, 8, 16, 32, 48, 64, 80];
const rhos: number[][] = rhoSteps.map(() => []);
let asks = 0;
let prunedInBelow = 0;
let belowSize = 0;
const prunedBelowPercentile: number[] = [];
const completeBelowPercentile: number[] = [];
let lostBetterThanFound = 0;
const lostByRung: Record<string, number> = {};

for (let seed = 0; seed < seeds; seed++) {
  const inner = PRUNER_VARIANTS[prunerName].make();
  // Every ask: TPE's split of what the sampler is shown (its hook), scored with the true finals.
  const pruner: Pruner = {
    supportsMultiObjective: false,
    prune: (s, t, step) => inner.prune(s, t, step),
    samplerView(study, trial) {
      const view = inner.samplerView ? inner.samplerView(study, trial) : study;
      const finished = view.getTrials(['COMPLETE', 'PRUNED']);
      if (finished.length >= 10) {
        const all = study.getTrials().filter((t) => t.params.x0 !== undefined).map(finalOf).sort((a, b) => a - b);
        const pct = (v: number) => all.findIndex((w) => w >= v) / all.length;
        const split = splitTrials(finished, ['minimize'], optunaGamma, false);
        asks++;
        belowSize += split.below.length;
        for (const t of split.below) {
          if (t.state === 'PRUNED') {
            prunedInBelow++;
            prunedBelowPercentile.push(pct(finalOf(t)));
          } else completeBelowPercentile.push(pct(finalOf(t)));
        }
      }
      return view;
    },
  };
  runPruning({ sampler: samplerName, pruner: prunerName, seed, budget: 10000, workers: 4 }, model, pruner, (study) => {
    const trials = study.allTrials().filter((t) => t.params.x0 !== undefined);
    const byFinal = [...trials].sort((a, b) => finalOf(a) - finalOf(b));
    bestWhere[where(byFinal[0])] = (bestWhere[where(byFinal[0])] ?? 0) + 1;
    for (const t of byFinal.slice(0, 10)) top10Where[where(t)] = (top10Where[where(t)] ?? 0) + 1;
    const complete = trials.filter((t) => t.state === 'COMPLETE');
    const found = Math.min(...complete.map(finalOf));
    for (const t of trials) {
      if (t.state === 'PRUNED' && finalOf(t) < found) {
        lostBetterThanFound++;
        lostByRung[where(t)] = (lostByRung[where(t)] ?? 0) + 1;
      }
    }
    rhoSteps.forEach((s, i) => {
      if (complete.length >= 5) rhos[i].push(spearman(complete.map((t) => t.intermediateValues.get(s)!), complete.map(finalOf)));
    });
  });
  console.error(`seed ${seed} done`);
}

const med = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[s.length >> 1] : Number.NaN;
};
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
// The curve model's own ρ on random configurations, noise-free: what a rung can know at best.
const rng = Array.from({ length: 400 }, (_, i) => model.fn.bounds.map(([lo, hi], d) => lo + (hi - lo) * ((Math.sin(i * 12.9898 + d * 78.233) * 43758.5453) % 1 + 1) % 1));
const randomRho = rhoSteps.map((s) => spearman(rng.map((x) => lossAt(model, x, s, timeConstant(model, x))), rng.map((x) => model.fn.f(x))));

console.log(`${samplerName} + ${prunerName}, τ ≤ ${model.tauMax}, late bloom ${model.lateBloom}, ${seeds} seeds`);
console.log(`where the best would-be final was:`, bestWhere);
console.log(`where the 10 best would-be finals were (×${seeds} seeds):`, top10Where);
console.log(`pruned trials that would have beaten the best found (per seed ${(lostBetterThanFound / seeds).toFixed(1)}):`, lostByRung);
console.log(`Spearman ρ(value at step, final) among complete trials, median over seeds:`);
console.log(rhoSteps.map((s, i) => `step ${s}: ${med(rhos[i]).toFixed(2)}`).join(', '));
console.log(`… among 400 random configurations, noise-free:`);
console.log(rhoSteps.map((s, i) => `step ${s}: ${randomRho[i].toFixed(2)}`).join(', '));
console.log(
  `TPE good set over ${asks} asks: ${(belowSize / asks).toFixed(1)} trials on average, ${((100 * prunedInBelow) / belowSize).toFixed(1)}% pruned; ` +
    `true-final percentile among all trials started: pruned ones ${(100 * mean(prunedBelowPercentile)).toFixed(0)}% (mean), complete ones ${(100 * mean(completeBelowPercentile)).toFixed(0)}%`,
);
