import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database, TrialRow } from './database.js';
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
  const methods: string[] = [];
  const keys: string[] = [];
  for (const [method, wantedKeys] of wanted)
    for (const key of wantedKeys) {
      methods.push(method);
      keys.push(key);
    }
  // (method, key) pairs as arrays: one primary-key probe per pair, and the same statement text (one prepared
  // statement) for any number of keys.
  const { rows } = await sql<{ method: string; key: string; response: unknown }>`
    select r.method, r.key, r.response
      from unnest(${methods}::text[], ${keys}::text[]) as w(method, key)
      join request_ids r on r.method = w.method and r.key = w.key`.execute(db);
  for (const r of rows) found.get(r.method)!.set(r.key, r.response);
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

/** A trial an ask batch starts: its number (taken from `next_trial_number` under the study lock) and columns. */
export interface AskedTrial {
  readonly number: number;
  /** JSON text of the params column. */
  readonly params: string;
  /** JSON text of the system_attrs column. */
  readonly systemAttrs: string;
  readonly workerId: string | null;
}

/**
 * In one statement: inserts new RUNNING trials started at `startedAt`, moves the study's next number past them,
 * and remembers request ids. Returns the new trials' ids by number: the caller already holds everything else
 * the rows contain, so reading them back (and parsing their JSON and timestamps) would be wasted work. A
 * request id already stored is left as it is (it can only be a retry racing on another study).
 */
export async function insertAskedTrials(
  db: Db,
  studyId: number,
  trials: readonly AskedTrial[],
  startedAt: string,
  responses: readonly RequestResponse[],
): Promise<Map<number, number>> {
  const ids = new Map<number, number>();
  if (trials.length === 0) {
    if (responses.length > 0) await rememberRequests(db, 'Ask', responses);
    return ids;
  }
  // Columns as arrays (unnest) rather than a `values` row per trial: one statement text (one prepared statement)
  // for any batch size, and a handful of parameters to bind instead of ten per trial.
  const result = await sql<{ id: number; number: number }>`
    with advance as (
      update studies set next_trial_number = next_trial_number + ${trials.length}::int where id = ${studyId}::bigint returning id
    ), remembered as (
      insert into request_ids (method, key, response)
      select 'Ask', r.key, r.response from unnest(${responses.map((r) => r.key)}::text[], ${responses.map((r) => JSON.stringify(r.response))}::jsonb[]) as r(key, response)
      on conflict do nothing returning key
    )
    insert into trials (study_id, number, state, params, system_attrs, user_attrs, worker_id, created_at, started_at, last_heartbeat_at)
    select ${studyId}::bigint, t.number, 'RUNNING', t.params, t.system_attrs, '{}'::jsonb, t.worker_id, ${startedAt}::timestamptz, ${startedAt}::timestamptz, ${startedAt}::timestamptz
      from unnest(${trials.map((t) => t.number)}::int[], ${trials.map((t) => t.params)}::jsonb[], ${trials.map((t) => t.systemAttrs)}::jsonb[],
                  ${trials.map((t) => t.workerId)}::text[]) as t(number, params, system_attrs, worker_id)
    returning id, number`.execute(db);
  for (const r of result.rows) ids.set(r.number, Number(r.id));
  return ids;
}

async function rememberRequests(db: Db, method: string, responses: readonly RequestResponse[]): Promise<void> {
  await sql`
    insert into request_ids (method, key, response)
    select ${method}, r.key, r.response from unnest(${responses.map((r) => r.key)}::text[], ${responses.map((r) => JSON.stringify(r.response))}::jsonb[]) as r(key, response)
    on conflict do nothing`.execute(db);
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
