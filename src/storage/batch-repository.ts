import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database, NewTrialRow, TrialRow } from './database.js';
import { float8ArrayLiteral } from './float-array.js';

type Db = Kysely<Database> | Transaction<Database>;

/*
 * Set-at-a-time statements for calls the service groups into one transaction (concurrent asks of one study,
 * concurrent tells): one statement and one round trip however many rows, and writes that belong together
 * (trials, the study's next number, request ids) in one statement through data-modifying CTEs.
 */

/** Stored responses by key, for the keys that have one. */
export async function findRequestResponses(db: Db, method: string, keys: readonly string[]): Promise<Map<string, unknown>> {
  return (await findRequestResponsesByMethod(db, { [method]: keys })).get(method) ?? new Map();
}

/**
 * The responses stored for request ids of several methods, in one statement: per method, key → response
 * (a batch carrying TellAndAsk calls reads its asks' and tells' ids at once).
 */
export async function findRequestResponsesByMethod(
  db: Db,
  keysByMethod: Readonly<Record<string, readonly string[]>>,
): Promise<Map<string, Map<string, unknown>>> {
  const wanted = new Map(Object.entries(keysByMethod).filter(([, keys]) => keys.length > 0).map(([m, keys]) => [m, new Set(keys)]));
  const found = new Map<string, Map<string, unknown>>(Object.keys(keysByMethod).map((m) => [m, new Map()]));
  if (wanted.size === 0) return found;
  const rows = await db
    .selectFrom('request_ids')
    .select(['method', 'key', 'response'])
    // Array parameters rather than `in ($2, $3, …)`: the same statement text (one prepared statement) for any
    // number of keys and methods.
    .where('method', '=', sql<string>`any(${[...wanted.keys()]}::text[])`)
    .where('key', '=', sql<string>`any(${[...new Set([...wanted.values()].flatMap((k) => [...k]))]}::text[])`)
    .execute();
  // The two lists cross: keep each row only under a method that asked for its key.
  for (const r of rows) if (wanted.get(r.method)?.has(r.key)) found.get(r.method)!.set(r.key, r.response);
  return found;
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

/** A request id's response to remember. */
export interface RequestResponse {
  readonly key: string;
  readonly response: unknown;
}

/**
 * In one statement: inserts new trials (numbers the caller took from `next_trial_number`, under the study lock),
 * moves the study's next number past them, and remembers request ids. Returns the inserted rows in the order
 * given. A request id already stored is left as it is (it can only be a retry racing on another study).
 */
export async function insertAskedTrials(
  db: Db,
  studyId: number,
  rows: readonly NewTrialRow[],
  responses: readonly RequestResponse[],
): Promise<TrialRow[]> {
  if (rows.length === 0) {
    if (responses.length > 0)
      await db
        .insertInto('request_ids')
        .values(responses.map((r) => ({ method: 'Ask', key: r.key, response: JSON.stringify(r.response) })))
        .onConflict((oc) => oc.doNothing())
        .execute();
    return [];
  }
  let query = db.with('advance', (qb) =>
    qb
      .updateTable('studies')
      .set({ next_trial_number: sql`next_trial_number + ${rows.length}::int` })
      .where('id', '=', studyId)
      .returning('id'),
  );
  if (responses.length > 0) {
    query = query.with('remember', (qb) =>
      qb
        .insertInto('request_ids')
        .values(responses.map((r) => ({ method: 'Ask', key: r.key, response: JSON.stringify(r.response) })))
        .onConflict((oc) => oc.doNothing())
        .returning('key'),
    ) as unknown as typeof query;
  }
  const inserted = (await query
    .with('inserted', (qb) => qb.insertInto('trials').values([...rows]).returningAll().returning(sql<string>`change_xid::text`.as('change_xid_text')))
    .selectFrom('inserted')
    .selectAll()
    .execute()) as unknown as Array<TrialRow & { change_xid_text: string }>;
  const byNumber = new Map(inserted.map(({ change_xid_text, ...r }) => [r.number, { ...r, change_xid: change_xid_text } as TrialRow]));
  return rows.map((r) => byNumber.get(r.number)!);
}

/** A trial row with its study's name and directions, as the tell batch reads them. */
export type TrialWithStudy = TrialRow & { readonly study_name: string; readonly study_directions: string[] };

/** Trials with their studies, locked together in id order (so two batches cannot deadlock). */
export async function lockTrialsWithStudies(db: Db, ids: readonly number[]): Promise<TrialWithStudy[]> {
  if (ids.length === 0) return [];
  const result = await sql<TrialWithStudy>`
    select t.*, t.change_xid::text as change_xid, s.name as study_name, s.directions as study_directions
      from trials t join studies s on s.id = t.study_id
     where t.id = any(${[...ids]}::bigint[])
     order by t.id
       for update of t`.execute(db);
  return result.rows;
}

/** The value at the highest step of each given trial that has one. */
export async function readLastIntermediateValues(db: Db, trialIds: readonly number[]): Promise<Map<number, number>> {
  const found = new Map<number, number>();
  if (trialIds.length === 0) return found;
  const rows = await sql<{ trial_id: number; value: number }>`
    select distinct on (trial_id) trial_id, value from trial_intermediate_values
     where trial_id = any(${[...trialIds]}::bigint[]) order by trial_id, step desc`.execute(db);
  for (const r of rows.rows) found.set(Number(r.trial_id), Number(r.value));
  return found;
}

/** How a tell finishes one trial. */
export interface TrialFinish {
  readonly kind: 'finish';
  readonly id: number;
  readonly number: number;
  readonly state: 'COMPLETE' | 'PRUNED' | 'FAIL';
  readonly values: readonly number[] | null;
  /** PRUNED without values: the last intermediate value becomes the value (filled in before writing). */
  readonly needsLastValue: boolean;
  readonly constraints: readonly number[] | null;
  /** ISO timestamp; also the last heartbeat. */
  readonly completedAt: string;
  /** New user attrs as JSON (a fail reason), or null to keep them. */
  readonly userAttrs: string | null;
}

/** A finished trial's row with its intermediate values (step → value). */
export interface FinishedRow {
  readonly row: TrialRow;
  readonly intermediateValues: Map<number, number>;
}

/**
 * In one statement: finishes the trials, remembers the request ids, and returns the updated rows with their
 * intermediate values (which the answer to a tell carries).
 */
export async function finishTrials(db: Db, finishes: readonly TrialFinish[], responses: readonly RequestResponse[]): Promise<FinishedRow[]> {
  if (finishes.length === 0) return [];
  // Columns as arrays (unnest) rather than a `values` row per trial: one statement text, so one prepared
  // statement, for any batch size. float8[] travel as text literals (float8ArrayLiteral keeps NaN, ±Infinity).
  const result = await sql<TrialRow & { change_xid_text: string; iv: unknown }>`
    with finished as (
      update trials as t set
        state = v.state, "values" = v.vals::float8[], constraints = v.cons::float8[],
        completed_at = v.done_at, last_heartbeat_at = v.done_at, user_attrs = coalesce(v.attrs, t.user_attrs)
      from unnest(${finishes.map((f) => f.id)}::bigint[], ${finishes.map((f) => f.state)}::text[],
                  ${finishes.map((f) => float8ArrayLiteral(f.values))}::text[], ${finishes.map((f) => float8ArrayLiteral(f.constraints))}::text[],
                  ${finishes.map((f) => f.completedAt)}::timestamptz[], ${finishes.map((f) => f.userAttrs)}::jsonb[])
        as v(id, state, vals, cons, done_at, attrs)
      where t.id = v.id
      returning t.*, t.change_xid::text as change_xid_text,
        (select coalesce(json_agg(json_build_array(iv.step, iv.value::text) order by iv.step), '[]'::json)
           from trial_intermediate_values iv where iv.trial_id = t.id) as iv
    ), remembered as (
      insert into request_ids (method, key, response)
      select 'Tell', r.key, r.response from unnest(${responses.map((r) => r.key)}::text[], ${responses.map((r) => JSON.stringify(r.response))}::jsonb[]) as r(key, response)
      on conflict do nothing returning key
    )
    select * from finished`.execute(db);
  return result.rows.map(({ change_xid_text, iv, ...row }) => {
    const pairs = (typeof iv === 'string' ? JSON.parse(iv) : iv) as Array<[number | string, string]>;
    return {
      row: { ...row, change_xid: change_xid_text } as TrialRow,
      intermediateValues: new Map(pairs.map(([step, value]) => [Number(step), Number(value)])),
    };
  });
}
