/**
 * GP and QMC against Optuna 4.9's GPSampler (issue 5): reads the JSON lines written by
 * `bench/quality/main.ts --out FILE` and prints, and writes to RESULTS.md (section quality-gp), the median
 * regret at 50 and 100 trials per function next to the anchors, and how many functions each sampler matches.
 *
 *   npx tsx bench/quality/main.ts --samplers gp,qmc,tpe --seeds 10 --trials 100 --jobs 2 --no-write --out /tmp/gp.jsonl
 *   npx tsx bench/quality/gp-anchors.ts /tmp/gp.jsonl [--no-write]
 */
import { readFileSync } from 'node:fs';
import { writeResultsSection } from '../support/results-file.js';
import { SUITE } from './functions.js';
import type { QualityRun } from './run-quality.js';
import { fmt, medianIqr } from './summary-stats.js';

/** Optuna 4.9 GPSampler, one thread, 10 seeds: median regret at 50 / 100 trials (issue 5). */
export const OPTUNA_GP_ANCHORS: Readonly<Record<string, readonly [number, number]>> = {
  branin: [3.6e-5, 1.5e-5],
  hartmann3: [3.1e-5, 1.1e-5],
  hartmann6: [0.0034, 0.00037],
  rosenbrock5: [628, 154],
  ackley5: [7.2, 5.0],
  styblinski_tang5: [57.9, 27.5],
  levy5: [1.04, 0.43],
  six_hump_camel: [0.0042, 3.5e-5],
  rastrigin5: [35.6, 30.2],
  michalewicz5: [2.71, 2.43],
};
const BUDGETS = [50, 100] as const;

const files = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const write = !process.argv.includes('--no-write');
const runs: QualityRun[] = files.flatMap((f) =>
  readFileSync(f, 'utf8')
    .split('\n')
    .filter((line) => line.trim().length > 0)
    .map((line) => JSON.parse(line) as QualityRun),
);
const samplers = [...new Set(runs.map((r) => r.sampler))];
const functions = SUITE.map((fn) => fn.name).filter((fn) => runs.some((r) => r.fn === fn));

const median = (sampler: string, fn: string, budget: number) => {
  const sample = runs.filter((r) => r.sampler === sampler && r.fn === fn && r.bestRegret.length >= budget).map((r) => r.bestRegret[budget - 1]);
  return { ...medianIqr(sample), seeds: sample.length };
};

const lines: string[] = [];
const seeds = Math.max(...samplers.map((s) => runs.filter((r) => r.sampler === s && r.fn === functions[0]).length));
lines.push('### GP and QMC against Optuna 4.9 GPSampler (issue 5)', '');
lines.push(
  `Median simple regret over ${seeds} seeds (IQR in brackets), through the server's sampling flow, default options. ` +
    '**Bold**: at most the Optuna 4.9 GPSampler anchor. Anchor column: Optuna 4.9 GPSampler, 10 seeds.',
  '',
);
for (const budget of BUDGETS) {
  lines.push(`#### ${budget} trials`, '');
  lines.push(`| function | ${samplers.join(' | ')} | Optuna 4.9 GP |`);
  lines.push(`|---|${samplers.map(() => '---').join('|')}|---|`);
  for (const fn of functions) {
    const anchor = OPTUNA_GP_ANCHORS[fn]?.[BUDGETS.indexOf(budget)];
    const cells = samplers.map((s) => {
      const m = median(s, fn, budget);
      if (m.seeds === 0) return '—';
      const text = `${fmt(m.median)} (${fmt(m.q1)}–${fmt(m.q3)})`;
      return anchor !== undefined && m.median <= anchor ? `**${text}**` : text;
    });
    lines.push(`| ${fn} | ${cells.join(' | ')} | ${anchor === undefined ? '—' : fmt(anchor)} |`);
  }
  lines.push('');
}
lines.push('#### Functions where the median is at most Optuna GP\'s / below our TPE\'s', '');
lines.push(`| sampler | ≤ Optuna GP at 50 | at 100 | at both | < tpe at 50 | < tpe at 100 |`);
lines.push('|---|---|---|---|---|---|');
for (const s of samplers) {
  const le = (b: number) => functions.filter((fn) => median(s, fn, b).median <= (OPTUNA_GP_ANCHORS[fn]?.[BUDGETS.indexOf(b as 50 | 100)] ?? -Infinity));
  const both = le(50).filter((fn) => le(100).includes(fn));
  const belowTpe = (b: number) =>
    samplers.includes('tpe') && s !== 'tpe' ? `${functions.filter((fn) => median(s, fn, b).median < median('tpe', fn, b).median).length}/${functions.length}` : '—';
  lines.push(`| ${s} | ${le(50).length}/${functions.length} | ${le(100).length}/${functions.length} | ${both.length}/${functions.length} | ${belowTpe(50)} | ${belowTpe(100)} |`);
}
const markdown = lines.join('\n');
console.log(markdown);
if (write) writeResultsSection('quality-gp', markdown);
