import { afterAll, beforeAll, expect, it } from 'vitest';
import { connect, type HpoClient } from '@hpo/client';
import { describeStores, type TestStore } from '../../support/test-database.js';
import { type RestartableServer, serveForSdk } from './served-store.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describeStores('automatic heartbeats', (stores) => {
  let store: TestStore;
  let server: RestartableServer;
  let client: HpoClient;

  beforeAll(async () => {
    store = await stores.open();
    server = await serveForSdk(store);
    client = await connect(server.address);
  });

  afterAll(async () => {
    await client?.close();
    await server?.close();
    await store?.close();
  });

  it('keep a long, silent trial alive past its grace period, while a trial nobody beats for is reaped', async () => {
    const study = await client.createStudy({
      name: 'heartbeats',
      direction: 'minimize',
      sampler: { random: {} },
      failurePolicy: { heartbeatGraceSeconds: 1 },
    });
    const abandoned = await connect(server.address, { heartbeatIntervalMs: 0, workerId: 'silent' });
    const silent = await (await abandoned.loadStudy('heartbeats')).ask();

    const result = await study.optimize(
      async (trial) => {
        // No report, no suggest after the first: only heartbeats tell the server this trial is alive.
        const x = await trial.suggestFloat('x', 0, 1);
        for (let i = 0; i < 5; i++) {
          await sleep(500);
          await server.service.reapExpiredTrials();
        }
        return x;
      },
      { nTrials: 1 },
    );
    expect(result).toMatchObject({ complete: 1, lost: 0 });
    expect((await study.trial(silent.number)).state).toBe('FAIL');
    await abandoned.close();
  });
});
