import { expect, it } from 'vitest';
import { connect } from '@hpo/client';
import { describeStores } from '../../support/test-database.js';
import { useServedSdk } from './served-store.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describeStores('automatic heartbeats', (stores) => {
  const sdk = useServedSdk(stores);


  it('keep a long, silent trial alive past its grace period, while a trial nobody beats for is reaped', async () => {
    const study = await sdk.client.createStudy({
      name: 'heartbeats',
      direction: 'minimize',
      sampler: { random: {} },
      failurePolicy: { heartbeatGraceSeconds: 1 },
    });
    const abandoned = await connect(sdk.server.address, { heartbeatIntervalMs: 0, workerId: 'silent' });
    const silent = await (await abandoned.loadStudy('heartbeats')).ask();

    const result = await study.optimize(
      async (trial) => {
        // No report, no suggest after the first: only heartbeats tell the sdk.server this trial is alive.
        const x = await trial.suggestFloat('x', 0, 1);
        for (let i = 0; i < 5; i++) {
          await sleep(500);
          await sdk.server.service.reapExpiredTrials();
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
