import { sql } from 'kysely';
import { afterEach, expect, it } from 'vitest';
import { migrateDown, migrateToLatest, readMigrations } from '../../src/storage/migrate.js';
import { openDatabase } from '../../src/storage/open-database.js';
import { describePostgres, describeStores, type TestStore } from '../support/test-database.js';

async function tables(store: TestStore): Promise<string[]> {
  const rows = await sql<{ name: string }>`
    select table_name as name from information_schema.tables where table_schema = 'public' order by 1`.execute(store.db);
  return rows.rows.map((r) => r.name);
}

describeStores('migrateToLatest', (stores) => {
  let store: TestStore | undefined;
  afterEach(async () => {
    await store?.close();
    store = undefined;
  });

  it('applies every migration once, and nothing the second time', async () => {
    store = await stores.openEmpty();
    const first = await migrateToLatest(store.db);
    expect(first.applied).toEqual(readMigrations().map((m) => m.name));
    expect(await tables(store)).toEqual(
      expect.arrayContaining(['studies', 'trials', 'trial_intermediate_values', 'request_ids', 'hpo_migrations']),
    );
    expect((await migrateToLatest(store.db)).applied).toEqual([]);
  });

  it('reverts with migrateDown and re-applies', async () => {
    store = await stores.openEmpty();
    await migrateToLatest(store.db);
    const down = await migrateDown(store.db, readMigrations().length);
    expect(down.applied).toEqual(readMigrations().map((m) => m.name).reverse());
    expect(await tables(store)).toEqual(['hpo_migrations']);
    expect((await migrateToLatest(store.db)).applied.length).toBe(readMigrations().length);
  });
});

describePostgres('migrateToLatest from several servers at once', (stores) => {
  it('applies each migration exactly once when 6 processes migrate one database concurrently', async () => {
    const store = await stores.openEmpty();
    const pools = await Promise.all(Array.from({ length: 6 }, () => openDatabase({ url: store.url! })));
    try {
      const results = await Promise.all(pools.map((p) => migrateToLatest(p.db)));
      const applied = results.flatMap((r) => r.applied);
      expect(applied).toEqual(readMigrations().map((m) => m.name));
      const rows = await sql<{ n: number }>`select count(*)::int as n from hpo_migrations`.execute(store.db);
      expect(rows.rows[0].n).toBe(readMigrations().length);
    } finally {
      await Promise.all(pools.map((p) => p.close()));
      await store.close();
    }
  });
});
