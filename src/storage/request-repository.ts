import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database } from './database.js';

type Db = Kysely<Database> | Transaction<Database>;

/**
 * Locks a request key for the rest of the transaction, so two concurrent retries of one call run one after
 * the other (the second then finds the first's stored response).
 */
export async function lockRequestKey(db: Db, method: string, key: string): Promise<void> {
  // ':' separates (method names have none); a NUL byte would be rejected by Postgres text ("invalid byte sequence").
  await sql`select pg_advisory_xact_lock(hashtextextended(${`${method}:${key}`}::text, 0))`.execute(db);
}

export async function findRequestResponse(db: Db, method: string, key: string): Promise<unknown | undefined> {
  const row = await db
    .selectFrom('request_ids')
    .select('response')
    .where('method', '=', method)
    .where('key', '=', key)
    .executeTakeFirst();
  return row?.response;
}

export async function saveRequestResponse(db: Db, method: string, key: string, response: unknown): Promise<void> {
  await db
    .insertInto('request_ids')
    .values({ method, key, response: JSON.stringify(response) })
    .execute();
}

/** Forgets request ids older than `before` (a retry after that long is a new call). */
export async function deleteRequestIdsBefore(db: Db, before: Date): Promise<number> {
  const result = await db.deleteFrom('request_ids').where('created_at', '<', sql<Date>`${before.toISOString()}::timestamptz`).executeTakeFirst();
  return Number(result.numDeletedRows);
}
