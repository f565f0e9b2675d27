import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database, NewTrialRow, StudyRow, TrialRow } from './database.js';
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
    .where('trial_id', '=', sql<number>`any(${[...trialIds]}::bigint[])`)
    .orderBy('trial_id')
    .orderBy('step')
    .execute();
}

/** What changed in a study since a reader's last snapshot (see readTrialChanges). */
export interface TrialChanges {
  /** The xmin of the snapshot these rows were read in; pass it back next time. */
  readonly xmin: bigint;
  readonly trials: TrialRow[];
  readonly values: IntermediateValueRow[];
}

/** Trial versions a reader already holds (parallel arrays of ids and revisions). */
export interface KnownVersions {
  readonly ids: readonly number[];
  readonly revisions: readonly number[];
}

/** The xmin of the current statement's snapshot, as a select-list expression. */
export const snapshotXmin = sql<string>`pg_snapshot_xmin(pg_current_snapshot())::text`;

/**
 * Trials (and intermediate values) of a study written by transactions with id >= `sinceXmin`, or all of
 * them when `sinceXmin` is null. The snapshot xmin must be taken no later than the read: any row not visible
 * to the read was written by a transaction still running then, whose id is >= that xmin, so the next call
 * with it picks the row up. Callers that already took it in an earlier statement of the same transaction
 * (e.g. with the study lock) pass it as `xmin` and save a round trip. Rows may come back twice; readers
 * dedupe by id (and revision).
 */
export async function readTrialChanges(
  db: Db,
  studyId: number,
  sinceXmin: bigint | null,
  xmin?: bigint,
  known?: KnownVersions,
): Promise<TrialChanges> {
  if (xmin === undefined) {
    const snap = await sql<{ xmin: string }>`select ${snapshotXmin} as xmin`.execute(db);
    xmin = BigInt(snap.rows[0].xmin);
  }
  const since = sinceXmin === null ? null : sinceXmin.toString();
  // Intermediate values come back as a float8 array in the same row: arrays (unlike JSON) keep NaN.
  // Every intermediate value write also updates its trial row in the same transaction, so a trial whose
  // values changed is among the changed trials.
  const ivFilter = since === null ? sql`` : sql`and v.change_xid >= ${since}::xid8`;
  let q = db
    .selectFrom('trials as t')
    .select(TRIAL_COLUMNS.map((c) => `t.${c}` as const))
    .select(sql<string>`t.change_xid::text`.as('change_xid'))
    // One lookup per trial: steps and values interleaved ([step0, value0, step1, value1, …]).
    .select(
      sql<number[]>`array(select u.x from trial_intermediate_values v
        cross join lateral unnest(array[v.step::float8, v.value]) with ordinality as u(x, k)
        where v.trial_id = t.id ${ivFilter} order by v.step, u.k)`.as('iv_pairs'),
    )
    .where('t.study_id', '=', studyId);
  if (since !== null) q = q.where(sql<boolean>`t.change_xid >= ${since}::xid8`);
  if (known && known.ids.length > 0) {
    // Rows the reader already holds at this revision are skipped on the server: while some transaction in
    // the cluster stays open, xmin lags and the same rows would otherwise come back on every read.
    q = q.where(
      sql<boolean>`not exists (select 1 from unnest(${`{${known.ids.join(',')}}`}::bigint[], ${`{${known.revisions.join(',')}}`}::int[]) as k(id, revision)
        where k.id = t.id and k.revision = t.revision)`,
    );
  }
  const rows = await q.execute();
  const trials: TrialRow[] = [];
  const values: IntermediateValueRow[] = [];
  for (const { iv_pairs, ...row } of rows) {
    trials.push(row as TrialRow);
    for (let i = 0; i + 1 < iv_pairs.length; i += 2) values.push({ trial_id: row.id, step: iv_pairs[i], value: iv_pairs[i + 1] });
  }
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

/** A trial locked for writing, its study (not locked) and the xmin of the locking statement's snapshot. */
export interface LockedTrialRow {
  readonly trial: TrialRow;
  readonly study: StudyRow;
  readonly xmin: bigint;
}

/**
 * Locks a trial and reads its study in one round trip; the snapshot xmin comes along so that a cache
 * refresh right after needs no extra statement.
 */
export async function lockTrialAndStudy(db: Db, id: number): Promise<LockedTrialRow | undefined> {
  const row = await db
    .selectFrom('trials as t')
    .innerJoin('studies as s', 's.id', 't.study_id')
    .select(TRIAL_COLUMNS.map((c) => `t.${c}` as const))
    .select(sql<string>`t.change_xid::text`.as('change_xid'))
    .select(sql<Record<string, unknown>>`to_jsonb(s)`.as('study_json'))
    .select(snapshotXmin.as('snapshot_xmin'))
    .where('t.id', '=', id)
    .forUpdate(['t'])
    .executeTakeFirst();
  if (!row) return undefined;
  const { study_json, snapshot_xmin, ...trial } = row;
  const study = { ...study_json, created_at: new Date(study_json.created_at as string) } as unknown as StudyRow;
  return { trial: trial as TrialRow, study, xmin: BigInt(snapshot_xmin) };
}

/**
 * Inserts an intermediate value and touches its trial (lease renewed, change marker moved, system attrs
 * merged when given) in one statement.
 */
export async function recordIntermediateValue(
  db: Db,
  trialId: number,
  step: number | undefined,
  value: number | undefined,
  heartbeatAt: string,
  systemAttrsJson: string | undefined,
): Promise<void> {
  const insert =
    step === undefined || value === undefined
      ? sql`select 1`
      : sql`insert into trial_intermediate_values (trial_id, step, value) values (${trialId}, ${step}, ${float8Literal(value)}::double precision)`;
  const attrs = systemAttrsJson === undefined ? sql`system_attrs` : sql`${systemAttrsJson}::jsonb`;
  await sql`with inserted as (${insert})
    update trials set last_heartbeat_at = ${heartbeatAt}::timestamptz, system_attrs = ${attrs}
    where id = ${trialId}`.execute(db);
}

/** Inserts trials and advances the study's next trial number to `nextNumber`, in one statement. */
export async function insertTrialsAndAdvance(
  db: Db,
  rows: readonly NewTrialRow[],
  studyId: number,
  nextNumber: number | undefined,
): Promise<TrialRow[]> {
  if (rows.length === 0) return [];
  if (nextNumber === undefined) {
    return db.insertInto('trials').values([...rows]).returning(TRIAL_COLUMNS).returning(changeXid).execute();
  }
  return db
    .with('advanced', (qb) =>
      qb.updateTable('studies').set({ next_trial_number: nextNumber }).where('id', '=', studyId).returning('id'),
    )
    .insertInto('trials')
    .values([...rows])
    .returning(TRIAL_COLUMNS)
    .returning(changeXid)
    .execute();
}

/**
 * Renews the lease of a RUNNING trial held by `workerId` (or by nobody, or any worker when undefined) in one
 * statement; returns the study's grace period, or undefined when the trial is not in that state (the caller
 * then finds out why under a lock).
 */
export async function renewLease(
  db: Db,
  trialId: number,
  workerId: string | undefined,
  at: string,
): Promise<{ graceSeconds: number } | undefined> {
  const workerOk = workerId === undefined ? sql`true` : sql`(t.worker_id is null or t.worker_id = ${workerId})`;
  const result = await sql<{ grace: number }>`
    update trials as t set last_heartbeat_at = ${at}::timestamptz
    from studies as s
    where t.id = ${trialId} and s.id = t.study_id and t.state = 'RUNNING' and ${workerOk}
    returning s.heartbeat_grace_seconds as grace`.execute(db);
  const row = result.rows[0];
  return row ? { graceSeconds: Number(row.grace) } : undefined;
}
