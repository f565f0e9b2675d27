import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database, TrialRow } from './database.js';
import { float8ArrayLiteral } from './float-array.js';

type Db = Kysely<Database> | Transaction<Database>;

/*
 * Set-at-a-time statements for calls the service groups into one transaction (concurrent asks of one study,
 * concurrent tells): one statement and one round trip however many rows, and writes that belong together
 * (trials, the study's next number, request ids) in one statement through data-modifying CTEs.
 */

/**
 * The responses stored for request ids of several methods, in one statement: per method, key → response
 * (a batch carrying TellAndAsk calls reads its asks' and tells' ids at once).
 */
export async function findRequestResponsesByMethod(
  db: Db,
  keysByMethod: Readonly<Record<string, readonly string[]>>,
): Promise<Map<string, Map<string, unknown>>> {
  const found = emptyResponses(keysByMethod);
  const { methods, keys } = requestPairs(keysByMethod);
  if (methods.length === 0) return found;
  // (method, key) pairs as arrays: one primary-key probe per pair, and the same statement text (one prepared
  // statement) for any number of keys.
  const { rows } = await sql<{ method: string; key: string; response: unknown }>`${storedResponsesQuery({ methods, keys })}`.execute(db);
  for (const r of rows) found.get(r.method)!.set(r.key, r.response);
  return found;
}

/** The stored (method, key, response) rows of the pairs asked for. */
function storedResponsesQuery({ methods, keys }: { methods: readonly string[]; keys: readonly string[] }) {
  return sql`
    select r.method, r.key, r.response
      from unnest(${[...methods]}::text[], ${[...keys]}::text[]) as w(method, key)
      join request_ids r on r.method = w.method and r.key = w.key`;
}

/** The (method, key) pairs asked for, as two parallel arrays, each distinct key of a method once. */
function requestPairs(keysByMethod: Readonly<Record<string, readonly string[]>>): { methods: string[]; keys: string[] } {
  const methods: string[] = [];
  const keys: string[] = [];
  for (const [method, wanted] of Object.entries(keysByMethod))
    for (const key of new Set(wanted)) {
      methods.push(method);
      keys.push(key);
    }
  return { methods, keys };
}

function emptyResponses(keysByMethod: Readonly<Record<string, readonly string[]>>): Map<string, Map<string, unknown>> {
  return new Map(Object.keys(keysByMethod).map((m) => [m, new Map()]));
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

/** A trial row with its study's name and directions, as the tell batch reads them. */
export type TrialWithStudy = TrialRow & { readonly study_name: string; readonly study_directions: string[] };

/** Trials with their studies, locked together in id order (so two batches cannot deadlock). */
export async function lockTrialsWithStudies(db: Db, ids: readonly number[]): Promise<TrialWithStudy[]> {
  if (ids.length === 0) return [];
  const result = await sql<TrialWithStudy>`
    select l.*, l.change_xid::text as change_xid from (${lockedTrialsQuery(ids)}) l order by l.id`.execute(db);
  return result.rows;
}

/** The trials with their studies' name and directions, locked in id order (change_xid still xid8). */
function lockedTrialsQuery(ids: readonly number[]) {
  return sql`
    select t.*, s.name as study_name, s.directions as study_directions
      from trials t join studies s on s.id = t.study_id
     where t.id = any(${[...ids]}::bigint[])
     order by t.id
       for update of t`;
}

/**
 * For a batch that already holds the lock serialising its calls' retries (an ask batch holds its study's row):
 * its told trials locked with their studies (in id order) and the responses stored for its request ids, in one
 * statement. The responses are read with the statement's snapshot, taken before any wait for a trial's row
 * lock: a retry's original, serialised by that held lock, is already visible to it.
 */
export async function lockTrialsAndFindResponses(
  db: Db,
  ids: readonly number[],
  keysByMethod: Readonly<Record<string, readonly string[]>>,
): Promise<{ rows: TrialWithStudy[]; responses: Map<string, Map<string, unknown>> }> {
  const pairs = requestPairs(keysByMethod);
  if (ids.length === 0) return { rows: [], responses: await findRequestResponsesByMethod(db, keysByMethod) };
  if (pairs.methods.length === 0) return { rows: await lockTrialsWithStudies(db, ids), responses: emptyResponses(keysByMethod) };
  const result = await sql<TrialWithStudy & { answered: Array<[string, string, unknown]> }>`
    with locked as materialized (${lockedTrialsQuery(ids)}),
    answered as (
      select coalesce(json_agg(json_build_array(r.method, r.key, r.response)), '[]'::json) as answered
        from (${storedResponsesQuery(pairs)}) r
    )
    select a.answered, l.*, l.change_xid::text as change_xid
      from answered a left join locked l on true
     order by l.id`.execute(db);
  const responses = emptyResponses(keysByMethod);
  for (const [method, key, response] of result.rows[0]?.answered ?? []) responses.get(method)!.set(key, response);
  const rows: TrialWithStudy[] = [];
  for (const { answered: _answered, ...row } of result.rows) if (row.id !== null) rows.push(row as TrialWithStudy);
  return { rows, responses };
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
  const result = await sql<FinishedColumns>`
    with finished as (${finishStatement(finishes)}), remembered as (${rememberStatement(responses.map(() => 'Tell'), responses)})
    select * from finished`.execute(db);
  return result.rows.map(finishedRowOf);
}

/** A request id's response to remember, with the method it answers. */
export interface MethodResponse extends RequestResponse {
  readonly method: 'Ask' | 'Tell';
}

/** Everything an ask batch writes (its TellAndAsk calls' finishes too), for one statement. */
export interface AskBatchWrite {
  readonly studyId: number;
  readonly finishes: readonly TrialFinish[];
  /** New RUNNING trials, started at `startedAt`. */
  readonly asked: readonly AskedTrial[];
  readonly startedAt: string;
  readonly responses: readonly MethodResponse[];
}

/**
 * In one statement: finishes the told trials, inserts the new RUNNING trials, moves the study's next number past
 * them, and remembers every request id. Returns the finished rows (with their intermediate values) and the new
 * trials' ids by number: the caller already holds everything else the new rows contain, so reading them back
 * (and parsing their JSON and timestamps) would be wasted work. A request id already stored is left as it is
 * (it can only be a retry racing on another study).
 */
export async function writeAskBatch(db: Db, write: AskBatchWrite): Promise<{ finished: FinishedRow[]; ids: Map<number, number> }> {
  const { studyId, finishes, asked, startedAt, responses } = write;
  const ids = new Map<number, number>();
  if (finishes.length === 0 && asked.length === 0) {
    if (responses.length > 0)
      await sql`${rememberStatement(responses.map((r) => r.method), responses)}`.execute(db);
    return { finished: [], ids };
  }
  // Columns as arrays (unnest) rather than a `values` row per trial: one statement text (one prepared statement)
  // for any batch size, and a dozen parameters to bind instead of ten per trial. The new ids come back as one
  // JSON array on every row (on the one row there is when nothing was finished).
  const result = await sql<FinishedColumns & { new_ids: Array<[number, number]> }>`
    with finished as (${finishStatement(finishes)}),
    advance as (
      update studies set next_trial_number = next_trial_number + ${asked.length}::int
       where id = ${studyId}::bigint and ${asked.length}::int > 0 returning id
    ), remembered as (${rememberStatement(responses.map((r) => r.method), responses)}),
    inserted as (
      insert into trials (study_id, number, state, params, system_attrs, user_attrs, worker_id, created_at, started_at, last_heartbeat_at)
      select ${studyId}::bigint, t.number, 'RUNNING', t.params, t.system_attrs, '{}'::jsonb, t.worker_id, ${startedAt}::timestamptz, ${startedAt}::timestamptz, ${startedAt}::timestamptz
        from unnest(${asked.map((t) => t.number)}::int[], ${asked.map((t) => t.params)}::jsonb[], ${asked.map((t) => t.systemAttrs)}::jsonb[],
                    ${asked.map((t) => t.workerId)}::text[]) as t(number, params, system_attrs, worker_id)
      returning id, number
    ), new_ids as (
      select coalesce(json_agg(json_build_array(number, id)), '[]'::json) as new_ids from inserted
    )
    select n.new_ids, f.* from new_ids n left join finished f on true`.execute(db);
  for (const [number, id] of result.rows[0]?.new_ids ?? []) ids.set(Number(number), Number(id));
  const finished = result.rows.flatMap(({ new_ids: _ids, ...row }) => (row.id === null ? [] : [finishedRowOf(row)]));
  return { finished, ids };
}

type FinishedColumns = TrialRow & { change_xid_text: string; iv: unknown };

/**
 * The UPDATE that finishes trials, returning each row with its intermediate values. float8[] travel as text
 * literals (float8ArrayLiteral keeps NaN, ±Infinity).
 */
function finishStatement(finishes: readonly TrialFinish[]) {
  return sql`
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
           from trial_intermediate_values iv where iv.trial_id = t.id) as iv`;
}

/** The INSERT that remembers request ids (method i answers responses[i]); an id already stored stays as it is. */
function rememberStatement(methods: readonly string[], responses: readonly RequestResponse[]) {
  return sql`
      insert into request_ids (method, key, response)
      select r.method, r.key, r.response
        from unnest(${[...methods]}::text[], ${responses.map((r) => r.key)}::text[], ${responses.map((r) => JSON.stringify(r.response))}::jsonb[]) as r(method, key, response)
      on conflict do nothing`;
}

function finishedRowOf({ change_xid_text, iv, ...row }: FinishedColumns): FinishedRow {
  const pairs = (typeof iv === 'string' ? JSON.parse(iv) : iv) as Array<[number | string, string]>;
  return {
    row: { ...row, change_xid: change_xid_text } as TrialRow,
    intermediateValues: new Map(pairs.map(([step, value]) => [Number(step), Number(value)])),
  };
}
