import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

/**
 * Database types for kysely, matching migrations/. jsonb columns are written as JSON text (so that arrays
 * are never mistaken for Postgres arrays) and read back parsed; double precision[] columns are written as
 * array literals (see float-array.ts) so NaN and ±Infinity survive.
 */
type JsonColumn<T> = ColumnType<T, string, string>;
type Float8ArrayColumn = ColumnType<number[] | null, string | null, string | null>;
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export interface StudiesTable {
  id: Generated<number>;
  name: string;
  directions: ColumnType<string[], string, string>;
  sampler: JsonColumn<unknown>;
  pruner: JsonColumn<unknown>;
  seed: number;
  user_attrs: JsonColumn<Record<string, unknown>>;
  system_attrs: JsonColumn<Record<string, unknown>>;
  max_trials: number | null;
  heartbeat_grace_seconds: number;
  max_retries: number;
  count_failed_trials: boolean;
  state: 'RUNNING' | 'DONE';
  next_trial_number: Generated<number>;
  created_at: Timestamp;
}

export interface TrialsTable {
  id: Generated<number>;
  study_id: number;
  number: number;
  state: 'WAITING' | 'RUNNING' | 'COMPLETE' | 'PRUNED' | 'FAIL';
  params: JsonColumn<Record<string, StoredParam>>;
  values: Float8ArrayColumn;
  constraints: Float8ArrayColumn;
  user_attrs: JsonColumn<Record<string, unknown>>;
  system_attrs: JsonColumn<Record<string, unknown>>;
  worker_id: string | null;
  created_at: Timestamp;
  started_at: NullableTimestamp;
  completed_at: NullableTimestamp;
  last_heartbeat_at: NullableTimestamp;
  retry_of: number | null;
  /** xid8, read as text. Set by trigger. */
  change_xid: ColumnType<string, never, never>;
  /** Set by trigger. */
  revision: ColumnType<number, never, never>;
}

/** A parameter as stored in trials.params. */
export interface StoredParam {
  readonly distribution: unknown;
  readonly internal: number;
}

export interface TrialIntermediateValuesTable {
  trial_id: number;
  step: number;
  value: ColumnType<number, string, string>;
  change_xid: ColumnType<string, never, never>;
}

export interface RequestIdsTable {
  key: string;
  method: string;
  response: JsonColumn<unknown>;
  created_at: Timestamp;
}

export interface Database {
  studies: StudiesTable;
  trials: TrialsTable;
  trial_intermediate_values: TrialIntermediateValuesTable;
  request_ids: RequestIdsTable;
}

export type StudyRow = Selectable<StudiesTable>;
export type NewStudyRow = Insertable<StudiesTable>;
export type TrialRow = Selectable<TrialsTable>;
export type NewTrialRow = Insertable<TrialsTable>;
