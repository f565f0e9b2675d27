/**
 * Quality benchmark (issue 4): samplers on the public suite through the server's sampling flow; simple regret
 * at 25/50/100/200 trials, median and IQR over seeds, Mann–Whitney rank tests between samplers, and Optuna's
 * anchors side by side. See bench/README.md.
 *
 *   npx tsx bench/quality/main.ts --samplers random,tpe --seeds 20 --trials 200 [--functions branin,levy5]
 *     [--jobs 2] [--section quality] [--no-write] [--out runs.jsonl]
 */
import { fork } from 'node:child_process';
import { appendFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createSampler } from '../../samplers/create-sampler.js';
import { writeResultsSection } from '../support/results-file.js';
import { OPTUNA_ANCHORS } from './anchors.js';
import { findFunction, SUITE } from './functions.js';
import { mannWhitneyU } from './mann-whitney.js';
import { parseSamplerArg } from './sampler-arg.js';
import { type QualityRun, type QualityTask, runQuality } from './run-quality.js';
import { fmt, medianIqr } from './summary-stats.js';

const BUDGETS = [25, 50, 100, 200, 400, 1000, 2000];

interface Flags {
  samplers: string[];
  seeds: number;
  seedOffset: number;
  trials: number;
  functions: string[];
  jobs: number;
  section: string;
  write: boolean;
  out?: string;
  title?: string;
}

/** Every sampler this build can construct by name (so a newly registered sampler gets its rows by default). */
function availableSamplers(): string[] {
  return ['random', 'qmc', 'tpe', 'gp'].filter((word) => {
    try {
      createSampler(parseSamplerArg(word));
      return true;
    } catch {
      return false;
    }
  });
}

function parseFlags(argv: readonly string[]): Flags {
  const flags: Flags = {
    samplers: availableSamplers(),
    seeds: 20,
    seedOffset: 0,
    trials: 200,
    functions: SUITE.map((fn) => fn.name),
    jobs: 1,
    section: 'quality',
    write: true,
  };
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i];
    const next = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${key} needs a value`);
      return v;
    };
    switch (key) {
      case '--samplers': flags.samplers = next().split(','); break;
      case '--seeds': flags.seeds = Number(next()); break;
      case '--seed-offset': flags.seedOffset = Number(next()); break;
      case '--trials': flags.trials = Number(next()); break;
      case '--functions': flags.functions = next().split(',').map((name) => findFunction(name).name); break;
      case '--jobs': flags.jobs = Math.max(1, Number(next())); break;
      case '--section': flags.section = next(); break;
      case '--title': flags.title = next(); break;
      case '--no-write': flags.write = false; break;
      case '--out': flags.out = next(); break;
      default: throw new Error(`unknown flag ${key}`);
    }
  }
  return flags;
}

/** Runs tasks in `jobs` child processes (the same script with --child), or in-process when jobs is 1. */
async function runAll(tasks: QualityTask[], jobs: number, onRun: (run: QualityRun) => void): Promise<void> {
  if (jobs <= 1) {
    for (const task of tasks) onRun(runQuality(task, findFunction(task.fn)));
    return;
  }
  const script = fileURLToPath(import.meta.url);
  let nextTask = 0;
  await Promise.all(
    Array.from({ length: Math.min(jobs, tasks.length) }, () =>
      new Promise<void>((resolve, reject) => {
        const child = fork(script, ['--child'], { execArgv: process.execArgv });
        const feed = () => {
          if (nextTask < tasks.length) child.send(tasks[nextTask++]);
          else child.send('done');
        };
        child.on('message', (run: QualityRun) => {
          onRun(run);
          feed();
        });
        child.on('error', reject);
        child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`quality worker exited with ${code}`))));
        feed();
      }),
    ),
  );
}

function childLoop(): void {
  process.on('message', (msg: QualityTask | 'done') => {
    if (msg === 'done') {
      process.disconnect();
      return;
    }
    process.send!(runQuality(msg, findFunction(msg.fn)));
  });
}

function report(flags: Flags, runs: QualityRun[]): string {
  const budgets = BUDGETS.filter((b) => b <= flags.trials);
  const at = (sampler: string, fn: string, b: number) =>
    runs.filter((r) => r.sampler === sampler && r.fn === fn).map((r) => r.bestRegret[b - 1]);
  const lines: string[] = [];
  lines.push(flags.title ?? `## Quality: simple regret on the public suite`);
  lines.push('');
  lines.push(
    `${flags.seeds} seeds × ${flags.trials} trials, minimisation, float box, one worker, through sampleTrialStart ` +
      `(\`${['npx tsx bench/quality/main.ts', '--samplers', flags.samplers.join(','), '--seeds', flags.seeds, '--trials', flags.trials].join(' ')}\`). ` +
      'Cells: median [Q1, Q3] of best-so-far minus optimum. "Optuna TPE best" is, per function, the better of ' +
      'Optuna 3.1 and 4.9 default TPE (issue 4); "Optuna random" and "Optuna CMA-ES" are Optuna 3.1. Bold: a ' +
      'median below the Optuna TPE anchor.',
  );
  for (const b of budgets) {
    lines.push('', `### ${b} trials`, '');
    const anchorCols = ['Optuna TPE best', 'Optuna random', 'Optuna CMA-ES'];
    lines.push(`| function | ${flags.samplers.join(' | ')} | ${anchorCols.join(' | ')} |`);
    lines.push(`|---|${flags.samplers.map(() => '---').join('|')}|${anchorCols.map(() => '---').join('|')}|`);
    for (const fn of flags.functions) {
      const anchor = OPTUNA_ANCHORS[fn];
      const cells = flags.samplers.map((s) => {
        const { median, q1, q3 } = medianIqr(at(s, fn, b));
        const beat = anchor?.tpeBest[b] !== undefined && median < anchor.tpeBest[b];
        const m = beat ? `**${fmt(median)}**` : fmt(median);
        return `${m} [${fmt(q1)}, ${fmt(q3)}]`;
      });
      const a = (x: number | undefined) => (x === undefined ? '–' : fmt(x));
      lines.push(`| ${fn} | ${cells.join(' | ')} | ${a(anchor?.tpeBest[b])} | ${a(anchor?.random[b])} | ${a(anchor?.cmaes[b])} |`);
    }
  }
  const anchored = budgets.filter((b) => b === 100 || b === 200);
  if (anchored.length > 0) {
    lines.push('', '### Functions where the median beats the Optuna TPE anchor', '');
    lines.push(`| sampler | ${anchored.map((b) => `at ${b}`).join(' | ')} | at both |`);
    lines.push(`|---|${anchored.map(() => '---').join('|')}|---|`);
    for (const s of flags.samplers) {
      const beats = (b: number) =>
        flags.functions.filter((fn) => {
          const bar = OPTUNA_ANCHORS[fn]?.tpeBest[b];
          return bar !== undefined && medianIqr(at(s, fn, b)).median < bar;
        });
      const both = flags.functions.filter((fn) => anchored.every((b) => beats(b).includes(fn)));
      lines.push(`| ${s} | ${anchored.map((b) => `${beats(b).length}/${flags.functions.length}`).join(' | ')} | ${both.length}/${flags.functions.length} |`);
    }
  }
  if (flags.samplers.length > 1) {
    const last = budgets[budgets.length - 1];
    const testBudgets = [...new Set([100, last].filter((b) => b <= flags.trials))];
    lines.push('', `### Rank tests (two-sided Mann–Whitney U over seeds, at ${testBudgets.join(' and ')} trials)`, '');
    lines.push('P(A<B) is the chance a seed of A ends below a seed of B; "<" or ">" marks p < 0.05.', '');
    lines.push('| function | A vs B | trials | P(A<B) | p | |');
    lines.push('|---|---|---|---|---|---|');
    for (const fn of flags.functions) {
      for (let i = 0; i < flags.samplers.length; i++) {
        for (let j = i + 1; j < flags.samplers.length; j++) {
          for (const b of testBudgets) {
            const t = mannWhitneyU(at(flags.samplers[i], fn, b), at(flags.samplers[j], fn, b));
            const mark = t.p < 0.05 ? (t.probALower > 0.5 ? '<' : '>') : '';
            lines.push(`| ${fn} | ${flags.samplers[i]} vs ${flags.samplers[j]} | ${b} | ${t.probALower.toFixed(2)} | ${fmt(t.p)} | ${mark} |`);
          }
        }
      }
    }
  }
  lines.push('', '### Seconds per run (mean)', '');
  lines.push(`| function | ${flags.samplers.join(' | ')} |`);
  lines.push(`|---|${flags.samplers.map(() => '---').join('|')}|`);
  for (const fn of flags.functions) {
    const cells = flags.samplers.map((s) => {
      const xs = runs.filter((r) => r.sampler === s && r.fn === fn).map((r) => r.seconds);
      return fmt(xs.reduce((a, x) => a + x, 0) / Math.max(1, xs.length));
    });
    lines.push(`| ${fn} | ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  if (process.argv.includes('--child')) {
    childLoop();
    return;
  }
  const flags = parseFlags(process.argv.slice(2));
  const tasks: QualityTask[] = [];
  for (const fn of flags.functions)
    for (const sampler of flags.samplers)
      for (let seed = flags.seedOffset; seed < flags.seedOffset + flags.seeds; seed++) tasks.push({ sampler, fn, seed, trials: flags.trials });
  if (flags.out) writeFileSync(flags.out, '');
  const runs: QualityRun[] = [];
  const t0 = performance.now();
  await runAll(tasks, flags.jobs, (run) => {
    runs.push(run);
    if (flags.out) appendFileSync(flags.out, `${JSON.stringify(run)}\n`);
    if (runs.length % 20 === 0 || runs.length === tasks.length)
      process.stderr.write(`\r${runs.length}/${tasks.length} runs, ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  });
  process.stderr.write('\n');
  const md = report(flags, runs);
  console.log(md);
  if (flags.write) writeResultsSection(flags.section, md);
}

await main();
