import { insertStudy } from '../../src/storage/study-repository.js';
import type { StudyRow } from '../../src/storage/database.js';
import type { TestStore } from './test-database.js';

/** A minimising random study row written straight to the store (for repository tests, which bypass the service). */
export async function insertTestStudy(store: TestStore, name: string): Promise<StudyRow> {
  return insertStudy(store.db, {
    name,
    directions: '{minimize}',
    sampler: '{"kind":"random"}',
    pruner: '{"kind":"nop"}',
    seed: 1,
    user_attrs: '{}',
    system_attrs: '{}',
    max_trials: null,
    heartbeat_grace_seconds: 60,
    max_retries: 0,
    count_failed_trials: false,
    state: 'RUNNING',
  });
}
