/**
 * Sampler cost (issue 4): milliseconds per ask of TPE alone (no storage, no network) with 100, 1,000, 5,000
 * and 10,000 finished trials in the study: 2 and 10 float parameters, and the throughput benchmark's space (two
 * floats and an int in [0, 10]); multivariate (our default) and univariate.
 * One ask = sampleTrialStart over the declared space, the server's code path. As in the served loop, the
 * history moves between asks: each ask sees the trials the previous asks started, told COMPLETE, so memos kept
 * by the sampler between asks cannot hide the cost of a changed history.
 * With `--running R` (default 16; 0 leaves it out) a second table reproduces the served pattern of R workers: each
 * ask sees n finished trials and R − 1 other workers' RUNNING trials plus its own; between asks the oldest running
 * trial is told COMPLETE and the previous ask's trial runs, and the view is built as the service builds it
 * (studyViewOver over per-state lists updated copy-on-write, as StudyCacheEntry.refresh does). `--only running` /
 * `--only finished` runs one table. Writes RESULTS.md section `sampler-cost-tpe`.
 *   npx tsx bench/sampler-cost/tpe.ts [--asks 20] [--running 16] [--only running|finished] [--no-write]
 */
import { cpus, loadavg } from 'node:os';
import type { Distribution, SearchSpace } from '../../src/core/distribution.js';
import { sampleTrialStart } from '../../src/core/sample-params.js';
import type { Sampler } from '../../src/core/sampler.js';
import { studyViewOf } from '../../src/core/study.js';
import { blankTrial, type FrozenTrial } from '../../src/core/trial.js';
import { studyViewOver, type TrialsByState } from '../../src/service/study-cache.js';
import { createSampler } from '../../samplers/create-sampler.js';
import type { SamplerSpec } from '../../samplers/sampler-spec.js';
import { writeResultsSection } from '../support/results-file.js';

const SIZES = [100, 1000, 5000, 10000];

function spaceOf(d: number): SearchSpace {
  const space: Record<string, Distribution> = {};
  for (let i = 0; i < d; i++) space[`x${i}`] = { kind: 'float', low: -5, high: 5, log: false };
  return space;
}

/** bench/throughput's declared space (prepare-store.ts): what the served-ask numbers are measured with. */
const THROUGHPUT_SPACE: SearchSpace = {
  x: { kind: 'float', low: -10, high: 10, log: false },
  y: { kind: 'float', low: -10, high: 10, log: false },
  n: { kind: 'int', low: 0, high: 10, log: false, step: 1 },
};

const SPACES: [string, SearchSpace][] = [
  ['2', spaceOf(2)],
  ['10', spaceOf(10)],
  ['3 (throughput)', THROUGHPUT_SPACE],
];

/** n finished trials with uniform params and a sphere objective (the values' shape does not change the cost). */
function historyOf(n: number, space: SearchSpace): FrozenTrial[] {
  let s = 987654321;
  const rand = () => ((s = (s * 16807) % 2147483647) / 2147483647);
  const names = Object.keys(space);
  return Array.from({ length: n }, (_, number) => {
    const internalParams: Record<string, number> = {};
    for (const name of names) {
      const d = space[name];
      if (d.kind === 'int') internalParams[name] = d.low + Math.floor(rand() * (d.high - d.low + 1));
      else if (d.kind === 'float') internalParams[name] = d.low + (d.high - d.low) * rand();
    }
    return blankTrial({
      id: number + 1,
      number,
      state: 'COMPLETE',
      params: { ...internalParams },
      internalParams,
      distributions: space,
      values: [names.reduce((acc, name) => acc + internalParams[name] ** 2, 0)],
    });
  });
}

/**
 * Wall and CPU milliseconds per ask. CPU time (process.cpuUsage) is reported too because the machine is shared:
 * under load, wall time measures the neighbours as much as the sampler. Ask i sees the n finished trials and the
 * i trials asked before it, told COMPLETE (a new study view each time, as the service builds one per ask).
 */
function msPerAsk(sampler: Sampler, trials: FrozenTrial[], space: SearchSpace, asks: number): { median: number; p90: number; cpu: number; meanCpu: number } {
  const times: number[] = [];
  const cpus: number[] = [];
  const told: FrozenTrial[] = [];
  const names = Object.keys(space);
  for (let i = 0; i < asks + 2; i++) {
    const study = studyViewOf({ id: 1, name: 'cost', directions: ['minimize'], seed: 1 }, trials.concat(told));
    const number = trials.length + i;
    const trial: FrozenTrial = { ...trials[0], id: number + 1, number, state: 'RUNNING', values: null, params: {}, internalParams: {}, distributions: {} };
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const { internal } = sampleTrialStart(sampler, study, trial, space);
    const wall = performance.now() - t0;
    const c = process.cpuUsage(c0);
    const value = names.reduce((acc, name) => acc + internal[name] ** 2, 0);
    told.push({ ...trial, state: 'COMPLETE', params: { ...internal }, internalParams: internal, distributions: space, values: [value] });
    if (i >= 2) {
      // the first two warm the JIT
      times.push(wall);
      cpus.push((c.user + c.system) / 1000);
    }
  }
  return summarise(times, cpus);
}

/** Median and p90 wall time, median and mean CPU time of the timed asks (ms). */
function summarise(times: number[], cpus: number[]) {
  times.sort((a, b) => a - b);
  cpus.sort((a, b) => a - b);
  return {
    median: times[Math.floor(times.length / 2)],
    p90: times[Math.min(times.length - 1, Math.floor(times.length * 0.9))],
    cpu: cpus[Math.floor(cpus.length / 2)],
    // The mean carries the garbage collections a median leaves out (a full GC every few dozen asks).
    meanCpu: cpus.reduce((a, b) => a + b, 0) / cpus.length,
  };
}

/** A trial with uniform params in `space` and no value (a worker's trial still running). */
function runningTrial(number: number, space: SearchSpace, rand: () => number): FrozenTrial {
  const internalParams: Record<string, number> = {};
  for (const [name, d] of Object.entries(space)) {
    if (d.kind === 'int') internalParams[name] = d.low + Math.floor(rand() * (d.high - d.low + 1));
    else if (d.kind === 'float') internalParams[name] = d.low + (d.high - d.low) * rand();
  }
  return blankTrial({ id: number + 1, number, state: 'RUNNING', params: { ...internalParams }, internalParams, distributions: space });
}

/** `list` (number order) with `trial` put in by number: a new array, as the study cache's copy on write. */
function withTrial(list: readonly FrozenTrial[], trial: FrozenTrial): FrozenTrial[] {
  const out = list.slice();
  let at = out.length;
  while (at > 0 && out[at - 1].number > trial.number) at--;
  out.splice(at, 0, trial);
  return out;
}

/**
 * CPU milliseconds per ask (median) in the served pattern of `workers` workers over `finished` trials: before
 * each ask the oldest of the other workers' RUNNING trials is told COMPLETE (a new object, as the cache reads a
 * changed row) and the previous ask's trial is RUNNING with its params (as read back after its commit); the
 * asking trial is the view's override, as ask-batcher.ts passes it.
 */
function cpuPerAskRunning(sampler: Sampler, finished: FrozenTrial[], space: SearchSpace, asks: number, workers: number): { median: number; p90: number; cpu: number; meanCpu: number } {
  let s = 24681357;
  const rand = () => ((s = (s * 16807) % 2147483647) / 2147483647);
  const names = Object.keys(space);
  const base = { id: 1, name: 'cost', directions: ['minimize' as const], seed: 1 };
  const n = finished.length;
  let running: FrozenTrial[] = Array.from({ length: workers - 1 }, (_, k) => runningTrial(n + k, space, rand));
  let byState: TrialsByState = { WAITING: [], RUNNING: running, COMPLETE: finished, PRUNED: [], FAIL: [] };
  let previous: FrozenTrial | null = null;
  const times: number[] = [];
  const cpus: number[] = [];
  for (let i = 0; i < asks + 2; i++) {
    if (previous !== null) {
      const [oldest, ...rest] = running;
      const value = names.reduce((acc, name) => acc + oldest.internalParams[name] ** 2, 0);
      const told: FrozenTrial = { ...oldest, state: 'COMPLETE', values: [value] };
      running = withTrial(rest, previous);
      byState = { ...byState, RUNNING: running, COMPLETE: withTrial(byState.COMPLETE, told) };
    }
    const number = n + workers - 1 + i;
    const fresh = blankTrial({ id: number + 1, number, state: 'RUNNING' });
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const study = studyViewOver(base, byState, [fresh]);
    const { internal } = sampleTrialStart(sampler, study, fresh, space);
    const wall = performance.now() - t0;
    const c = process.cpuUsage(c0);
    previous = { ...fresh, params: { ...internal }, internalParams: { ...internal }, distributions: space };
    if (i >= 2) {
      times.push(wall);
      cpus.push((c.user + c.system) / 1000);
    }
  }
  return summarise(times, cpus);
}

const argv = process.argv.slice(2);
const asks = argv.includes('--asks') ? Number(argv[argv.indexOf('--asks') + 1]) : 20;
const workers = argv.includes('--running') ? Number(argv[argv.indexOf('--running') + 1]) : 16;
const only = argv.includes('--only') ? argv[argv.indexOf('--only') + 1] : undefined;
// For profiling one cell: --sizes 5000 --params 3 (the first word of the params column) --univariate / --multivariate.
const sizesWanted = argv.includes('--sizes') ? argv[argv.indexOf('--sizes') + 1].split(',').map(Number) : undefined;
const paramsWanted = argv.includes('--params') ? argv[argv.indexOf('--params') + 1].split(',') : undefined;
const wanted = (params: string, spec: SamplerSpec) =>
  (paramsWanted === undefined || paramsWanted.includes(params.split(' ')[0])) &&
  !(argv.includes('--multivariate') && spec.kind === 'tpe' && spec.options.multivariate === false) &&
  !(argv.includes('--univariate') && !(spec.kind === 'tpe' && spec.options.multivariate === false));
const sizesOf = (sizes: number[]) => (sizesWanted ? sizes.filter((n) => sizesWanted.includes(n)) : sizes);
const modes: [string, SamplerSpec][] = [
  ['tpe (default, multivariate)', { kind: 'tpe', options: {} }],
  ['tpe multivariate=false', { kind: 'tpe', options: { multivariate: false } }],
];
const lines = [
  '## Sampler cost: TPE',
  '',
  `Milliseconds per ask (median wall / median CPU time, and p90 wall, of ${asks} asks; load average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores when measured) of the TPE sampler alone through sampleTrialStart (and the mean CPU time, which includes garbage collections), with n finished ` +
    'trials in memory, the history growing by the previous asks\' trials told COMPLETE (`npx tsx bench/sampler-cost/tpe.ts`); ' +
    '"3 (throughput)" is bench/throughput\'s space (two floats, an int in [0, 10]). Target (issue 4): at most 5 ms at 5,000 trials with 2 params; ' +
    'Optuna 4.9 in memory there: 17 ms (multivariate) to 26 ms (univariate).',
  '',
  `| sampler | params | ${SIZES.map((n) => `n = ${n.toLocaleString('en')}`).join(' | ')} |`,
  `|---|---|${SIZES.map(() => '---').join('|')}|`,
];
for (const [label, spec] of only === 'running' ? [] : modes) {
  for (const [params, space] of SPACES) {
    if (!wanted(params, spec)) continue;
    const cells = sizesOf(SIZES).map((n) => {
      const r = msPerAsk(createSampler(spec), historyOf(n, space), space, asks);
      return `${r.median.toFixed(2)} / ${r.cpu.toFixed(2)} cpu (mean ${r.meanCpu.toFixed(2)}; p90 ${r.p90.toFixed(2)})`;
    });
    const row = `| ${label} | ${params} | ${cells.join(' | ')} |`;
    console.log(row);
    lines.push(row);
  }
}
const RUNNING_SIZES = [1000, 5000, 10000];
if (workers > 0 && only !== 'finished') {
  lines.push(
    '',
    `With ${workers} workers (\`--running ${workers}\`, the served pattern): each ask sees n finished trials and ${workers} RUNNING ones ` +
      `(the other workers' and its own; constant liar puts them in the bad set); between asks the oldest running trial is told COMPLETE and ` +
      'the previous ask\'s trial runs; the study view is built as the service builds it (studyViewOver). Median wall / median CPU ms per ask (mean CPU; p90 wall).',
    '',
    `| sampler | params | ${RUNNING_SIZES.map((n) => `n = ${n.toLocaleString('en')}`).join(' | ')} |`,
    `|---|---|${RUNNING_SIZES.map(() => '---').join('|')}|`,
  );
  for (const [label, spec] of modes) {
    for (const [params, space] of SPACES) {
      if (params === '10' && spec.kind === 'tpe' && spec.options.multivariate === false) continue;
      if (!wanted(params, spec)) continue;
      const cells = sizesOf(RUNNING_SIZES).map((n) => {
        const r = cpuPerAskRunning(createSampler(spec), historyOf(n, space), space, asks, workers);
        return `${r.median.toFixed(2)} / ${r.cpu.toFixed(2)} cpu (mean ${r.meanCpu.toFixed(2)}; p90 ${r.p90.toFixed(2)})`;
      });
      const row = `| ${label} | ${params} | ${cells.join(' | ')} |`;
      console.log(row);
      lines.push(row);
    }
  }
}
const md = lines.join('\n');
if (!argv.includes('--no-write')) writeResultsSection('sampler-cost-tpe', md);
console.log(`\n${md}`);
