import { afterAll, beforeAll, expect, it } from 'vitest';
import { connect, type HpoClient, type OptimizeResult } from '@hpo/client';
import { describeStores, type TestStore } from '../../support/test-database.js';
import { type RestartableServer, serveForSdk } from './served-store.js';

describeStores("a study's maxTrials across concurrent workers", (stores) => {
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

  it('holds exactly with 8 workers, each of which returns normally once the study is done', async () => {
    const WORKERS = 8;
    const MAX_TRIALS = 20;
    const clients: HpoClient[] = await Promise.all(Array.from({ length: WORKERS }, (_, i) => connect(server.address, { workerId: `w${i}` })));
    try {
      await clients[0].createStudy({ name: 'budget', direction: 'minimize', maxTrials: MAX_TRIALS, sampler: { random: {} } });
      const results: OptimizeResult[] = await Promise.all(
        clients.map(async (client) => {
          const study = await client.loadStudy('budget');
          return study.optimize(
            async (trial) => {
              const x = await trial.suggestFloat('x', 0, 1);
              await new Promise((resolve) => setTimeout(resolve, 5));
              return x;
            },
            { concurrency: 2 }, // no nTrials: only the study's budget stops them
          );
        }),
      );
      expect(results.map((r) => r.stoppedBy)).toEqual(Array(WORKERS).fill('studyDone'));
      expect(results.reduce((n, r) => n + r.complete, 0)).toBe(MAX_TRIALS);

      const study = await clients[0].loadStudy('budget');
      const trials = await study.trials();
      expect(trials.map((t) => t.number)).toEqual([...Array(MAX_TRIALS).keys()]);
      expect(trials.every((t) => t.state === 'COMPLETE')).toBe(true);
      // A worker arriving late is told at once, and returns normally too; the study is then marked DONE (the server
      // marks it on an ask that finds the budget spent and nothing running).
      await expect(study.optimize(async () => 0, { nTrials: 5 })).resolves.toMatchObject({ stoppedBy: 'studyDone', started: 0 });
      expect((await study.info()).state).toBe('DONE');
    } finally {
      await Promise.all(clients.map((c) => c.close()));
    }
  });
});
