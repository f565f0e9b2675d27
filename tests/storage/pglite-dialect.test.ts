import { setTimeout as sleep } from 'node:timers/promises';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PGliteDialect } from '../../src/storage/pglite-dialect.js';

interface Db {
  counter: { n: number; who: number };
}

describe('PGliteDialect', () => {
  let db: Kysely<Db>;

  beforeAll(async () => {
    db = new Kysely<Db>({ dialect: new PGliteDialect(await PGlite.create()) });
    await sql`create table counter (n int not null, who int not null)`.execute(db);
  });

  afterAll(async () => {
    await db.destroy();
  });

  it('serialises 20 concurrent read-then-insert transactions so none sees another half-done', async () => {
    await sql`truncate counter`.execute(db);
    await Promise.all(
      Array.from({ length: 20 }, (_, who) =>
        db.transaction().execute(async (trx) => {
          const row = await trx.selectFrom('counter').select(sql<number>`coalesce(max(n), 0)`.as('max')).executeTakeFirstOrThrow();
          // Yield to the event loop: an unserialised driver would let the other transactions read the same max now.
          await sleep(1);
          await trx.insertInto('counter').values({ n: Number(row.max) + 1, who }).execute();
        }),
      ),
    );
    const rows = await db.selectFrom('counter').select(['n', 'who']).orderBy('n').execute();
    expect(rows.map((r) => r.n)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(new Set(rows.map((r) => r.who)).size).toBe(20);
  });

  it('rolls back a failing transaction without touching the ones queued around it', async () => {
    await sql`truncate counter`.execute(db);
    const results = await Promise.allSettled([
      db.transaction().execute((trx) => trx.insertInto('counter').values({ n: 1, who: 1 }).execute()),
      db.transaction().execute(async (trx) => {
        await trx.insertInto('counter').values({ n: 2, who: 2 }).execute();
        throw new Error('boom');
      }),
      db.insertInto('counter').values({ n: 3, who: 3 }).execute(),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const rows = await db.selectFrom('counter').select('n').orderBy('n').execute();
    expect(rows.map((r) => r.n)).toEqual([1, 3]);
  });

  it('runs several statements in one parameterless query (migrations)', async () => {
    await sql.raw('create table multi (x int); insert into multi values (1); insert into multi values (2)').execute(db);
    const rows = await sql<{ n: number }>`select count(*)::int as n from multi`.execute(db);
    expect(rows.rows[0].n).toBe(2);
  });
});
