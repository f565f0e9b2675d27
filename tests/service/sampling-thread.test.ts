import { afterAll, describe, expect, it } from 'vitest';
import type { SearchSpace } from '../../src/core/distribution.js';
import { InvalidArgumentError, NotFoundError, ResourceExhaustedError } from '../../src/core/errors.js';
import { SamplerExhausted } from '../../src/core/sampler.js';
import type { FrozenTrial } from '../../src/core/trial.js';
import { newRunningTrial } from '../../src/service/ask-pipeline.js';
import { createHpoService } from '../../src/service/create-hpo-service.js';
import type { CreateStudyInput } from '../../src/service/hpo-service.js';
import { deserializeError, serializeError } from '../../src/service/sampling-thread-messages.js';
import { type ChainedSample, type Override, sampleInThread, SamplingThread } from '../../src/service/sampling-thread.js';
import { StudyCacheEntry } from '../../src/service/study-cache.js';
import { findStudyByName } from '../../src/storage/study-repository.js';
import { askTrial, uniqueName, useServiceFixture } from '../support/service-fixture.js';
import { describePostgres } from '../support/test-database.js';

const SPACE: SearchSpace = {
  x: { kind: 'float', low: -5, high: 5, log: false },
  y: { kind: 'float', low: 1e-3, high: 10, log: true },
  n: { kind: 'int', low: 1, high: 8, step: 1, log: false },
  c: { kind: 'categorical', choices: ['a', 'b', 'c'] },
};
const GRID_SPACE: SearchSpace = { x: { kind: 'float', low: 0, high: 10, log: false } };
const errors: unknown[] = [];
const logger = { info() {}, warn() {}, error: (obj: object) => void errors.push(obj) };

const objective = (p: Record<string, unknown>) => (p.x as number) ** 2 + Math.log(p.y as number) + (p.n as number) / 10 + (p.c === 'b' ? 0 : 1);

describePostgres('sampling thread', (stores) => {
  const f = useServiceFixture(stores);
  // Every sampler through the thread, so random and grid are compared too.
  const thread = new SamplingThread({ logger, offload: () => true });
  afterAll(() => thread.close());

  async function studyWith(sampler: CreateStudyInput['sampler'], finished: number, space = SPACE): Promise<string> {
    const name = uniqueName('thread');
    await f.service.createStudy({ name, directions: ['minimize'], sampler, seed: 7 });
    for (let i = 0; i < finished; i++) {
      const t = await askTrial(f.service, name, space);
      await f.service.tell({ trialId: t.id, state: 'COMPLETE', values: [space === SPACE ? objective(t.params) : i] });
    }
    return name;
  }

  async function entriesOf(name: string): Promise<[StudyCacheEntry, StudyCacheEntry]> {
    const row = (await findStudyByName(f.store.db, name))!;
    const a = new StudyCacheEntry(row);
    const b = new StudyCacheEntry(row);
    await a.refresh(f.store.db);
    await b.refresh(f.store.db);
    return [a, b];
  }

  /** `asks` new trials, each seeing the earlier ones taken, through the thread (entry a) and in-thread (entry b). */
  async function sampleBoth(a: StudyCacheEntry, b: StudyCacheEntry, first: number, asks: number, space = SPACE) {
    const viaThread: FrozenTrial[] = [];
    const inThread: FrozenTrial[] = [];
    const now = new Date('2026-01-01T00:00:00Z');
    for (let i = 0; i < asks; i++) {
      const fresh = newRunningTrial(first + i, now);
      viaThread.push(await thread.sample(a, fresh, space, a.snapshot(), [...viaThread, fresh]));
      inThread.push(await sampleInThread(b, fresh, space, b.snapshot(), [...inThread, fresh]));
    }
    return { viaThread, inThread };
  }

  const picked = (ts: readonly FrozenTrial[]) => ts.map((t) => ({ params: t.params, internal: t.internalParams, distributions: t.distributions, attrs: t.systemAttrs }));

  for (const [label, sampler, finished] of [
    ['TPE', { kind: 'tpe', options: { nStartupTrials: 5 } }, 40],
    ['TPE multivariate', { kind: 'tpe', options: { nStartupTrials: 5, multivariate: true, constantLiar: true } }, 30],
    ['GP with few trials', { kind: 'gp', options: { nStartupTrials: 4 } }, 8],
    ['random', { kind: 'random' }, 5],
    ['QMC', { kind: 'qmc' }, 5],
  ] as const) {
    it(`samples ${label} exactly as in-thread, before and after the study changes (deltas)`, async () => {
      const name = await studyWith(sampler as CreateStudyInput['sampler'], finished);
      const [a, b] = await entriesOf(name);
      const first = await sampleBoth(a, b, finished, 4);
      expect(picked(first.viaThread)).toEqual(picked(first.inThread));
      expect(thread.answered).toBeGreaterThan(0);
      expect(errors).toEqual([]);
      expect(new Set(first.viaThread.map((t) => JSON.stringify(t.params))).size).toBe(4);

      // Running trials, then their tells, then more finished trials: the thread's mirror follows by deltas.
      const running = [await askTrial(f.service, name, SPACE), await askTrial(f.service, name, SPACE)];
      await a.refresh(f.store.db);
      await b.refresh(f.store.db);
      const second = await sampleBoth(a, b, finished + 2, 3);
      expect(picked(second.viaThread)).toEqual(picked(second.inThread));
      for (const t of running) await f.service.tell({ trialId: t.id, state: 'COMPLETE', values: [objective(t.params) - 100] });
      const more = await askTrial(f.service, name, SPACE);
      await f.service.tell({ trialId: more.id, state: 'FAIL' });
      await a.refresh(f.store.db);
      await b.refresh(f.store.db);
      expect(a.version).toBeGreaterThan(1);
      const third = await sampleBoth(a, b, finished + 3, 3);
      expect(picked(third.viaThread)).toEqual(picked(third.inThread));
      // A sampler learning from the told trials answers differently than before them.
      expect(picked(third.viaThread)).not.toEqual(picked(second.viaThread));
    });
  }

  it('samples chained requests (each naming the earlier ones before they are answered) as in-thread one by one', async () => {
    const name = await studyWith({ kind: 'tpe', options: { nStartupTrials: 5, constantLiar: true } }, 30);
    const [a, b] = await entriesOf(name);
    const now = new Date('2026-01-01T00:00:00Z');
    const chained: Override[] = [];
    for (let i = 0; i < 4; i++) {
      const fresh = newRunningTrial(30 + i, now);
      chained.push(thread.sampling.chain!(a, fresh, SPACE, a.snapshot(), [...chained, fresh])!);
    }
    const viaThread = await Promise.all(chained.map((c) => (c as ChainedSample).result));
    const inThread: FrozenTrial[] = [];
    for (let i = 0; i < 4; i++) {
      const fresh = newRunningTrial(30 + i, now);
      inThread.push(await sampleInThread(b, fresh, SPACE, b.snapshot(), [...inThread, fresh]));
    }
    expect(picked(viaThread)).toEqual(picked(inThread));
    expect(new Set(viaThread.map((t) => JSON.stringify(t.params))).size).toBe(4);
  });

  it('hands out grid points as in-thread and answers SamplerExhausted when the grid is used up', async () => {
    const name = await studyWith({ kind: 'grid', axes: { x: [1, 2, 3, 4, 5] } }, 2, GRID_SPACE);
    const [a, b] = await entriesOf(name);
    const both = await sampleBoth(a, b, 2, 3, GRID_SPACE);
    expect(picked(both.viaThread)).toEqual(picked(both.inThread));
    const fresh = newRunningTrial(5, new Date());
    const error = await thread.sample(a, fresh, GRID_SPACE, a.snapshot(), [...both.viaThread, fresh]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SamplerExhausted);
    expect((error as SamplerExhausted).reason).toBe('all 5 grid points have been handed out');
    // A sampler error other than exhaustion comes back as its own class, naming its field.
    const other = await thread.sample(a, fresh, { z: GRID_SPACE.x }, a.snapshot(), [fresh]).catch((e: unknown) => e);
    expect(other).toBeInstanceOf(InvalidArgumentError);
    expect((other as InvalidArgumentError).field).toBe('params.z');
  });

  it('asks through the service with samplingThreads 1 as with 0 (same history, same asks)', async () => {
    const threaded = createHpoService({ db: f.store.db, reaperIntervalMs: 0, samplingThreads: 1, logger });
    try {
      const params: unknown[][] = [];
      for (const service of [f.service, threaded]) {
        const name = uniqueName('thread-service');
        await service.createStudy({ name, directions: ['minimize'], sampler: { kind: 'tpe', options: { nStartupTrials: 5 } }, seed: 11 });
        const seen: unknown[] = [];
        let t = await askTrial(service, name, SPACE);
        for (let i = 0; i < 25; i++) {
          seen.push(t.params);
          const r = await service.tellAndAsk({ tell: { trialId: t.id, state: 'COMPLETE', values: [objective(t.params)] }, ask: { studyName: name, searchSpace: SPACE } });
          if (r.next.kind !== 'trial') throw new Error('done');
          t = r.next.trial;
        }
        params.push(seen);
      }
      expect(params[1]).toEqual(params[0]);
      expect(errors).toEqual([]);
    } finally {
      await threaded.close();
    }
  });

  it('answers 16 concurrent asks through the thread with distinct trials', async () => {
    const threaded = createHpoService({ db: f.store.db, reaperIntervalMs: 0, samplingThreads: 1, logger });
    try {
      const name = uniqueName('thread-concurrent');
      await threaded.createStudy({ name, directions: ['minimize'], sampler: { kind: 'tpe', options: { nStartupTrials: 2 } }, seed: 3 });
      for (let round = 0; round < 3; round++) {
        const trials = await Promise.all(Array.from({ length: 16 }, () => askTrial(threaded, name, SPACE)));
        expect(new Set(trials.map((t) => t.number)).size).toBe(16);
        await Promise.all(trials.map((t) => threaded.tell({ trialId: t.id, state: 'COMPLETE', values: [objective(t.params)] })));
      }
      expect(errors).toEqual([]);
    } finally {
      await threaded.close();
    }
  });
});

describe('sampling thread errors', () => {
  it('keep their class and fields across the thread', () => {
    const round = (e: unknown) => deserializeError(serializeError(e));
    const invalid = round(new InvalidArgumentError('search_space.x', 'bad'));
    expect(invalid).toBeInstanceOf(InvalidArgumentError);
    expect(invalid.message).toBe('search_space.x: bad');
    const missing = round(new NotFoundError('study', 's'));
    expect(missing).toBeInstanceOf(NotFoundError);
    expect((missing as NotFoundError).key).toBe('s');
    expect(round(new ResourceExhaustedError('too many'))).toBeInstanceOf(ResourceExhaustedError);
    expect((round(new SamplerExhausted('done')) as SamplerExhausted).reason).toBe('done');
    const plain = round(new RangeError('x'));
    expect(plain.name).toBe('RangeError');
    expect(plain.message).toBe('x');
  });
});
