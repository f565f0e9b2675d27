import type { SearchSpace } from '../../src/core/distribution.js';
import { createRng } from '../../src/core/rng.js';
import { withParam } from '../../src/core/sample-params.js';
import { blankTrial, type FrozenTrial } from '../../src/core/trial.js';
import type { SamplerSpec } from '../../samplers/sampler-spec.js';
import { createHpoService } from '../../src/service/create-hpo-service.js';
import { storedParamsOf } from '../../src/service/trial-record.js';
import { float8ArrayLiteral } from '../../src/storage/float-array.js';
import { migrateToLatest } from '../../src/storage/migrate.js';
import { openDatabase } from '../../src/storage/open-database.js';

/** The declared space every benchmark worker asks with: two floats and an int. */
export const SPACE: SearchSpace = {
  x: { kind: 'float', low: -10, high: 10, log: false },
  y: { kind: 'float', low: -10, high: 10, log: false },
  n: { kind: 'int', low: 0, high: 10, log: false, step: 1 },
};

/** The trivial objective. */
export function objective(p: Readonly<Record<string, unknown>>): number {
  return (Number(p.x) - 1) ** 2 + (Number(p.y) + 2) ** 2 + Number(p.n);
}

export interface StudyToPrepare {
  readonly name: string;
  readonly sampler: SamplerSpec;
  /** COMPLETE trials already in the study when the measurement starts. */
  readonly finished: number;
}

export type StoreLocation = { readonly url: string } | { readonly dataDir: string };

/**
 * Creates the studies and fills each with `finished` COMPLETE trials (random params, the objective's value),
 * written straight to the store in large inserts: the benchmark measures asking and telling on a study of that
 * size, not how it got there. The store is closed again before a server opens it.
 */
export async function prepareStore(location: StoreLocation, studies: readonly StudyToPrepare[]): Promise<void> {
  const opened = await openDatabase('url' in location ? { url: location.url } : { dataDir: location.dataDir });
  try {
    await migrateToLatest(opened.db);
    const service = createHpoService({ db: opened.db, reaperIntervalMs: 0 });
    for (const s of studies) {
      const { study } = await service.createStudy({ name: s.name, directions: ['minimize'], sampler: s.sampler, seed: 1 });
      const rng = createRng(12345);
      const now = new Date().toISOString();
      for (let start = 0; start < s.finished; start += 1000) {
        const rows = [];
        for (let number = start; number < Math.min(s.finished, start + 1000); number++) {
          let trial = blankTrial({ id: 0, state: 'COMPLETE', number });
          for (const [name, d] of Object.entries(SPACE)) {
            const u = rng.random();
            const x = d.kind === 'int' ? Math.floor(d.low + u * (d.high - d.low + 1)) : d.kind === 'float' ? d.low + u * (d.high - d.low) : 0;
            trial = withParam(trial, name, d, x);
          }
          rows.push({
            study_id: study.id,
            number,
            state: 'COMPLETE' as const,
            params: storedParamsOf(trial),
            values: float8ArrayLiteral([objective(trial.params)]),
            user_attrs: '{}',
            system_attrs: '{}',
            started_at: now,
            completed_at: now,
            created_at: now,
          });
        }
        await opened.db.insertInto('trials').values(rows).execute();
      }
      await opened.db.updateTable('studies').set({ next_trial_number: s.finished }).where('id', '=', study.id).execute();
    }
    await service.close();
  } finally {
    await opened.close();
  }
}
