/**
 * A compact view of raw runs written by `main.ts --out`: per sampler, the median regret at 100 and 200 trials
 * as a ratio to the Optuna TPE anchor (< 1 beats it), and the count of functions beaten at both budgets.
 * For comparing many TPE variants quickly:  npx tsx bench/quality/compact.ts runs.jsonl [more.jsonl…]
 */
import { readFileSync } from 'node:fs';
import { OPTUNA_ANCHORS } from './anchors.js';
import type { QualityRun } from './run-quality.js';
import { quantile } from './summary-stats.js';

const runs: QualityRun[] = process.argv
  .slice(2)
  .flatMap((file) => readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as QualityRun));
const samplers = [...new Set(runs.map((r) => r.sampler))];
const fns = [...new Set(runs.map((r) => r.fn))];
const short = (s: string) => s.slice(0, 14).padStart(14);
console.log(`${'sampler'.padEnd(60)} ${fns.map(short).join(' ')}  both  geo-mean ratio`);
for (const s of samplers) {
  let both = 0;
  let logSum = 0;
  const cells = fns.map((fn) => {
    const rs = runs.filter((r) => r.sampler === s && r.fn === fn);
    const ratio = (b: number) => quantile(rs.map((r) => r.bestRegret[b - 1]), 0.5) / OPTUNA_ANCHORS[fn].tpeBest[b];
    const a = ratio(100);
    const c = ratio(200);
    if (a < 1 && c < 1) both++;
    logSum += Math.log(Math.max(a, 1e-3)) + Math.log(Math.max(c, 1e-3));
    return `${a.toFixed(2)}/${c.toFixed(2)}`.padStart(14);
  });
  console.log(`${s.padEnd(60)} ${cells.join(' ')}  ${both}     ${Math.exp(logSum / (2 * fns.length)).toFixed(3)}`);
}
