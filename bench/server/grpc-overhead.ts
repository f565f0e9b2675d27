/**
 * What the gRPC layer costs: the same ask → tell loop (random sampler, 3 declared params, one study, W
 * concurrent workers) called on the service in process, then through a real gRPC server on localhost with
 * the generated client (client and server share one process and event loop, so this is an upper bound).
 * The CPU cost of decoding, converting and encoding one ask is about 0.1 ms; the rest is HTTP/2 and scheduling. Prints trials/s and ask latency percentiles for both, on the embedded store (default)
 * or Postgres (BENCH_DATABASE_URL: a scratch database is created and dropped).
 *
 *   nice -n 10 npx tsx bench/server/grpc-overhead.ts [workers=1,8] [seconds=3] [--write]
 */
import { randomBytes } from 'node:crypto';
import { credentials, type ServiceError } from '@grpc/grpc-js';
import pg from 'pg';
import { pino } from 'pino';
import type { Distribution } from '../../src/core/distribution.js';
import { type AskRequest, HpoServiceClient, type TellRequest } from '../../src/generated/hpo/v1/hpo_service.js';
import { Direction } from '../../src/generated/hpo/v1/study.js';
import { TrialState } from '../../src/generated/hpo/v1/trial.js';
import { createHpoService } from '../../src/service/create-hpo-service.js';
import type { HpoService } from '../../src/service/hpo-service.js';
import { distributionToWire } from '../../src/server/convert/distribution.js';
import { startGrpcServer } from '../../src/server/grpc-server.js';
import { migrateToLatest } from '../../src/storage/migrate.js';
import { openDatabase } from '../../src/storage/open-database.js';
import { writeResultsSection } from '../support/results-file.js';

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const workerCounts = (args[0] ?? '1,8').split(',').map(Number);
const seconds = Number(args[1] ?? 3);
const write = process.argv.includes('--write');
const serverUrl = process.env.BENCH_DATABASE_URL;

const SPACE: Record<string, Distribution> = {
  lr: { kind: 'float', low: 1e-5, high: 1, log: true },
  layers: { kind: 'int', low: 1, high: 8, log: false, step: 1 },
  opt: { kind: 'categorical', choices: ['sgd', 'adam', 'rmsprop'] },
};

interface Loop {
  ask(worker: number): Promise<number>;
  tell(trialId: number, value: number): Promise<void>;
}

function inProcess(service: HpoService, study: string): Loop {
  return {
    async ask(worker) {
      const r = await service.ask({ studyName: study, searchSpace: SPACE, workerId: `w${worker}` });
      if (r.kind !== 'trial') throw new Error('study done');
      return r.trial.id;
    },
    async tell(trialId, value) {
      await service.tell({ trialId, state: 'COMPLETE', values: [value] });
    },
  };
}

function overGrpc(client: HpoServiceClient, study: string): Loop {
  const unary = <Req, Res>(method: (req: Req, cb: (e: ServiceError | null, r: Res) => void) => unknown, req: Req) =>
    new Promise<Res>((resolve, reject) => method.call(client, req, (e, r) => (e ? reject(e) : resolve(r))));
  const searchSpace = Object.entries(SPACE).map(([name, d]) => ({ name, distribution: distributionToWire(d) }));
  return {
    async ask(worker) {
      const req: AskRequest = { studyName: study, searchSpace, workerId: `w${worker}`, requestId: '' };
      const r = await unary(client.ask as never, req);
      return (r as { trial: { trialId: number } }).trial.trialId;
    },
    async tell(trialId, value) {
      const req: TellRequest = { trialId, state: TrialState.TRIAL_STATE_COMPLETE, values: [value], constraints: [], workerId: '', requestId: '', failReason: '' };
      await unary(client.tell as never, req);
    },
  };
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
}

async function run(loop: Loop, workers: number): Promise<{ trialsPerSecond: number; p50: number; p95: number; n: number }> {
  const askMs: number[] = [];
  const end = performance.now() + seconds * 1000;
  let trials = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: workers }, async (_, w) => {
      while (performance.now() < end) {
        const t0 = performance.now();
        const id = await loop.ask(w);
        askMs.push(performance.now() - t0);
        await loop.tell(id, Math.random());
        trials++;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  return { trialsPerSecond: trials / elapsed, p50: percentile(askMs, 50), p95: percentile(askMs, 95), n: trials };
}

async function main() {
  let url: string | undefined;
  let dropDatabase = async () => {};
  if (serverUrl) {
    const name = `hpo_bench_${randomBytes(4).toString('hex')}`;
    const admin = async (sql: string) => {
      const c = new pg.Client({ connectionString: serverUrl });
      await c.connect();
      await c.query(sql);
      await c.end();
    };
    await admin(`create database ${name}`);
    const u = new URL(serverUrl);
    u.pathname = `/${name}`;
    url = u.toString();
    dropDatabase = () => admin(`drop database if exists ${name} with (force)`);
  }
  const opened = await openDatabase(url ? { url } : { inMemory: true });
  await migrateToLatest(opened.db);
  const service = createHpoService({ db: opened.db, reaperIntervalMs: 0 });
  const server = await startGrpcServer({ service, host: '127.0.0.1', port: 0, logger: pino({ level: 'silent' }) });
  const client = new HpoServiceClient(`127.0.0.1:${server.port}`, credentials.createInsecure());
  const store = url ? 'postgres' : 'embedded (PGlite, in memory)';
  const rows: string[] = [];
  try {
    for (const workers of workerCounts) {
      for (const [path, make] of [
        ['in process', (s: string) => inProcess(service, s)],
        ['gRPC', (s: string) => overGrpc(client, s)],
      ] as const) {
        const study = `bench-${path === 'gRPC' ? 'grpc' : 'local'}-${workers}`;
        await service.createStudy({ name: study, directions: ['minimize'], sampler: { kind: 'random' }, seed: 1 });
        // Warm-up: JIT, connections and the study cache, untimed.
        const loop = make(study);
        for (let i = 0; i < 10; i++) await loop.tell(await loop.ask(0), 0);
        const r = await run(loop, workers);
        const row = `| ${store} | ${workers} | ${path} | ${r.n} | ${r.trialsPerSecond.toFixed(1)} | ${r.p50.toFixed(2)} | ${r.p95.toFixed(2)} |`;
        rows.push(row);
        console.log(row);
      }
    }
  } finally {
    client.close();
    await server.shutdown(1000);
    await service.close();
    await opened.close();
    await dropDatabase();
  }
  if (write) {
    writeResultsSection(
      `grpc-overhead-${url ? 'postgres' : 'embedded'}`,
      [
        `### gRPC layer overhead (${store})`,
        '',
        `\`bench/server/grpc-overhead.ts\`: ask (3 declared params, random sampler) then tell, ${seconds} s per row, on a`,
        'shared 2-core machine; compare rows pairwise, not across runs.',
        '',
        '| store | workers | path | trials | trials/s | ask p50 ms | ask p95 ms |',
        '|---|---|---|---|---|---|---|',
        ...rows,
      ].join('\n'),
    );
  }
}

await main();
