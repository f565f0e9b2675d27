import { InternalError } from '../core/errors.js';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Kysely, sql } from 'kysely';

/** The folder of SQL migrations shipped with hpo. */
export const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'migrations');

// Any fixed 64-bit key: every hpo process takes this advisory lock around migrations.
const MIGRATION_LOCK_KEY = 7_236_011_580_521n;

export interface MigrationResult {
  /** Names applied (or reverted) by this call, in order. */
  readonly applied: readonly string[];
}

interface Migration {
  readonly name: string;
  readonly up: string;
  readonly down: string | undefined;
}

/** The migrations in `dir`: `<name>.up.sql` (and optional `<name>.down.sql`), ordered by name. */
export function readMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  const files = readdirSync(dir);
  return files
    .filter((f) => f.endsWith('.up.sql'))
    .sort()
    .map((f) => {
      const name = f.slice(0, -'.up.sql'.length);
      const downFile = `${name}.down.sql`;
      return {
        name,
        up: readFileSync(join(dir, f), 'utf8'),
        down: files.includes(downFile) ? readFileSync(join(dir, downFile), 'utf8') : undefined,
      };
    });
}

async function lockAndEnsureTable(trx: Kysely<any>): Promise<Set<string>> {
  // Under a transaction-scoped advisory lock, so several servers starting at once apply each file once.
  await sql`select pg_advisory_xact_lock(${MIGRATION_LOCK_KEY.toString()}::bigint)`.execute(trx);
  await sql`create table if not exists hpo_migrations (
    name text primary key,
    applied_at timestamptz not null default now()
  )`.execute(trx);
  const rows = await sql<{ name: string }>`select name from hpo_migrations`.execute(trx);
  return new Set(rows.rows.map((r) => r.name));
}

/** Applies every migration not yet applied, in order, in one transaction under an advisory lock. */
export async function migrateToLatest(db: Kysely<any>, dir: string = MIGRATIONS_DIR): Promise<MigrationResult> {
  const migrations = readMigrations(dir);
  return db.transaction().execute(async (trx) => {
    const done = await lockAndEnsureTable(trx);
    const applied: string[] = [];
    for (const m of migrations) {
      if (done.has(m.name)) continue;
      await sql.raw(m.up).execute(trx);
      await sql`insert into hpo_migrations (name) values (${m.name})`.execute(trx);
      applied.push(m.name);
    }
    return { applied };
  });
}

/** Reverts the last `steps` applied migrations (default 1), newest first. */
export async function migrateDown(db: Kysely<any>, steps = 1, dir: string = MIGRATIONS_DIR): Promise<MigrationResult> {
  const migrations = readMigrations(dir);
  return db.transaction().execute(async (trx) => {
    const done = await lockAndEnsureTable(trx);
    const toRevert = migrations.filter((m) => done.has(m.name)).reverse().slice(0, steps);
    const applied: string[] = [];
    for (const m of toRevert) {
      if (m.down === undefined) throw new InternalError(`migration ${m.name} has no .down.sql`);
      await sql.raw(m.down).execute(trx);
      await sql`delete from hpo_migrations where name = ${m.name}`.execute(trx);
      applied.push(m.name);
    }
    return { applied };
  });
}
