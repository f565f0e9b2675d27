import { type Interceptor, InterceptingCall, type Metadata, type StatusObject, status } from '@grpc/grpc-js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connect, type HpoClient, TrialPruned } from '@hpo/client';
import { describeStores, type TestStore } from '../../support/test-database.js';
import { type RestartableServer, serveForSdk } from './served-store.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A client interceptor that lets the server do the work but loses the reply of the first `count` calls of each
 * listed method (the client sees UNAVAILABLE): exactly the case request ids exist for.
 */
function loseReplies(methods: readonly string[], count: number, lost: string[]): Interceptor {
  const remaining = new Map(methods.map((m) => [m, count]));
  return (options, nextCall) => {
    const method = options.method_definition.path.split('/').pop()!;
    const left = remaining.get(method) ?? 0;
    if (left === 0) return new InterceptingCall(nextCall(options));
    remaining.set(method, left - 1);
    return new InterceptingCall(nextCall(options), {
      start(metadata, listener, next) {
        // A full (one-argument) listener: the reply is swallowed and the status turned into UNAVAILABLE.
        next(metadata, {
          onReceiveMetadata: (md: Metadata) => listener.onReceiveMetadata(md),
          onReceiveMessage: (_message: unknown) => void lost.push(method),
          onReceiveStatus: (s: StatusObject) =>
            listener.onReceiveStatus({ ...s, code: status.UNAVAILABLE, details: `reply of ${method} lost (test)` }),
        } as never);
      },
    });
  };
}

describeStores('SDK retries against a real server', (stores) => {
  let store: TestStore;
  let server: RestartableServer;

  beforeAll(async () => {
    store = await stores.open();
    server = await serveForSdk(store);
  });

  afterAll(async () => {
    await server?.close();
    await store?.close();
  });

  it('retries ask, report and tell whose replies were lost without creating, recording or telling twice', async () => {
    const lost: string[] = [];
    const client = await connect(server.address, {
      channelOptions: { interceptors: [loseReplies(['Ask', 'Report', 'Tell'], 2, lost)] } as never,
      retry: { initialDelayMs: 1, maxDelayMs: 5 },
    });
    try {
      const study = await client.createStudy({ name: 'lost-replies', direction: 'minimize', sampler: { random: {} } });
      const result = await study.optimize(
        async (trial) => {
          const x = await trial.suggestFloat('x', 0, 1);
          for (let step = 0; step < 3; step++) await trial.report(x + step, step);
          return x;
        },
        { nTrials: 3 },
      );
      expect(lost.sort()).toEqual(['Ask', 'Ask', 'Report', 'Report', 'Tell', 'Tell']);
      expect(result).toMatchObject({ started: 3, complete: 3, lost: 0 });
      const trials = await study.trials();
      expect(trials.map((t) => [t.number, t.state])).toEqual([
        [0, 'COMPLETE'],
        [1, 'COMPLETE'],
        [2, 'COMPLETE'],
      ]);
      for (const t of trials) expect(t.intermediateValues.map((v) => v.step)).toEqual([0, 1, 2]);
    } finally {
      await client.close();
    }
  });

  it('rides out a server restart in the middle of a study: no trial duplicated, lost, or left RUNNING', async () => {
    const client = await connect(server.address, { retry: { maxAttempts: 40, initialDelayMs: 20, maxDelayMs: 300 } });
    try {
      const study = await client.createStudy({
        name: 'restart',
        direction: 'minimize',
        sampler: { random: {} },
        pruner: { nop: {} },
      });
      let restarted: Promise<void> | undefined;
      const result = await study.optimize(
        async (trial) => {
          const x = await trial.suggestFloat('x', 0, 1);
          for (let step = 0; step < 4; step++) {
            await sleep(10);
            if (await trial.report(x * step, step)) throw new TrialPruned();
          }
          return x;
        },
        {
          nTrials: 24,
          concurrency: 4,
          onProgress: (p) => {
            if (p.finished === 8 && !restarted)
              restarted = (async () => {
                await server.stop(0); // calls in flight are cut off, as in a crash
                await sleep(300);
                await server.start();
              })();
          },
        },
      );
      await restarted;
      expect(restarted).toBeDefined();
      expect(result).toMatchObject({ stoppedBy: 'nTrials', started: 24, complete: 24, failed: 0, lost: 0 });
      const trials = await study.trials();
      expect(trials.map((t) => t.number)).toEqual([...Array(24).keys()]);
      expect(trials.filter((t) => t.state !== 'COMPLETE')).toEqual([]);
      for (const t of trials) expect(t.intermediateValues.map((v) => v.step)).toEqual([0, 1, 2, 3]);
      const info = await study.info();
      expect(info.trialCounts).toEqual({ waiting: 0, running: 0, complete: 24, pruned: 0, fail: 0 });
    } finally {
      await client.close();
    }
  });
});
