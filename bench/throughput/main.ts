// Throughput of many workers (issue 7): W concurrent workers doing ask → tell (two calls per trial) or, with
// --loop tell-and-ask, one TellAndAsk call per trial, with a trivial objective against a
// real `hpo serve` process, on Postgres and on the embedded store, random and TPE samplers, with some finished
// trials already in the study. Prints a table and writes it to bench/RESULTS.md (section `throughput`, or
// --section). Numbers, never pass/fail.
import { mkdtempSync, rmSync } from 'node:fs';
import os, { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import type { SamplerSpec } from '../../samplers/sampler-spec.js';
import { adminQuery } from '../support/admin-query.js';
import { writeResultsSection } from '../support/results-file.js';
import { OPTUNA_THROUGHPUT_ANCHORS } from './anchors.js';
import { type AnchorMeasurement, formatSideBySide, measureOptunaAnchors } from './optuna-side-by-side.js';
import { cpuProbe } from './cpu-usage.js';
import { prepareStore, type StoreLocation, type StudyToPrepare } from './prepare-store.js';
import { type CellResult, runCell, WORKER_LOOPS, type WorkerLoop } from './run-cell.js';
import { startServer } from './server-process.js';

const { values: args } = parseArgs({
  options: {
    workers: { type: 'string', default: '1,4,16,64' },
    samplers: { type: 'string', default: 'random,tpe' },
    finished: { type: 'string', default: '0,1000,10000' },
    stores: { type: 'string', default: 'postgres,embedded' },
    loop: { type: 'string', default: 'ask-tell,tell-and-ask' },
    trials: { type: 'string', default: '1000' },
    warmup: { type: 'string', default: '64' },
    'jit-warmup': { type: 'string', default: '3000' },
    'database-url': { type: 'string', default: process.env.HPO_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' },
    section: { type: 'string', default: 'throughput' },
    'no-write': { type: 'boolean', default: false },
    // Writes the server's V8 CPU profile (node --cpu-prof) into this folder when it stops.
    'server-profile': { type: 'string' },
    // Runs Optuna's anchor script with this Python in the same run (OPTUNA_SRC in the environment picks a checkout).
    optuna: { type: 'string' },
    'optuna-seconds': { type: 'string', default: '20' },
    'optuna-script': { type: 'string', default: join(fileURLToPath(new URL('.', import.meta.url)), '..', '..', '..', 'shared', 'anchors', 'optuna_rdb_throughput.py') },
    help: { type: 'boolean', default: false },
  },
});

if (args.help) {
  console.log(`bench/throughput/main.ts: W workers ask -> tell (or tell-and-ask) against a real hpo serve process.
  --workers 1,4,16,64          worker counts (one study per cell and loop)
  --samplers random,tpe        samplers
  --finished 0,1000,10000      COMPLETE trials in each study before the timed trials
  --stores postgres,embedded   stores
  --loop ask-tell,tell-and-ask worker loops: ask then tell (two calls per trial), or one study.tellAndAsk per trial
                               after a first ask (its round trip is reported in the ask columns, tell columns are —);
                               each loop runs on its own study, the loops of one cell back to back
  --trials 1000                timed trials per cell (after --warmup untimed ones, at least one per worker)
  --warmup 64
  --jit-warmup 3000            untimed trials before the first cell (16 workers, each loop, a random study of
                               its own), so that no cell is measured while the server's and client's JIT is cold
  --database-url URL           Postgres server (a scratch database is created and dropped); HPO_BENCH_DATABASE_URL
  --section throughput         bench/RESULTS.md section to write; --no-write to only print
  --server-profile DIR         run the server under node --cpu-prof, profile written to DIR on exit
  --optuna PYTHON              also run Optuna's RDB anchor cells (random 1/4/8 workers, TPE 4 workers at 1,000 and
                               5,000) with this Python, before our cells, on the same Postgres; prints them beside
                               issue 7's figures and the targets scaled to this machine (OPTUNA_SRC: a checkout)
  --optuna-seconds 20          seconds per Optuna cell
  --optuna-script PATH         default ../shared/anchors/optuna_rdb_throughput.py`);
  process.exit(0);
}

const list = (s: string) => s.split(',').map((x) => x.trim()).filter(Boolean);
const workerCounts = list(args.workers!).map(Number);
const samplerNames = list(args.samplers!);
const finishedCounts = list(args.finished!).map(Number);
const storeKinds = list(args.stores!);
const loops = list(args.loop!) as WorkerLoop[];
for (const loop of loops) if (!WORKER_LOOPS.includes(loop)) throw new Error(`--loop: unknown loop ${loop}; use ${WORKER_LOOPS.join(', ')}`);
const trialsPerCell = Number(args.trials);
const warmup = Number(args.warmup);
const jitWarmup = Number(args['jit-warmup']);

const SAMPLERS: Record<string, SamplerSpec> = {
  random: { kind: 'random' },
  tpe: { kind: 'tpe', options: {} },
};

interface Row extends CellResult {
  readonly store: string;
  readonly sampler: string;
  readonly finished: number;
}

async function runStore(kind: string): Promise<Row[]> {
  const studies: Array<StudyToPrepare & { sampler: SamplerSpec; samplerName: string; workers: number; loop: WorkerLoop }> = [];
  for (const samplerName of samplerNames)
    for (const finished of finishedCounts)
      for (const workers of workerCounts)
        for (const loop of loops)
          studies.push({ name: `${samplerName}-${finished}-w${workers}-${loop}`, sampler: SAMPLERS[samplerName], samplerName, finished, workers, loop });

  let location: StoreLocation;
  let serverArgs: string[];
  let cleanup: () => Promise<void>;
  let commitCounter: (() => Promise<number>) | undefined;
  let stats: pg.Client | undefined;
  let dbName: string | undefined;
  if (kind === 'postgres') {
    dbName = `hpo_bench_${process.pid}`;
    await adminQuery(args['database-url']!, `create database ${dbName}`);
    const u = new URL(args['database-url']!);
    u.pathname = `/${dbName}`;
    location = { url: u.toString() };
    serverArgs = ['--database-url', u.toString()];
    const statsClient = new pg.Client({ connectionString: u.toString() });
    stats = statsClient;
    await statsClient.connect();
    // Ask and tell transactions: each one inserts its request ids (every SDK call carries one), and a row's
    // xmin is its inserting transaction, never rewritten. (pg_stat_database.xact_commit lags: busy backends
    // report their counters late.)
    commitCounter = async () => {
      const { rows } = await statsClient.query(
        // (A TellAndAsk writes its tell's and its ask's ids in their own transactions, so the count means the same.)
        "select count(distinct xmin::text)::bigint as n from request_ids where method in ('Ask', 'Tell')",
      );
      return Number(rows[0].n);
    };
    cleanup = async () => {
      await statsClient.end();
      await adminQuery(args['database-url']!, `drop database if exists ${dbName} with (force)`);
    };
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'hpo-bench-'));
    location = { dataDir: dir };
    serverArgs = ['--data-dir', dir];
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  }
  const rows: Row[] = [];
  try {
    process.stderr.write(`[${kind}] preparing ${studies.length} studies\n`);
    // The JIT warm-up's own studies: measured cells must not pay for compiling the server's and client's code.
    const warmups = jitWarmup > 0 ? loops.map((loop) => ({ name: `jit-warmup-${loop}`, sampler: SAMPLERS.random, finished: 0, loop })) : [];
    await prepareStore(location, [...warmups, ...studies]);
    const profileDir = args['server-profile'];
    const server = await startServer(serverArgs, profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : []);
    try {
      for (const w of warmups) {
        process.stderr.write(`[${kind}] JIT warm-up: ${jitWarmup} untimed trials, 16 workers, ${w.loop}\n`);
        await runCell(server.address, w.name, w.loop, 16, jitWarmup, 16, undefined, cpuProbe(server.child.pid!, stats, dbName));
      }
      for (const s of studies) {
        const cpu = cpuProbe(server.child.pid!, stats, dbName);
        const result = await runCell(server.address, s.name, s.loop, s.workers, trialsPerCell, Math.max(warmup, s.workers), commitCounter, cpu);
        const row = { store: kind, sampler: s.samplerName, finished: s.finished, ...result };
        rows.push(row);
        process.stderr.write(`${formatRow(row)}\n`);
      }
    } finally {
      await server.stop();
    }
  } finally {
    await cleanup();
  }
  return rows;
}

function availableCores(): number {
  return os.availableParallelism();
}

const ms = (x: number) => (x < 10 ? x.toFixed(1) : x.toFixed(0));

function formatRow(r: Row): string {
  const commits = r.commitsPerTrial === undefined ? '–' : r.commitsPerTrial.toFixed(2);
  const cpu = (x: number | undefined) => (x === undefined ? '–' : x.toFixed(2));
  const tell = (x: number | undefined) => (x === undefined ? '—' : ms(x));
  return `| ${r.store} | ${r.sampler} | ${r.finished} | ${r.workers} | ${r.loop} | ${r.trialsPerSecond.toFixed(0)} | ${ms(r.askP50)} | ${ms(r.askP99)} | ${tell(r.tellP50)} | ${tell(r.tellP99)} | ${commits} | ${cpu(r.serverCpuPerTrial)} | ${cpu(r.clientCpuPerTrial)} | ${cpu(r.postgresCpuPerTrial)} |`;
}

// Optuna first, so that both are measured in one run on one machine (machines of this kind differ in speed).
const optuna: AnchorMeasurement[] = args.optuna
  ? await measureOptunaAnchors({ python: args.optuna, script: args['optuna-script']!, databaseUrl: args['database-url']!, seconds: Number(args['optuna-seconds']) })
  : [];

const rows: Row[] = [];
for (const kind of storeKinds) rows.push(...(await runStore(kind)));

const header = [
  '| store | sampler | finished before | workers | loop | trials/s | ask p50 ms | ask p99 ms | tell p50 ms | tell p99 ms | transactions/trial | server CPU ms/trial | client CPU ms/trial | Postgres CPU ms/trial |',
  '|---|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
];
const table = [...header, ...rows.map(formatRow)].join('\n');
const markdown = [
  `## Throughput (bench/throughput, issue 7)`,
  '',
  `${new Date().toISOString().slice(0, 10)}; \`${process.argv.slice(2).join(' ') || '(defaults)'}\`; ${trialsPerCell} timed trials per row after a warm-up;`,
  'a real `hpo serve` process, workers are SDK connections in one client process (client-side round-trip latencies);',
  'Postgres 15 on localhost with default durability (synchronous_commit on); a shared 2-core machine, so compare rows of one run.',
  'Loop `ask-tell`: ask then tell, two calls per trial. Loop `tell-and-ask`: each worker asks once, then one `study.tellAndAsk`',
  'per trial (tells its trial and starts the next); its round trip is in the ask columns and the tell columns are —.',
  `Load average at the end ${loadavg().map((x) => x.toFixed(1)).join(' / ')} (1 / 5 / 15 min) on ${availableCores()} cores.`,
  'CPU ms/trial (load-independent, unlike trials/s): user + system time per timed trial of the server process, of the',
  "client process (all workers), and of the benchmark database's Postgres backends (walwriter and checkpointer not counted).",
  '',
  table,
  '',
  OPTUNA_THROUGHPUT_ANCHORS,
  ...(optuna.length > 0 ? ['', formatSideBySide(optuna)] : []),
].join('\n');
console.log(markdown);
if (!args['no-write']) writeResultsSection(args.section!, markdown);
