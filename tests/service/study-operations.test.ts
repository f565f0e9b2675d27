import { expect, it } from 'vitest';
import { askTrial, uniqueName, useServiceFixture } from '../support/service-fixture.js';
import { describeStores } from '../support/test-database.js';

describeStores('study operations', (stores) => {
  const f = useServiceFixture(stores);

  it('creates a study with its definition, a random seed when none is given, and reads it back', async () => {
    const name = uniqueName('create');
    const { study, created } = await f.service.createStudy({
      name,
      directions: ['minimize', 'maximize'],
      sampler: { kind: 'random' },
      userAttrs: { owner: 'me', tags: ['a', 1, null] },
      maxTrials: 10,
      failurePolicy: { heartbeatGraceSeconds: 30, maxRetries: 2 },
    });
    expect(created).toBe(true);
    expect(Number.isInteger(study.seed) && study.seed >= 0 && study.seed < 2 ** 32).toBe(true);
    const read = await f.service.getStudy(name);
    expect(read).toMatchObject({
      name,
      directions: ['minimize', 'maximize'],
      sampler: { kind: 'random' },
      pruner: { kind: 'nop' },
      seed: study.seed,
      userAttrs: { owner: 'me', tags: ['a', 1, null] },
      maxTrials: 10,
      failurePolicy: { heartbeatGraceSeconds: 30, maxRetries: 2 },
      state: 'RUNNING',
      trialCounts: { WAITING: 0, RUNNING: 0, COMPLETE: 0, PRUNED: 0, FAIL: 0 },
    });
  });

  it('loads an existing study with loadIfExists when directions match, and refuses otherwise', async () => {
    const name = uniqueName('load');
    const first = await f.service.createStudy({ name, directions: ['minimize'], sampler: { kind: 'random' }, seed: 7 });
    const loaded = await f.service.createStudy({ name, directions: ['minimize'], sampler: { kind: 'random' }, loadIfExists: true });
    expect(loaded).toMatchObject({ created: false, study: { id: first.study.id, seed: 7 } });
    await expect(f.service.createStudy({ name, directions: ['minimize'], sampler: { kind: 'random' } })).rejects.toMatchObject({
      code: 'ALREADY_EXISTS',
    });
    await expect(
      f.service.createStudy({ name, directions: ['maximize'], sampler: { kind: 'random' }, loadIfExists: true }),
    ).rejects.toMatchObject({ code: 'ALREADY_EXISTS', message: expect.stringMatching(/directions \[minimize\]/) });
  });

  it('creates one study when 8 callers race with loadIfExists', async () => {
    const name = uniqueName('race');
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        f.service.createStudy({ name, directions: ['minimize'], sampler: { kind: 'random' }, loadIfExists: true }),
      ),
    );
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.study.id)).size).toBe(1);
  });

  it('lists studies page by page with opaque tokens', async () => {
    const names = [uniqueName('page'), uniqueName('page'), uniqueName('page')];
    for (const name of names) await f.service.createStudy({ name, directions: ['minimize'], sampler: { kind: 'random' } });
    const seen: string[] = [];
    let token = '';
    do {
      const page = await f.service.listStudies({ pageSize: 2, pageToken: token });
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((s) => s.name));
      token = page.nextPageToken;
    } while (token !== '');
    expect(seen).toEqual(expect.arrayContaining(names));
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('deletes a study with its trials, and a request id makes the delete safe to retry', async () => {
    const name = uniqueName('delete');
    await f.service.createStudy({ name, directions: ['minimize'], sampler: { kind: 'random' } });
    const trial = await askTrial(f.service, name);
    await f.service.report({ trialId: trial.id, step: 0, value: 1 });
    await f.service.deleteStudy({ name, requestId: 'del-1' });
    await f.service.deleteStudy({ name, requestId: 'del-1' });
    await expect(f.service.getStudy(name)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(f.service.getTrial({ trialId: trial.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(f.service.deleteStudy({ name })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    // The name is free again, and the new study starts at trial 0.
    await f.service.createStudy({ name, directions: ['minimize'], sampler: { kind: 'random' } });
    expect((await askTrial(f.service, name)).number).toBe(0);
  });

  it('merges study user attributes key by key', async () => {
    const name = uniqueName('attrs');
    await f.service.createStudy({ name, directions: ['minimize'], sampler: { kind: 'random' }, userAttrs: { a: 1 } });
    await f.service.setStudyUserAttr({ studyName: name, key: 'b', value: { nested: [true, 'x'] } });
    await f.service.setStudyUserAttr({ studyName: name, key: 'a', value: 2 });
    expect((await f.service.getStudy(name)).userAttrs).toEqual({ a: 2, b: { nested: [true, 'x'] } });
  });
});
