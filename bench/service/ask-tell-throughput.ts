/**
 * Ask → tell throughput of the service in process (no gRPC), on Postgres (BENCH_DATABASE_URL, a scratch
 * database is created and dropped) or the embedded store: W concurrent workers on one study, random sampler.
 * Prints trials/s and ask/tell latency percentiles.
 * Usage: npx tsx bench/service/ask-tell-throughput.ts [workers] [seconds] [prefilled finished trials]
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { createHpoService } from '../../src/service/create-hpo-service.js';
import { migrateToLatest } from '../../src/storage/migrate.js';
import { openDatabase } from '../../src/storage/open-database.js';

const workers = Number(process.argv[2] ?? 16);
const seconds = Number(process.argv[3] ?? 5);
const prefill = Number(process.argv[4] ?? 0);
const serverUrl = process.env.BENCH_DATABASE_URL;

async function admin(sql: string) {
  const c = new pg.Client({ connectionString: serverUrl });
  await c.connect();
  await c.query(sql);
  await c.end();
}

function pct(xs: number[], p: number): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
}

const dbName = `hpo_bench_${randomBytes(4).toString('hex')}`;
let url: string | undefined;
if (serverUrl) {
  await admin(`create database ${dbName}`);
  const u = new URL(serverUrl);
  u.pathname = `/${dbName}`;
  url = u.toString();
}
const opened = await openDatabase(url ? { url, poolSize: Math.min(workers + 2, 20) } : { inMemory: true });
await migrateToLatest(opened.db);
const service = createHpoService({ db: opened.db, reaperIntervalMs: 0 });
const { study } = await service.createStudy({ name: 'bench', directions: ['minimize'], sampler: { kind: 'random' } });
if (prefill > 0) {
  // Finished trials written straight into the table (as history from earlier workers would be).
  await sql`insert into trials (study_id, number, state, params, "values", user_attrs, system_attrs, started_at, completed_at)
    select ${study.id}, n, 'COMPLETE',
      jsonb_build_object('x', jsonb_build_object('distribution', '{"kind":"float","low":-10,"high":10,"log":false}'::jsonb, 'internal', random() * 20 - 10)),
      array[random()], '{}', '{}', now(), now()
    from generate_series(0, ${prefill - 1}) as n`.execute(opened.db);
  await sql`update studies set next_trial_number = ${prefill} where id = ${study.id}`.execute(opened.db);
}
const space = { x: { kind: 'float' as const, low: -10, high: 10, log: false }, y: { kind: 'int' as const, low: 0, high: 100, log: false, step: 1 } };
const askMs: number[] = [];
const tellMs: number[] = [];
let trials = 0;
const end = Date.now() + seconds * 1000;
const started = Date.now();
await Promise.all(
  Array.from({ length: workers }, async () => {
    while (Date.now() < end) {
      let t = performance.now();
      const r = await service.ask({ studyName: 'bench', searchSpace: space });
      askMs.push(performance.now() - t);
      if (r.kind !== 'trial') return;
      t = performance.now();
      await service.tell({ trialId: r.trial.id, state: 'COMPLETE', values: [(r.trial.params.x as number) ** 2] });
      tellMs.push(performance.now() - t);
      trials++;
    }
  }),
);
const elapsed = (Date.now() - started) / 1000;
console.log(
  `${opened.kind} workers=${workers} prefilled=${prefill} trials=${trials} trials/s=${(trials / elapsed).toFixed(0)} ` +
    `ask p50=${pct(askMs, 50).toFixed(1)}ms p99=${pct(askMs, 99).toFixed(1)}ms tell p50=${pct(tellMs, 50).toFixed(1)}ms p99=${pct(tellMs, 99).toFixed(1)}ms`,
);
await service.close();
await opened.close();
if (serverUrl) await admin(`drop database ${dbName} with (force)`);
