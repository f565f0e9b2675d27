import { expect, it } from 'vitest';
import type { SearchSpace } from '../../src/core/distribution.js';
import type { HpoServiceImpl } from '../../src/service/create-hpo-service.js';
import { uniqueName, useServiceFixture } from '../support/service-fixture.js';
import { describeStores } from '../support/test-database.js';

const AXIS = Array.from({ length: 8 }, (_, i) => i);
const SPACE: SearchSpace = {
  a: { kind: 'int', low: 0, high: 7, log: false, step: 1 },
  b: { kind: 'int', low: 0, high: 7, log: false, step: 1 },
};

/**
 * Asks in waves of `width` at once (they queue behind the first one's transaction, which is when they are
 * sampled ahead), tells each, and goes on until the study says done; returns the grid points handed out.
 */
async function askInWaves(service: HpoServiceImpl, studyName: string, width: number): Promise<Array<{ number: number; point: string }>> {
  const got: Array<{ number: number; point: string }> = [];
  for (;;) {
    const results = await Promise.all(Array.from({ length: width }, () => service.ask({ studyName, searchSpace: SPACE })));
    for (const result of results) {
      if (result.kind === 'done') continue;
      got.push({ number: result.trial.number, point: `${result.trial.params.a},${result.trial.params.b}` });
      await service.tell({ trialId: result.trial.id, state: 'COMPLETE', values: [Number(result.trial.params.a)] });
    }
    if (results.some((r) => r.kind === 'done')) return got;
  }
}

describeStores('asks sampled while an earlier batch commits', (stores) => {
  const f = useServiceFixture(stores);

  it('hand out every grid point exactly once when two processes ask at the same time', async () => {
    const name = uniqueName('pipeline-grid');
    await f.service.createStudy({ name, directions: ['minimize'], sampler: { kind: 'grid', axes: { a: AXIS, b: AXIS } } });
    const other = f.secondService();
    // Each wave's asks after the first are sampled ahead while the first one's batch commits; the other
    // process's inserts in between are what such a proposal must notice.
    const runs = await Promise.all([askInWaves(f.service, name, 7), askInWaves(other, name, 5)]);
    const all = runs.flat();
    expect(all).toHaveLength(64);
    expect(new Set(all.map((t) => t.point)).size).toBe(64);
    expect(all.map((t) => t.number).sort((x, y) => x - y)).toEqual(Array.from({ length: 64 }, (_, i) => i));
  });

  it('keep trial numbers dense and the budget exact under many concurrent asks of one process', async () => {
    const name = uniqueName('pipeline-budget');
    await f.service.createStudy({ name, directions: ['minimize'], sampler: { kind: 'tpe', options: { nStartupTrials: 4 } }, seed: 3, maxTrials: 40 });
    const space: SearchSpace = { x: { kind: 'float', low: -5, high: 5, log: false } };
    const runs = await Promise.all(
      Array.from({ length: 12 }, async (_, w) => {
        const numbers: number[] = [];
        for (;;) {
          const result = await f.service.ask({ studyName: name, searchSpace: space, workerId: `w${w}` });
          if (result.kind === 'done') return numbers;
          numbers.push(result.trial.number);
          const x = Number(result.trial.params.x);
          await f.service.tell({ trialId: result.trial.id, state: 'COMPLETE', values: [x * x], workerId: `w${w}` });
        }
      }),
    );
    expect(runs.flat().sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, i) => i));
  });
});
