import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { createHpoService } from '../../src/service/create-hpo-service.js';
import { migrateToLatest } from '../../src/storage/migrate.js';
import { openDatabase } from '../../src/storage/open-database.js';

describe('openDatabase', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hpo-data-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps the embedded store in its data folder across close and reopen', async () => {
    const dataDir = join(dir, 'nested', 'data');
    const first = await openDatabase({ dataDir });
    expect(first.kind).toBe('embedded');
    await migrateToLatest(first.db);
    const service = createHpoService({ db: first.db, reaperIntervalMs: 0 });
    await service.createStudy({ name: 'kept', directions: ['maximize'], sampler: { kind: 'random' }, seed: 5 });
    await service.close();
    await first.close();

    const second = await openDatabase({ dataDir });
    try {
      expect((await migrateToLatest(second.db)).applied).toEqual([]);
      const rows = await sql<{ name: string; seed: number }>`select name, seed from studies`.execute(second.db);
      expect(rows.rows).toEqual([{ name: 'kept', seed: 5 }]);
    } finally {
      await second.close();
    }
  });

  it('answers UNAVAILABLE, without hanging, while Postgres cannot be reached', async () => {
    // Port 1 on localhost: nothing listens, the connection is refused at once.
    const opened = await openDatabase({ url: 'postgres://postgres@127.0.0.1:1/none' });
    expect(opened.kind).toBe('postgres');
    const service = createHpoService({ db: opened.db, reaperIntervalMs: 0 });
    try {
      await expect(service.getStudy('any')).rejects.toMatchObject({ code: 'UNAVAILABLE' });
      await expect(service.ask({ studyName: 'any', searchSpace: {} })).rejects.toMatchObject({ code: 'UNAVAILABLE' });
      await expect(service.tell({ trialId: 1, state: 'FAIL' })).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    } finally {
      await service.close();
      await opened.close();
    }
  });

  it('answers UNAVAILABLE once the embedded store is closed', async () => {
    const opened = await openDatabase({ inMemory: true });
    await migrateToLatest(opened.db);
    const service = createHpoService({ db: opened.db, reaperIntervalMs: 0 });
    await opened.close();
    await expect(service.getStudy('any')).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    await service.close();
  });
});
