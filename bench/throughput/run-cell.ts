import { connect, type HpoClient, type Trial } from '@hpo/client';
import { type CpuSample, cpuSpent } from './cpu-usage.js';
import { objective } from './prepare-store.js';

/**
 * How a worker loops: `ask-tell` makes two calls per trial (ask, then tell); `tell-and-ask` asks once, then per
 * trial one `study.tellAndAsk` that tells the finished trial and starts the next.
 */
export type WorkerLoop = 'ask-tell' | 'tell-and-ask';
export const WORKER_LOOPS: readonly WorkerLoop[] = ['ask-tell', 'tell-and-ask'];

/** One measured cell: W workers on one study, ask → tell (or tell-and-ask) with the trivial objective. */
export interface CellResult {
  readonly workers: number;
  readonly loop: WorkerLoop;
  readonly trials: number;
  readonly seconds: number;
  readonly trialsPerSecond: number;
  /** Ask round trips, or in the tell-and-ask loop the TellAndAsk round trips. */
  readonly askP50: number;
  readonly askP99: number;
  /** Tell round trips; undefined in the tell-and-ask loop (the tell travels with the ask). */
  readonly tellP50?: number;
  readonly tellP99?: number;
  /** Postgres transactions committed per timed trial (undefined on the embedded store). */
  readonly commitsPerTrial?: number;
  /** CPU ms per timed trial of the server process, the client process and the Postgres backends. */
  readonly serverCpuPerTrial: number;
  readonly clientCpuPerTrial: number;
  readonly postgresCpuPerTrial?: number;
}

const SDK_SPACE = {
  x: { kind: 'float', low: -10, high: 10 },
  y: { kind: 'float', low: -10, high: 10 },
  n: { kind: 'int', low: 0, high: 10 },
} as const;

function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/**
 * Runs `workers` concurrent ask → tell (or tell-and-ask) loops (each its own SDK connection and worker id, as separate training
 * processes would be) until `trials` trials are told in all, after `warmup` untimed trials that load the
 * server's cache of the study. Latencies are client-side, whole round trips, in ms.
 */
export async function runCell(
  address: string,
  studyName: string,
  loop: WorkerLoop,
  workers: number,
  trials: number,
  warmup: number,
  commitCounter: (() => Promise<number>) | undefined,
  cpu: () => Promise<CpuSample>,
): Promise<CellResult> {
  const clients: HpoClient[] = await Promise.all(Array.from({ length: workers }, (_, i) => connect(address, { workerId: `bench-${i}` })));
  const studies = await Promise.all(clients.map((c) => c.loadStudy(studyName)));
  try {
    // In the tell-and-ask loop, the trial each worker holds (asked, untimed, the first time it runs).
    const held: Array<Trial | null> = studies.map(() => null);
    const oneTrial = async (w: number, asks?: number[], tells?: number[]) => {
      if (loop === 'tell-and-ask') {
        const trial = held[w] ?? (await studies[w].ask(SDK_SPACE));
        const t0 = performance.now();
        const { next } = await studies[w].tellAndAsk(trial, objective(trial.params), SDK_SPACE);
        asks?.push(performance.now() - t0);
        held[w] = next;
        return;
      }
      const t0 = performance.now();
      const trial = await studies[w].ask(SDK_SPACE);
      const t1 = performance.now();
      await studies[w].tell(trial, objective(trial.params));
      const t2 = performance.now();
      asks?.push(t1 - t0);
      tells?.push(t2 - t1);
    };
    // Warm-up: the first ask loads the study into the server's cache; then every connection once.
    await oneTrial(0);
    let left = Math.max(0, warmup - 1);
    await Promise.all(studies.map(async (_, w) => {
      while (left > 0) {
        left--;
        await oneTrial(w);
      }
    }));
    const asks: number[] = [];
    const tells: number[] = [];
    let remaining = trials;
    const commitsBefore = await commitCounter?.();
    const cpuBefore = await cpu();
    const start = performance.now();
    await Promise.all(
      studies.map(async (_, w) => {
        while (remaining > 0) {
          remaining--;
          await oneTrial(w, asks, tells);
        }
      }),
    );
    const seconds = (performance.now() - start) / 1000;
    const spent = cpuSpent(cpuBefore, await cpu());
    const commitsAfter = await commitCounter?.();
    // The trials the tell-and-ask workers still hold, told untimed so that none is left RUNNING.
    await Promise.all(held.map((t, w) => (t ? studies[w].tell(t, objective(t.params)) : undefined)));
    asks.sort((a, b) => a - b);
    tells.sort((a, b) => a - b);
    return {
      workers,
      loop,
      trials,
      seconds,
      trialsPerSecond: trials / seconds,
      askP50: percentile(asks, 0.5),
      askP99: percentile(asks, 0.99),
      tellP50: loop === 'ask-tell' ? percentile(tells, 0.5) : undefined,
      tellP99: loop === 'ask-tell' ? percentile(tells, 0.99) : undefined,
      commitsPerTrial: commitsBefore === undefined || commitsAfter === undefined ? undefined : (commitsAfter - commitsBefore) / trials,
      serverCpuPerTrial: spent.server / trials,
      clientCpuPerTrial: spent.client / trials,
      postgresCpuPerTrial: spent.postgres === undefined ? undefined : spent.postgres / trials,
    };
  } finally {
    await Promise.all(clients.map((c) => c.close()));
  }
}
