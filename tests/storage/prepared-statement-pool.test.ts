import { type Kysely, sql } from 'kysely';
import pg from 'pg';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { UnavailableError } from '../../src/core/errors.js';
import { findRequestResponsesByMethod, lockTrialsWithStudies } from '../../src/storage/batch-repository.js';
import type { Database } from '../../src/storage/database.js';
import { type OpenedDatabase, openDatabase } from '../../src/storage/open-database.js';
import { MAX_PREPARED_PER_CONNECTION } from '../../src/storage/prepared-statement-pool.js';
import { saveRequestResponse } from '../../src/storage/request-repository.js';
import { mapStorageError } from '../../src/storage/storage-errors.js';
import { describePostgres, type TestStore } from '../support/test-database.js';

interface Prepared {
  readonly name: string;
  readonly statement: string;
}

// Unnamed (no parameters), so it does not count itself; with a pool of one it sees the session every call used.
async function preparedStatements(db: Kysely<Database>): Promise<Prepared[]> {
  const rows = await sql<Prepared>`select name, statement from pg_prepared_statements`.execute(db);
  return rows.rows;
}

describePostgres('named prepared statements on the Postgres store', (stores) => {
  let store: TestStore;
  let opened: OpenedDatabase;
  beforeEach(async () => {
    store = await stores.open();
    opened = await openDatabase({ url: store.url!, poolSize: 1 });
  });
  afterEach(async () => {
    await opened.close();
    await store.close();
  });

  it('runs a batch read as one prepared statement for every batch size, with the same rows as without', async () => {
    const keys = Array.from({ length: 70 }, (_, i) => `key-${i}`);
    for (const [i, key] of keys.entries()) if (i % 2 === 0) await saveRequestResponse(opened.db, 'Ask', key, { i });
    for (let n = 1; n <= keys.length; n++) {
      const found = (await findRequestResponsesByMethod(opened.db, { Ask: keys.slice(0, n) })).get('Ask')!;
      const expected = keys.slice(0, n).flatMap((key, i) => (i % 2 === 0 ? [[key, { i }]] : []));
      expect([...found.entries()].sort()).toEqual(expected.sort());
    }
    const batchReads = (await preparedStatements(opened.db)).filter((p) => p.statement.includes('join request_ids r'));
    expect(batchReads).toHaveLength(1);
    expect(batchReads[0].name).toMatch(/^hpo_/);
  });

  it('prepares at most MAX_PREPARED_PER_CONNECTION statements on a connection and runs later texts unnamed', async () => {
    const distinct = MAX_PREPARED_PER_CONNECTION + 20;
    for (let i = 0; i < distinct; i++) {
      const rows = await sql<{ n: number }>`select ${sql.raw(String(i))}::int + ${1}::int as n`.execute(opened.db);
      expect(rows.rows).toEqual([{ n: i + 1 }]);
    }
    // The migration's own statements ran on a pool of its own (stores.open), so this session prepared only these.
    const prepared = await preparedStatements(opened.db);
    expect(prepared.length).toBe(MAX_PREPARED_PER_CONNECTION);
    // A text prepared before the quota ran out still runs (named), and one after it (unnamed) too.
    const early = await sql<{ n: number }>`select ${sql.raw('0')}::int + ${5}::int as n`.execute(opened.db);
    const late = await sql<{ n: number }>`select ${sql.raw(String(distinct - 1))}::int + ${5}::int as n`.execute(opened.db);
    expect([early.rows, late.rows]).toEqual([[{ n: 5 }], [{ n: distinct + 4 }]]);
    expect((await preparedStatements(opened.db)).length).toBe(MAX_PREPARED_PER_CONNECTION);
  });

  it('plans a prepared statement for the table as it is now, not as it was when first prepared', async () => {
    await sql`insert into studies (name, directions, sampler, pruner, seed, user_attrs, system_attrs, heartbeat_grace_seconds, max_retries, state)
      values ('s', '{minimize}', '{}', '{}', 1, '{}', '{}', 60, 0, 'RUNNING')`.execute(opened.db);
    await sql`insert into trials (study_id, number, state) select 1, g, 'COMPLETE' from generate_series(1, 10) g`.execute(opened.db);
    await sql`analyze trials`.execute(opened.db);
    // More than the 5 executions after which Postgres would otherwise settle on a generic plan (a sequential
    // scan, on a table this small).
    for (let i = 1; i <= 10; i++) expect(await lockTrialsWithStudies(opened.db, [i])).toHaveLength(1);
    await sql`insert into trials (study_id, number, state) select 1, g, 'COMPLETE' from generate_series(11, 20000) g`.execute(opened.db);
    const [locking] = (await preparedStatements(opened.db)).filter((p) => p.statement.includes('for update of t'));
    const plan = await sql<{ 'QUERY PLAN': string }>`explain execute ${sql.raw(locking.name)}('{5}')`.execute(opened.db);
    expect(plan.rows.map((r) => r['QUERY PLAN']).join('\n')).toContain('Index Scan using trials_pkey');
  });

  it('leaves statements without parameters unprepared (transaction control, DDL)', async () => {
    await opened.db.transaction().execute(async (trx) => {
      await sql`create temporary table scratch (x int)`.execute(trx);
      await sql`insert into scratch values (1)`.execute(trx);
    });
    expect(await preparedStatements(opened.db)).toEqual([]);
  });

  it('answers UNAVAILABLE when the connection of a prepared statement is killed, and prepares it again on the next one', async () => {
    const admin = new pg.Client({ connectionString: store.url! });
    await admin.connect();
    try {
      const byName = (name: string) => sql<{ name: string }>`select name from studies where name = ${name}`;
      const failure = await opened.db
        .transaction()
        .execute(async (trx) => {
          await byName('a').execute(trx);
          const pid = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx);
          await admin.query('select pg_terminate_backend($1)', [pid.rows[0].pid]);
          await byName('b').execute(trx);
        })
        .then(
          () => undefined,
          (error: unknown) => error,
        );
      expect(mapStorageError(failure)).toBeInstanceOf(UnavailableError);
      expect((await byName('c').execute(opened.db)).rows).toEqual([]);
      expect((await preparedStatements(opened.db)).map((p) => p.statement)).toEqual(['select name from studies where name = $1']);
    } finally {
      await admin.end();
    }
  });
});
