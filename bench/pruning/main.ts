/**
 * Pruning benchmark (issue 6): pruners on synthetic learning curves at a fixed compute budget in steps, with
 * several asynchronous workers, through the server's sampling flow and pruner contract. See bench/README.md.
 *
 *   npx tsx bench/pruning/main.ts [--samplers random,tpe] [--pruners none,median,asha,hyperband] [--seeds 20]
 *     [--budget 10000] [--workers 4] [--function hartmann6] [--jobs 2] [--section pruning] [--no-write]
 *     [--runs runs.jsonl]   (every finished run is appended there, and runs already there are not run again)
 */
import { fork } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Pruner } from '../../src/core/pruner.js';
import { findFunction } from '../quality/functions.js';
import { writeResultsSection } from '../support/results-file.js';
import { curveModelOf, type CurveModel } from './learning-curves.js';
import { PRUNER_VARIANTS } from './pruner-variants.js';
import { type PruningRun, type PruningTask, runPruning } from './run-pruning.js';

interface Flags {
  samplers: string[];
  pruners: string[];
  seeds: number;
  budget: number;
  workers: number;
  fn: string;
  jobs: number;
  section: string;
  write: boolean;
  runs?: string;
  lateBloom?: number;
  tauMax?: number;
}

function parseFlags(argv: readonly string[]): Flags {
  const flags: Flags = {
    samplers: ['random', 'tpe'],
    pruners: ['none', 'median', 'asha', 'hyperband'],
    seeds: 20,
    budget: 10000,
    workers: 4,
    fn: 'hartmann6',
    jobs: 1,
    section: 'pruning',
    write: true,
  };
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i];
    const next = () => argv[++i];
    if (key === '--samplers') flags.samplers = next().split(',');
    else if (key === '--pruners') flags.pruners = next().split(',');
    else if (key === '--seeds') flags.seeds = Number(next());
    else if (key === '--budget') flags.budget = Number(next());
    else if (key === '--workers') flags.workers = Number(next());
    else if (key === '--function') flags.fn = next();
    else if (key === '--jobs') flags.jobs = Number(next());
    else if (key === '--section') flags.section = next();
    else if (key === '--late-bloom') flags.lateBloom = Number(next());
    else if (key === '--tau-max') flags.tauMax = Number(next());
    else if (key === '--no-write') flags.write = false;
    else if (key === '--runs') flags.runs = next();
    else throw new Error(`unknown flag ${key}`);
  }
  for (const p of flags.pruners) if (!PRUNER_VARIANTS[p]) throw new Error(`unknown pruner "${p}"; known: ${Object.keys(PRUNER_VARIANTS).join(', ')}`);
  return flags;
}

function modelOf(flags: Pick<Flags, 'fn' | 'lateBloom' | 'tauMax'>): CurveModel {
  return curveModelOf(findFunction(flags.fn), { lateBloom: flags.lateBloom, tauMax: flags.tauMax });
}

function prunerOf(label: string): Pruner {
  return PRUNER_VARIANTS[label].make();
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo] === s[hi] || !Number.isFinite(s[lo]) || !Number.isFinite(s[hi]) ? s[pos - lo < 0.5 ? lo : hi] : s[lo] + (s[hi] - s[lo]) * (pos - lo);
};
const fmt = (x: number, digits = 3): string => (Number.isFinite(x) ? x.toFixed(digits) : x > 0 ? '—' : '-∞');

async function runAll(tasks: PruningTask[], flags: Flags, done: (run: PruningRun) => void): Promise<void> {
  if (flags.jobs <= 1) {
    for (const t of tasks) done(runPruning(t, modelOf(flags), prunerOf(t.pruner)));
    return;
  }
  const chunks: PruningTask[][] = Array.from({ length: flags.jobs }, () => []);
  tasks.forEach((t, i) => chunks[i % flags.jobs].push(t));
  const self = fileURLToPath(import.meta.url);
  await Promise.all(
    chunks.map(
      (chunk) =>
        new Promise<void>((resolve, reject) => {
          const child = fork(self, ['--worker'], { execArgv: process.execArgv });
          child.on('message', (m) => (m === 'done' ? resolve() : done(m as PruningRun)));
          child.once('error', reject);
          child.once('exit', () => resolve());
          child.send({ tasks: chunk, fn: flags.fn, lateBloom: flags.lateBloom, tauMax: flags.tauMax });
        }),
    ),
  );
}

const keyOf = (t: PruningTask): string => `${t.sampler}|${t.pruner}|${t.seed}|${t.budget}|${t.workers}`;

async function main(): Promise<void> {
  if (process.argv.includes('--worker')) {
    process.once('message', (m: { tasks: PruningTask[]; fn: string; lateBloom?: number; tauMax?: number }) => {
      const model = modelOf(m);
      for (const t of m.tasks) process.send!(runPruning(t, model, prunerOf(t.pruner)));
      process.send!('done', () => process.exit(0));
    });
    return;
  }
  const flags = parseFlags(process.argv.slice(2));
  const tasks: PruningTask[] = [];
  // Seeds outermost, so an interrupted run (resumed with --runs) has every row at the same number of seeds.
  for (let seed = 0; seed < flags.seeds; seed++)
    for (const sampler of flags.samplers)
      for (const pruner of flags.pruners) tasks.push({ sampler, pruner, seed, budget: flags.budget, workers: flags.workers });
  const t0 = performance.now();
  const runs: PruningRun[] = [];
  if (flags.runs && existsSync(flags.runs)) {
    const wanted = new Set(tasks.map(keyOf));
    for (const line of readFileSync(flags.runs, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const run = JSON.parse(line, (_k, v) => (v === 'Infinity' ? Infinity : v)) as PruningRun;
      if (wanted.delete(keyOf(run))) runs.push(run);
    }
  }
  const have = new Set(runs.map(keyOf));
  const todo = tasks.filter((t) => !have.has(keyOf(t)));
  console.error(`${runs.length} runs loaded, ${todo.length} to run`);
  await runAll(todo, flags, (run) => {
    runs.push(run);
    if (flags.runs) appendFileSync(flags.runs, `${JSON.stringify(run)}\n`);
    console.error(`${runs.length}/${tasks.length} ${run.sampler} ${run.pruner} seed ${run.seed}: ${run.seconds.toFixed(1)} s`);
  });
  const model = modelOf(flags);

  const lines: string[] = [];
  lines.push(
    `${flags.fn} learning curves (${model.maxSteps} steps, τ ∈ [${model.tauMin}, ${model.tauMax}], late-bloom weight ${model.lateBloom}, noise ${model.noise}·scale), ` +
      `budget ${flags.budget} steps (= ${flags.budget / model.maxSteps} full trials), ${flags.workers} asynchronous workers, ${flags.seeds} seeds. ` +
      `Median over seeds [IQR]. "Best final" is the best told value among trials that ran to the end (lower is better; optimum ${model.fn.optimum}). ` +
      `"Steps to 1%" is the budget spent when a completed trial first came within 1% (of |value|) of the best final value the same sampler found without pruning on the same seed (— if never; median over seeds, unreached counted as never).`,
  );
  lines.push('');
  lines.push('| sampler | pruner | best final | trials run | completed | steps to 1% | reached 1% | wins vs none | s/run |');
  lines.push('|---|---|---|---|---|---|---|---|---|');
  for (const sampler of flags.samplers) {
    const bySeedNone = new Map<number, number>();
    for (const r of runs) if (r.sampler === sampler && r.pruner === 'none') bySeedNone.set(r.seed, bestOf(r));
    for (const pruner of flags.pruners) {
      const mine = runs.filter((r) => r.sampler === sampler && r.pruner === pruner);
      const bests = mine.map(bestOf);
      const toTarget: number[] = [];
      let reached = 0;
      let wins = 0;
      for (const r of mine) {
        const ref = bySeedNone.get(r.seed);
        if (ref === undefined) continue;
        const target = ref + 0.01 * Math.abs(ref);
        const hit = r.completions.find((c) => c.value <= target);
        toTarget.push(hit ? hit.stepsSpent : Infinity);
        if (hit) reached++;
        if (bestOf(r) < ref) wins++;
      }
      lines.push(
        `| ${sampler} | ${pruner} | ${fmt(median(bests))} [${fmt(quantile(bests, 0.25))}, ${fmt(quantile(bests, 0.75))}] | ` +
          `${median(mine.map((r) => r.trialsStarted))} | ${median(mine.map((r) => r.completions.length))} | ` +
          `${toTarget.length ? fmt(median(toTarget), 0) : '—'} | ${reached}/${mine.length} | ${pruner === 'none' ? '' : `${wins}/${mine.length}`} | ${fmt(median(mine.map((r) => r.seconds)), 2)} |`,
      );
    }
  }
  lines.push('');
  lines.push('Pruner settings:');
  for (const p of flags.pruners) lines.push(`- \`${p}\`: ${PRUNER_VARIANTS[p].description}`);
  const table = lines.join('\n');
  console.log(table);
  console.log(`\n(${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  if (flags.write) writeResultsSection(flags.section, `## Pruning (${flags.section})\n\n${table}`);
}

function bestOf(r: PruningRun): number {
  let best = Infinity;
  for (const c of r.completions) if (c.value < best) best = c.value;
  return best;
}

await main();
