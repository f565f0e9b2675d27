import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../storage/database.js';
import { isConflict, mapStorageError } from '../storage/storage-errors.js';
import type { StudyCache } from './study-cache.js';

/** Structured logger (pino's shape). */
export interface ServiceLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** What every operation of the service needs. */
export interface ServiceContext {
  readonly db: Kysely<Database>;
  readonly cache: StudyCache;
  readonly logger: ServiceLogger;
  /** The clock for every stored timestamp (injected so tests can move time). */
  now(): Date;
}

export type Tx = Transaction<Database>;

const MAX_ATTEMPTS = 4;

/**
 * Runs `fn` in one transaction (READ COMMITTED, with explicit row locks where decisions must be exact).
 * Serialisation failures and deadlocks are retried a few times, then surface as ABORTED; connection
 * failures surface as UNAVAILABLE. When `fn` throws, nothing it wrote is kept.
 */
export async function inTransaction<T>(ctx: ServiceContext, fn: (trx: Tx) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await ctx.db.transaction().execute(fn);
    } catch (error) {
      if (isConflict(error) && attempt < MAX_ATTEMPTS) continue;
      throw mapStorageError(error);
    }
  }
}

/** A read outside any transaction, with storage errors mapped. */
export async function read<T>(ctx: ServiceContext, fn: (db: Kysely<Database>) => Promise<T>): Promise<T> {
  try {
    return await fn(ctx.db);
  } catch (error) {
    throw mapStorageError(error);
  }
}
