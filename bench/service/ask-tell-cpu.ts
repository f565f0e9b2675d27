/**
 * CPU per ask and per tell of the service in process (no gRPC) on Postgres, with the TPE sampler's own share
 * separated: a study on bench/throughput's space preloaded with n finished trials, then `workers` loops of
 * ask → tell. What a served trial costs outside the sampler is total ask CPU minus sampler CPU; issue 4/7 want
 * that flat in n. Run under `node --cpu-prof --import tsx` for a profile.
 * Usage: BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
 *   npx tsx bench/service/ask-tell-cpu.ts [finished list, e.g. 0,5000,10000] [trials per point] [workers] [tpe|random]
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { TpeSampler } from '../../samplers/tpe/tpe-sampler.js';
import { createHpoService } from '../../src/service/create-hpo-service.js';
import { openDatabase } from '../../src/storage/open-database.js';
import { objective, prepareStore, SPACE } from '../throughput/prepare-store.js';

const points = (process.argv[2] ?? '0,5000,10000').split(',').map(Number);
const trialsPerPoint = Number(process.argv[3] ?? 200);
const workers = Number(process.argv[4] ?? 1);
const samplerKind = process.argv[5] ?? 'tpe';
const serverUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function admin(statement: string) {
  const c = new pg.Client({ connectionString: serverUrl });
  await c.connect();
  await c.query(statement);
  await c.end();
}

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

// The sampler's own CPU: its three entry points are synchronous, so time spent inside them is its share.
let samplerMs = 0;
let depth = 0;
for (const name of ['inferRelativeSearchSpace', 'sampleRelative', 'sampleIndependent'] as const) {
  const original = TpeSampler.prototype[name] as (...args: unknown[]) => unknown;
  (TpeSampler.prototype as unknown as Record<string, unknown>)[name] = function (this: unknown, ...args: unknown[]) {
    if (depth++ > 0) {
      try {
        return original.apply(this, args);
      } finally {
        depth--;
      }
    }
    const t = cpuMs();
    try {
      return original.apply(this, args);
    } finally {
      samplerMs += cpuMs() - t;
      depth--;
    }
  };
}

for (const finished of points) {
  const dbName = `hpo_bench_${randomBytes(4).toString('hex')}`;
  await admin(`create database ${dbName}`);
  const u = new URL(serverUrl);
  u.pathname = `/${dbName}`;
  const url = u.toString();
  try {
    await prepareStore({ url }, [{ name: 'cpu', sampler: samplerKind === 'random' ? { kind: 'random' } : { kind: 'tpe', options: {} }, finished }]);
    const opened = await openDatabase({ url, poolSize: workers + 2 });
    const service = createHpoService({ db: opened.db, reaperIntervalMs: 0 });
    let askCpu = 0;
    let tellCpu = 0;
    let samplerAtStart = 0;
    let done = 0;
    const run = async (count: number, measure: boolean) => {
      let left = count;
      await Promise.all(
        Array.from({ length: workers }, async () => {
          while (left-- > 0) {
            // With one worker the process does nothing else between these reads; with more they overlap.
            let t = cpuMs();
            const r = await service.ask({ studyName: 'cpu', searchSpace: SPACE });
            if (measure) askCpu += cpuMs() - t;
            if (r.kind !== 'trial') throw new Error(`ask answered ${r.reason}`);
            t = cpuMs();
            await service.tell({ trialId: r.trial.id, state: 'COMPLETE', values: [objective(r.trial.params)] });
            if (measure) tellCpu += cpuMs() - t;
            if (measure) done++;
          }
        }),
      );
    };
    await run(30, false); // first read of the study, JIT warm-up
    samplerAtStart = samplerMs;
    const cpu0 = cpuMs();
    await run(trialsPerPoint, true);
    const total = cpuMs() - cpu0;
    const sampler = samplerMs - samplerAtStart;
    const f = (x: number) => (x / done).toFixed(2);
    console.log(
      `${samplerKind} finished=${finished} workers=${workers} trials=${done} cpu ms/trial: total ${f(total)}` +
        (workers === 1 ? ` (ask ${f(askCpu)}, tell ${f(tellCpu)})` : '') +
        ` sampler ${f(sampler)} ask-outside-sampler ${workers === 1 ? f(askCpu - sampler) : '-'} total-outside-sampler ${f(total - sampler)}`,
    );
    await service.close();
    await opened.close();
  } finally {
    await admin(`drop database ${dbName} with (force)`);
  }
}
