import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './database.js';
import { PGliteDialect } from './pglite-dialect.js';
import { namedStatementPool } from './prepared-statement-pool.js';

export interface OpenDatabaseOptions {
  /** A Postgres connection string; when set, Postgres is used. */
  readonly url?: string;
  /** Folder of the embedded store (default ./.hpo/data); ignored with `url` or `inMemory`. */
  readonly dataDir?: string;
  /** Embedded store in memory only (tests, throwaway studies). */
  readonly inMemory?: boolean;
  /** Postgres pool size (default 10). */
  readonly poolSize?: number;
}

export interface OpenedDatabase {
  readonly db: Kysely<Database>;
  readonly kind: 'postgres' | 'embedded';
  close(): Promise<void>;
}

export const DEFAULT_DATA_DIR = './.hpo/data';

const INT8_OID = 20;

// bigint columns (ids, seeds, counts) as JS numbers: every value hpo stores there is below 2^53.
const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID && format !== 'binary') return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format as 'text');
  },
} as pg.CustomTypesConfig;

/**
 * Opens the store: Postgres through a `pg` pool when `url` is given, otherwise the embedded PGlite
 * database (on disk in `dataDir`, or in memory). Does not migrate; call migrateToLatest.
 */
export async function openDatabase(options: OpenDatabaseOptions = {}): Promise<OpenedDatabase> {
  if (options.url) {
    const pool = new pg.Pool({
      connectionString: options.url,
      max: options.poolSize ?? 10,
      // Fail fast while Postgres is down instead of queueing calls forever.
      connectionTimeoutMillis: 5_000,
      idleTimeoutMillis: 30_000,
      // No call may hang on a lost or stuck database: the server gives up on a statement after 30 s, the
      // driver on a reply after 35 s (a dead network path sends no error), and TCP keepalives find dead peers.
      statement_timeout: 30_000,
      query_timeout: 35_000,
      idle_in_transaction_session_timeout: 60_000,
      keepAlive: true,
      // Statements run prepared (namedStatementPool) but planned for their parameters every time: a generic plan
      // is cached once, and one made while a table was small (a fresh study) stays a sequential scan of trials
      // as it grows until autovacuum next analyzes it. Parse and analysis are still skipped.
      options: '-c plan_cache_mode=force_custom_plan',
      types: pgTypes,
    });
    // An idle client losing its connection must not crash the process; the pool replaces it.
    pool.on('error', () => {});
    // Nor may a checked-out one: pg emits 'error' on a client whose connection ends (Postgres restarted,
    // admin shutdown) even when the query in flight already failed, and the pool listens only while idle.
    // The failed query still rejects, and the pool drops the broken client on release.
    pool.on('connect', (client) => client.on('error', () => {}));
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: namedStatementPool(pool) }) });
    return { db, kind: 'postgres', close: () => db.destroy() };
  }
  let pglite: PGlite;
  if (options.inMemory) {
    pglite = await PGlite.create();
  } else {
    const dir = resolve(options.dataDir ?? DEFAULT_DATA_DIR);
    mkdirSync(dir, { recursive: true });
    pglite = await PGlite.create(dir);
  }
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
  return { db, kind: 'embedded', close: () => db.destroy() };
}
