import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database, NewTrialRow, TrialRow } from './database.js';
import { float8Literal } from './float-array.js';

type Db = Kysely<Database> | Transaction<Database>;
type TrialState = TrialRow['state'];

const TRIAL_COLUMNS = [
  'id',
  'study_id',
  'number',
  'state',
  'params',
  'values',
  'constraints',
  'user_attrs',
  'system_attrs',
  'worker_id',
  'created_at',
  'started_at',
  'completed_at',
  'last_heartbeat_at',
  'retry_of',
  'revision',
] as const;

const changeXid = sql<string>`change_xid::text`.as('change_xid');

/** One intermediate value. */
export interface IntermediateValueRow {
  readonly trial_id: number;
  readonly step: number;
  readonly value: number;
}

export async function insertTrial(db: Db, row: NewTrialRow): Promise<TrialRow> {
  return db.insertInto('trials').values(row).returning(TRIAL_COLUMNS).returning(changeXid).executeTakeFirstOrThrow();
}

export async function findTrialById(db: Db, id: number): Promise<TrialRow | undefined> {
  return db.selectFrom('trials').select(TRIAL_COLUMNS).select(changeXid).where('id', '=', id).executeTakeFirst();
}

export async function findTrialByNumber(db: Db, studyId: number, number: number): Promise<TrialRow | undefined> {
  return db
    .selectFrom('trials')
    .select(TRIAL_COLUMNS)
    .select(changeXid)
    .where('study_id', '=', studyId)
    .where('number', '=', number)
    .executeTakeFirst();
}

/** The trial row locked until the transaction ends: every write to a trial happens under this lock. */
export async function lockTrial(db: Db, id: number): Promise<TrialRow | undefined> {
  return db.selectFrom('trials').select(TRIAL_COLUMNS).select(changeXid).where('id', '=', id).forUpdate().executeTakeFirst();
}

/** The lowest-numbered WAITING trial of a study, locked. */
export async function lockFirstWaitingTrial(db: Db, studyId: number): Promise<TrialRow | undefined> {
  return db
    .selectFrom('trials')
    .select(TRIAL_COLUMNS)
    .select(changeXid)
    .where('study_id', '=', studyId)
    .where('state', '=', 'WAITING')
    .orderBy('number')
    .limit(1)
    .forUpdate()
    .executeTakeFirst();
}

/** Updates a trial and returns the new row. */
export async function updateTrial(
  db: Db,
  id: number,
  patch: Partial<{
    state: TrialState;
    params: string;
    values: string | null;
    constraints: string | null;
    user_attrs: string;
    system_attrs: string;
    worker_id: string | null;
    started_at: string | null;
    completed_at: string | null;
    last_heartbeat_at: string | null;
  }>,
): Promise<TrialRow> {
  return db
    .updateTable('trials')
    .set(patch)
    .where('id', '=', id)
    .returning(TRIAL_COLUMNS)
    .returning(changeXid)
    .executeTakeFirstOrThrow();
}

/** Merges `{ key: value }` into a trial's user attributes. */
export async function setTrialUserAttr(db: Db, id: number, key: string, valueJson: string): Promise<void> {
  await db
    .updateTable('trials')
    .set({ user_attrs: sql`user_attrs || jsonb_build_object(${key}::text, ${valueJson}::jsonb)` })
    .where('id', '=', id)
    .execute();
}

export async function insertIntermediateValue(db: Db, trialId: number, step: number, value: number): Promise<void> {
  await db
    .insertInto('trial_intermediate_values')
    .values({ trial_id: trialId, step, value: sql`${float8Literal(value)}::double precision` as never })
    .execute();
}

export async function findIntermediateValue(db: Db, trialId: number, step: number): Promise<number | undefined> {
  const row = await db
    .selectFrom('trial_intermediate_values')
    .select('value')
    .where('trial_id', '=', trialId)
    .where('step', '=', step)
    .executeTakeFirst();
  return row?.value;
}

/** Intermediate values of the given trials, in step order per trial. */
export async function readIntermediateValues(db: Db, trialIds: readonly number[]): Promise<IntermediateValueRow[]> {
  if (trialIds.length === 0) return [];
  return db
    .selectFrom('trial_intermediate_values')
    .select(['trial_id', 'step', 'value'])
    .where('trial_id', 'in', trialIds)
    .orderBy('trial_id')
    .orderBy('step')
    .execute();
}

/** The value at the highest step of a trial. */
export async function findLastIntermediateValue(db: Db, trialId: number): Promise<number | undefined> {
  const row = await db
    .selectFrom('trial_intermediate_values')
    .select('value')
    .where('trial_id', '=', trialId)
    .orderBy('step', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.value;
}

/** What changed in a study since a reader's last snapshot (see readTrialChanges). */
export interface TrialChanges {
  /** The xmin of the snapshot these rows were read in; pass it back next time. */
  readonly xmin: bigint;
  readonly trials: TrialRow[];
  readonly values: IntermediateValueRow[];
}

/**
 * Trials (and intermediate values) of a study written by transactions with id >= `sinceXmin`, or all of
 * them when `sinceXmin` is null. The snapshot xmin is read FIRST: any row not visible to the reads that
 * follow was written by a transaction still running then, whose id is >= that xmin, so the next call
 * with it picks the row up. Rows may come back twice; readers dedupe by id (and revision).
 */
export async function readTrialChanges(db: Db, studyId: number, sinceXmin: bigint | null): Promise<TrialChanges> {
  const snap = await sql<{ xmin: string }>`select pg_snapshot_xmin(pg_current_snapshot())::text as xmin`.execute(db);
  const xmin = BigInt(snap.rows[0].xmin);
  let trialsQuery = db.selectFrom('trials').select(TRIAL_COLUMNS).select(changeXid).where('study_id', '=', studyId);
  let valuesQuery = db
    .selectFrom('trial_intermediate_values as v')
    .innerJoin('trials as t', 't.id', 'v.trial_id')
    .select(['v.trial_id', 'v.step', 'v.value'])
    .where('t.study_id', '=', studyId);
  if (sinceXmin !== null) {
    const since = sinceXmin.toString();
    trialsQuery = trialsQuery.where(sql<boolean>`change_xid >= ${since}::xid8`);
    // Every intermediate value write also updates its trial row in the same transaction, so the trial's
    // marker is at least as new: filtering on it first lets the index on (study_id, change_xid) do the work.
    valuesQuery = valuesQuery.where(sql<boolean>`t.change_xid >= ${since}::xid8`).where(sql<boolean>`v.change_xid >= ${since}::xid8`);
  }
  const trials = await trialsQuery.execute();
  const values = trials.length === 0 ? [] : await valuesQuery.execute();
  return { xmin, trials, values };
}

/** A page of a study's trials in number order, after `afterNumber`, optionally only some states. */
export async function listTrialRows(
  db: Db,
  studyId: number,
  states: readonly TrialState[] | undefined,
  afterNumber: number,
  limit: number,
): Promise<TrialRow[]> {
  let q = db
    .selectFrom('trials')
    .select(TRIAL_COLUMNS)
    .select(changeXid)
    .where('study_id', '=', studyId)
    .where('number', '>', afterNumber);
  if (states && states.length > 0) q = q.where('state', 'in', states);
  return q.orderBy('number').limit(limit).execute();
}

/** RUNNING trials whose lease (last heartbeat, else start, plus the study's grace) ended before `now`. */
export async function findExpiredTrials(
  db: Db,
  now: Date,
  limit: number,
): Promise<Array<{ id: number; study_id: number }>> {
  return db
    .selectFrom('trials as t')
    .innerJoin('studies as s', 's.id', 't.study_id')
    .select(['t.id', 't.study_id'])
    .where('t.state', '=', 'RUNNING')
    .where('s.heartbeat_grace_seconds', '>', 0)
    .where(
      sql<boolean>`coalesce(t.last_heartbeat_at, t.started_at) + s.heartbeat_grace_seconds * interval '1 second' < ${now.toISOString()}::timestamptz`,
    )
    .orderBy('t.id')
    .limit(limit)
    .execute();
}
