import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database, NewTrialRow, TrialRow } from './database.js';

type Db = Kysely<Database> | Transaction<Database>;

/*
 * Set-at-a-time versions of the single-row repository functions, for calls the service groups into one
 * transaction (several asks of one study): one statement and one round trip however many rows.
 */

/**
 * Locks every request key for the rest of the transaction, in one statement and in a fixed (hash) order, so
 * two transactions locking overlapping sets cannot deadlock. Same key as lockRequestKey.
 */
export async function lockRequestKeys(db: Db, method: string, keys: readonly string[]): Promise<void> {
  if (keys.length === 0) return;
  const full = keys.map((k) => `${method}:${k}`);
  await sql`select pg_advisory_xact_lock(h) from (
      select distinct hashtextextended(k, 0) as h from unnest(${full}::text[]) as k order by 1
    ) as keys`.execute(db);
}

/** Stored responses by key, for the keys that have one. */
export async function findRequestResponses(db: Db, method: string, keys: readonly string[]): Promise<Map<string, unknown>> {
  const found = new Map<string, unknown>();
  if (keys.length === 0) return found;
  const rows = await db.selectFrom('request_ids').select(['key', 'response']).where('method', '=', method).where('key', 'in', keys).execute();
  for (const r of rows) found.set(r.key, r.response);
  return found;
}

export async function saveRequestResponses(db: Db, method: string, entries: ReadonlyArray<{ key: string; response: unknown }>): Promise<void> {
  if (entries.length === 0) return;
  await db
    .insertInto('request_ids')
    .values(entries.map((e) => ({ method, key: e.key, response: JSON.stringify(e.response) })))
    .execute();
}

/** Up to `limit` WAITING trials of a study, lowest numbers first, locked. */
export async function lockWaitingTrials(db: Db, studyId: number, limit: number): Promise<TrialRow[]> {
  return db
    .selectFrom('trials')
    .selectAll()
    .select(sql<string>`change_xid::text`.as('change_xid'))
    .where('study_id', '=', studyId)
    .where('state', '=', 'WAITING')
    .orderBy('number')
    .limit(limit)
    .forUpdate()
    .execute();
}

/** Inserts trials in one statement; returns the stored rows in the order given. */
export async function insertTrials(db: Db, rows: readonly NewTrialRow[]): Promise<TrialRow[]> {
  if (rows.length === 0) return [];
  const stored = await db
    .insertInto('trials')
    .values([...rows])
    .returningAll()
    .returning(sql<string>`change_xid::text`.as('change_xid'))
    .execute();
  const byNumber = new Map(stored.map((r) => [r.number, r]));
  return rows.map((r) => byNumber.get(r.number)!);
}

/** Takes `count` trial numbers at once (the caller holds the study lock); returns the first. */
export async function takeTrialNumbers(db: Db, studyId: number, count: number): Promise<number> {
  const row = await db
    .updateTable('studies')
    .set({ next_trial_number: sql`next_trial_number + ${count}::int` })
    .where('id', '=', studyId)
    .returning(sql<number>`next_trial_number - ${count}::int`.as('first'))
    .executeTakeFirstOrThrow();
  return row.first;
}
