import { expect, it } from 'vitest';
import type { SearchSpace } from '../../src/core/distribution.js';
import { askTrial, uniqueName, useServiceFixture } from '../support/service-fixture.js';
import { describeStores } from '../support/test-database.js';

const SPACE: SearchSpace = { a: { kind: 'int', low: 0, high: 1, log: false, step: 1 } };

describeStores('a grid study done while a trial still runs', (stores) => {
  const f = useServiceFixture(stores);

  it('hands out the retry of a reaped trial even though the grid was used up, then is done again', async () => {
    const name = uniqueName('grid-retry');
    await f.service.createStudy({
      name,
      directions: ['minimize'],
      sampler: { kind: 'grid', axes: { a: [0, 1] } },
      failurePolicy: { heartbeatGraceSeconds: 10, maxRetries: 1 },
    });
    const first = await askTrial(f.service, name, SPACE, { workerId: 'w1' });
    const second = await askTrial(f.service, name, SPACE, { workerId: 'w2' });
    await f.service.tell({ trialId: second.id, state: 'COMPLETE', values: [1], workerId: 'w2' });
    expect(await f.service.ask({ studyName: name, searchSpace: SPACE })).toMatchObject({ kind: 'done' });
    expect((await f.service.getStudy(name)).state).toBe('DONE');

    // The first worker dies; its grid point is retried.
    f.clock.advance(11);
    await f.service.reapExpiredTrials();
    expect((await f.service.getStudy(name)).state).toBe('RUNNING');
    const retry = await askTrial(f.service, name, SPACE, { workerId: 'w3' });
    expect(retry).toMatchObject({ retryOf: first.number, params: first.params });
    await f.service.tell({ trialId: retry.id, state: 'COMPLETE', values: [0], workerId: 'w3' });
    expect(await f.service.ask({ studyName: name, searchSpace: SPACE })).toMatchObject({ kind: 'done' });
    expect((await f.service.getStudy(name)).state).toBe('DONE');
  });
});
