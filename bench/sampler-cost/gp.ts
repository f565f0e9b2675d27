/**
 * Cost of a GP ask (issue 5): milliseconds per ask at 50, 100, 200 and 500 finished trials in 2, 6 and 10
 * dimensions, through the server's sampling flow (InMemoryStudy → sampleTrialStart → GpSampler).
 * The history is filled by the sampler's own QMC start-up phase (nStartupTrials = n), then the GP answers:
 * the first GP ask fits its kernel from the defaults ("cold"), the next ones warm-start from the parameters
 * stored with the previous trial, as in a running study ("warm", the number that matters).
 *
 *   npx tsx bench/sampler-cost/gp.ts [--trials 50,100,200,500] [--dims 2,6,10] [--asks 5] [--no-write]
 */
import type { FloatDistribution, SearchSpace } from '../../src/core/distribution.js';
import { GpSampler } from '../../samplers/gp/gp-sampler.js';
import { InMemoryStudy } from '../support/in-memory-study.js';
import { writeResultsSection } from '../support/results-file.js';

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}
const trialCounts = flag('trials', '50,100,200,500').split(',').map(Number);
const dims = flag('dims', '2,6,10').split(',').map(Number);
const asks = Number(flag('asks', '16'));
const write = !process.argv.includes('--no-write');

// A smooth multimodal test function on [0, 1]^d (the values only need to look like an objective).
function objective(x: readonly number[]): number {
  let v = 0;
  x.forEach((xi, i) => {
    v += (xi - 0.3) ** 2 + 0.1 * Math.sin(7 * xi + i);
  });
  return v;
}

function mean(v: number[]): number {
  return v.reduce((a, b) => a + b, 0) / v.length;
}

// CPU time of this process: on a shared machine wall time mostly measures the neighbours.
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

interface Row {
  d: number;
  n: number;
  cold: number;
  cpu: number;
  wall: number;
  max: number;
}

const rows: Row[] = [];
for (const d of dims) {
  const space: SearchSpace = Object.fromEntries(
    Array.from({ length: d }, (_, i) => [`x${i}`, { kind: 'float', low: 0, high: 1, log: false } satisfies FloatDistribution]),
  );
  const names = Object.keys(space);
  for (const n of trialCounts) {
    const study = new InMemoryStudy(['minimize'], 1, new GpSampler({ nStartupTrials: n }));
    const step = () => {
      const c0 = cpuMs();
      const t0 = performance.now();
      const trial = study.ask(space);
      const wall = performance.now() - t0;
      const cpu = cpuMs() - c0;
      study.tell(trial, 'COMPLETE', [objective(names.map((k) => trial.params[k] as number))]);
      return { wall, cpu };
    };
    for (let i = 0; i < n; i++) step();
    const cold = step().cpu;
    const warm = Array.from({ length: asks }, step);
    const row = {
      d,
      n,
      cold,
      cpu: mean(warm.map((w) => w.cpu)),
      wall: mean(warm.map((w) => w.wall)),
      max: Math.max(...warm.map((w) => w.cpu)),
    };
    rows.push(row);
    console.log(
      `d=${d} n=${n}: ${row.cpu.toFixed(1)} ms CPU per ask (wall ${row.wall.toFixed(1)}, slowest ${row.max.toFixed(0)}, first ${cold.toFixed(0)})`,
    );
  }
}

const header = `| dims | ${trialCounts.map((n) => `${n} trials`).join(' | ')} |`;
const sep = `|---|${trialCounts.map(() => '---:').join('|')}|`;
const table = dims
  .map((d) => `| ${d} | ${trialCounts.map((n) => {
    const r = rows.find((x) => x.d === d && x.n === n)!;
    return `${r.cpu.toFixed(1)} (max ${r.max.toFixed(0)}, first ${r.cold.toFixed(0)})`;
  }).join(' | ')} |`)
  .join('\n');
const markdown = `### GP sampler: milliseconds per ask (issue 5)

Mean CPU milliseconds of the ${asks} asks after n finished trials (periodic warm-started refits included); in
brackets the slowest of them and the first GP ask (fitted from the default hyperparameters). CPU time of the
process, because wall time on this shared 2-core machine mostly measures the neighbours' load (wall means are
printed by the run). Node ${process.version}, one thread, default options (2048 candidates up to 100 training
points, 2048·(100/n)³ beyond, at least 256; 20 local searches up to 100 points, 10 beyond;
at most 200 training points). Anchor, Optuna 4.9 GPSampler in 10 dims: 35 ms at 50 trials, 85 ms at
200, 129 ms at 300. Target: at most 40 ms at 200 trials in 10 dims.

${header}
${sep}
${table}
`;
console.log(`\n${markdown}`);
if (write) writeResultsSection('sampler-cost-gp', markdown);
