import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database, NewStudyRow, StudyRow } from './database.js';
import { snapshotXmin } from './trial-repository.js';

type Db = Kysely<Database> | Transaction<Database>;

/** Inserts a study and returns the stored row. */
export async function insertStudy(db: Db, row: NewStudyRow): Promise<StudyRow> {
  return db.insertInto('studies').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function findStudyByName(db: Db, name: string): Promise<StudyRow | undefined> {
  return db.selectFrom('studies').selectAll().where('name', '=', name).executeTakeFirst();
}

export async function findStudyById(db: Db, id: number): Promise<StudyRow | undefined> {
  return db.selectFrom('studies').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * The study row, locked until the transaction ends. Every decision that must be exact across processes
 * (the next trial number, the budget, a grid hand-out) is taken while holding this lock.
 */
export async function lockStudyByName(db: Db, name: string): Promise<StudyRow | undefined> {
  return db.selectFrom('studies').selectAll().where('name', '=', name).forUpdate().executeTakeFirst();
}

/** lockStudyByName, with the xmin of the locking statement's snapshot (for a cache refresh right after). */
export async function lockStudyByNameWithXmin(db: Db, name: string): Promise<{ study: StudyRow; xmin: bigint } | undefined> {
  const row = await db
    .selectFrom('studies')
    .selectAll()
    .select(snapshotXmin.as('snapshot_xmin'))
    .where('name', '=', name)
    .forUpdate()
    .executeTakeFirst();
  if (!row) return undefined;
  const { snapshot_xmin, ...study } = row;
  return { study, xmin: BigInt(snapshot_xmin) };
}

export async function lockStudyById(db: Db, id: number): Promise<StudyRow | undefined> {
  return db.selectFrom('studies').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

/** Takes the next trial number of a study (the caller holds the study lock) and returns it. */
export async function takeTrialNumber(db: Db, studyId: number): Promise<number> {
  const row = await db
    .updateTable('studies')
    .set({ next_trial_number: sql`next_trial_number + 1` })
    .where('id', '=', studyId)
    .returning(sql<number>`next_trial_number - 1`.as('number'))
    .executeTakeFirstOrThrow();
  return row.number;
}

/** Marks a study done (budget spent, grid used up), keeping why in system attrs. */
export async function markStudyDone(db: Db, studyId: number, reason: string): Promise<void> {
  await db
    .updateTable('studies')
    .set({
      state: 'DONE',
      system_attrs: sql`system_attrs || jsonb_build_object('done_reason', ${reason}::text)`,
    })
    .where('id', '=', studyId)
    .execute();
}

/** Undoes markStudyDone: ask hands out trials again (a retry was enqueued after the study was done). */
export async function reopenStudy(db: Db, studyId: number): Promise<void> {
  await db
    .updateTable('studies')
    .set({ state: 'RUNNING', system_attrs: sql`system_attrs - 'done_reason'` })
    .where('id', '=', studyId)
    .execute();
}

/** Merges `{ key: value }` into the user attributes of the named study; returns whether it exists. */
export async function setStudyUserAttr(db: Db, name: string, key: string, valueJson: string): Promise<boolean> {
  const result = await db
    .updateTable('studies')
    .set({ user_attrs: sql`user_attrs || jsonb_build_object(${key}::text, ${valueJson}::jsonb)` })
    .where('name', '=', name)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Deletes a study and (by cascade) its trials; returns whether it existed. */
export async function deleteStudyByName(db: Db, name: string): Promise<boolean> {
  const result = await db.deleteFrom('studies').where('name', '=', name).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Studies in id order after `afterId`. */
export async function listStudyRows(db: Db, afterId: number, limit: number): Promise<StudyRow[]> {
  return db.selectFrom('studies').selectAll().where('id', '>', afterId).orderBy('id').limit(limit).execute();
}

/** Trial counts by state for each study. */
export async function countTrialsByState(
  db: Db,
  studyIds: readonly number[],
): Promise<Map<number, Record<string, number>>> {
  const counts = new Map<number, Record<string, number>>();
  if (studyIds.length === 0) return counts;
  const rows = await db
    .selectFrom('trials')
    .select(['study_id', 'state', sql<number>`count(*)::int`.as('n')])
    .where('study_id', '=', sql<number>`any(${[...studyIds]}::bigint[])`)
    .groupBy(['study_id', 'state'])
    .execute();
  for (const r of rows) {
    const c = counts.get(r.study_id) ?? {};
    c[r.state] = Number(r.n);
    counts.set(r.study_id, c);
  }
  return counts;
}
