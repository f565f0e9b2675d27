import { afterAll, beforeAll } from 'vitest';
import type { SearchSpace } from '../../src/core/distribution.js';
import { createHpoService, type HpoServiceImpl } from '../../src/service/create-hpo-service.js';
import type { TrialRecord } from '../../src/service/hpo-service.js';
import type { StoreFactory, TestStore } from './test-database.js';

/** A clock that moves only when told, so lease tests never depend on wall time. */
export class ManualClock {
  private t = Date.parse('2026-01-01T00:00:00Z');
  now(): Date {
    return new Date(this.t);
  }
  advance(seconds: number): void {
    this.t += seconds * 1000;
  }
}

export interface ServiceFixture {
  readonly store: TestStore;
  readonly service: HpoServiceImpl;
  readonly clock: ManualClock;
  /** Another service instance (its own cache) on the same database, as a second server process would be. */
  secondService(): HpoServiceImpl;
}

/**
 * A migrated store and a service over it for one describe block (opened in beforeAll, closed in afterAll).
 * The reaper timer is off: tests run it with reapExpiredTrials().
 */
export function useServiceFixture(stores: StoreFactory): ServiceFixture {
  const clock = new ManualClock();
  const extra: HpoServiceImpl[] = [];
  const fixture = {} as { store: TestStore; service: HpoServiceImpl };
  beforeAll(async () => {
    fixture.store = await stores.open();
    fixture.service = createHpoService({ db: fixture.store.db, reaperIntervalMs: 0, now: () => clock.now() });
  });
  afterAll(async () => {
    for (const s of extra) await s.close();
    await fixture.service?.close();
    await fixture.store?.close();
  });
  return {
    get store() {
      return fixture.store;
    },
    get service() {
      return fixture.service;
    },
    clock,
    secondService() {
      const s = createHpoService({ db: fixture.store.db, reaperIntervalMs: 0, now: () => clock.now() });
      extra.push(s);
      return s;
    },
  };
}

let counter = 0;
/** A study name no other test in the process uses. */
export function uniqueName(prefix: string): string {
  counter += 1;
  return `${prefix}-${process.pid}-${counter}`;
}

export const X_SPACE: SearchSpace = { x: { kind: 'float', low: -10, high: 10, log: false } };

/** Asks and expects a trial (fails the test on 'done'). */
export async function askTrial(
  service: HpoServiceImpl,
  studyName: string,
  searchSpace: SearchSpace = X_SPACE,
  extra: { workerId?: string; requestId?: string } = {},
): Promise<TrialRecord> {
  const result = await service.ask({ studyName, searchSpace, ...extra });
  if (result.kind !== 'trial') throw new Error(`expected a trial, the study is done: ${result.reason}`);
  return result.trial;
}
