import { FailedPreconditionError, InvalidArgumentError, NotFoundError } from '../core/errors.js';
import { type FrozenTrial, isFinished } from '../core/trial.js';
import {
  type FinishedRow,
  finishTrials,
  lockTrialsAndFindResponses,
  readLastIntermediateValues,
  type RequestResponse,
  type TrialFinish,
  type TrialWithStudy,
} from '../storage/batch-repository.js';
import { readIntermediateValues } from '../storage/trial-repository.js';
import type { Outcome } from './batch-queue.js';
import type { TrialRecord } from './hpo-service.js';
import { requestIdReused } from './idempotency.js';
import type { Tx } from './service-context.js';
import type { ValidTell } from './tell-validation.js';
import { checkLease } from './trial-lease.js';
import { groupIntermediateValues, trialRecordOf } from './trial-record.js';

/** What a batch decided for one tell: answer with the trial as stored, finish it, or refuse it. */
export type TellDecision = { kind: 'record'; trialId: number } | { kind: 'finish'; finish: TrialFinish } | { kind: 'error'; error: unknown };

/**
 * What a caller holding a lock that serialises the tells' retries already read: the told trials' rows, locked
 * (every trial told), and the responses stored for the tells' request ids.
 */
export interface TellReads {
  readonly rows: readonly TrialWithStudy[];
  readonly answered: ReadonlyMap<string, unknown>;
}

/** Tells judged inside a transaction, before anything is written. */
export interface DecidedTells {
  readonly decisions: readonly TellDecision[];
  /** The finish of each trial an accepted tell finishes, with its final values. */
  readonly finishing: ReadonlyMap<number, TrialFinish>;
  /** The told trials' rows as locked (before the finishes). */
  readonly rows: ReadonlyMap<number, TrialWithStudy>;
}

function sameValues(a: readonly number[] | null, b: readonly number[] | null): boolean {
  if (a === null || b === null) return a === b;
  return a.length === b.length && a.every((x, i) => Object.is(x, b[i]) || x === b[i]);
}

/**
 * Locks the told trials' rows (in id order, so two transactions cannot deadlock on them), reads the request ids
 * answered before, and judges each tell exactly as a single tell would be judged, in order: a later tell of the
 * same trial in the same batch is judged against the earlier one's outcome. Nothing is written.
 */
export async function decideTells(
  trx: Tx,
  tells: readonly ValidTell[],
  now: string,
  read?: TellReads,
): Promise<DecidedTells> {
  // The rows locked (in id order) and the tells' request ids read by one statement, whose snapshot may predate a
  // wait for a row lock: a retry whose original committed during that wait finds no stored response, but it
  // is judged on the row as its original left it (FOR UPDATE reads the newest version), where the same outcome
  // again is answered with the stored trial, as a replay would be. A caller that holds a lock serialising the
  // retries (the ask batch's study lock, for TellAndAsk) passes what it read under it.
  const { rows: locked, answered }: TellReads = read ?? (await readTells(trx, tells));
  const rows = new Map(locked.map((r) => [r.id, r]));
  const stored = answered as ReadonlyMap<string, { trialId: number }>;

  // Trials told by an earlier tell of this batch, as they will be once written.
  const finishing = new Map<number, TrialFinish>();
  const keyTrial = new Map<string, { trialId: number }>();
  const needLast: number[] = [];
  const decisions: TellDecision[] = [];
  for (const tell of tells) {
    // A request id answered before (by any process), or earlier in this batch (a retry racing its original).
    const previous = tell.requestId !== undefined ? (stored.get(tell.requestId) ?? keyTrial.get(tell.requestId)) : undefined;
    if (previous) {
      if (previous.trialId !== tell.trialId) decisions.push({ kind: 'error', error: requestIdReused('trial') });
      else decisions.push({ kind: 'record', trialId: tell.trialId });
      continue;
    }
    const row = rows.get(tell.trialId);
    if (!row) {
      decisions.push({ kind: 'error', error: new NotFoundError('trial', String(tell.trialId)) });
      continue;
    }
    try {
      const finish = judge(tell, finishing.get(row.id) ?? row, now);
      if (finish === 'same') decisions.push({ kind: 'record', trialId: row.id });
      else {
        finishing.set(row.id, finish);
        if (tell.requestId !== undefined) keyTrial.set(tell.requestId, { trialId: row.id });
        if (finish.needsLastValue) needLast.push(row.id);
        decisions.push({ kind: 'finish', finish });
      }
    } catch (error) {
      decisions.push({ kind: 'error', error });
    }
  }

  if (needLast.length > 0) {
    const last = await readLastIntermediateValues(trx, needLast);
    for (const id of needLast) {
      const f = finishing.get(id)!;
      const value = last.get(id);
      finishing.set(id, { ...f, values: value === undefined ? null : [value] });
    }
  }
  return { decisions, finishing, rows };
}

async function readTells(trx: Tx, tells: readonly ValidTell[]): Promise<TellReads> {
  const read = await lockTrialsAndFindResponses(trx, [...new Set(tells.map((t) => t.trialId))], { Tell: requestKeys(tells) });
  return { rows: read.rows, answered: read.responses.get('Tell')! };
}

/** The distinct request ids of `calls`. */
export function requestKeys(calls: ReadonlyArray<{ readonly requestId?: string }>): string[] {
  return [...new Set(calls.map((c) => c.requestId).filter((k): k is string => k !== undefined))];
}

/**
 * Writes the accepted finishes and their request ids (one statement) and answers each tell: its trial as now
 * stored, or its error.
 */
export async function writeTells(trx: Tx, tells: readonly ValidTell[], decided: DecidedTells): Promise<Outcome<TrialRecord>[]> {
  const written = await finishTrials(trx, [...decided.finishing.values()], tellResponses(tells, decided));
  return answerTells(trx, decided, written);
}

/** The request ids the accepted tells remember: each answers with its trial. */
export function tellResponses(tells: readonly ValidTell[], { decisions }: DecidedTells): RequestResponse[] {
  return tells.flatMap((t, i) => (decisions[i].kind === 'finish' && t.requestId !== undefined ? [{ key: t.requestId, response: { trialId: t.trialId } }] : []));
}

/**
 * Answers each tell once its finishes are written (`finished`, the rows as the writing statement returned them):
 * its trial as now stored, or its error.
 */
export async function answerTells(trx: Tx, { decisions, rows }: DecidedTells, finished: readonly FinishedRow[]): Promise<Outcome<TrialRecord>[]> {
  const written = new Map(finished.map((f) => [f.row.id, f]));
  const unwritten = [...new Set(decisions.flatMap((d) => (d.kind === 'record' && !written.has(d.trialId) ? [d.trialId] : [])))];
  const values = groupIntermediateValues(await readIntermediateValues(trx, unwritten));
  const recordOf = (id: number): Outcome<TrialRecord> => {
    const row = rows.get(id);
    if (!row) return { error: new NotFoundError('trial', String(id)) };
    const done = written.get(id);
    return { ok: trialRecordOf(done?.row ?? row, done?.intermediateValues ?? values.get(id) ?? new Map(), row.study_name) };
  };
  return decisions.map((d) => (d.kind === 'error' ? { error: d.error } : recordOf(d.kind === 'record' ? d.trialId : d.finish.id)));
}

/**
 * The single tell's rules (tell.ts) on a locked row: the lease, finished trials (the same outcome again is a
 * retry answered with the stored trial), WAITING trials, and the values each state needs.
 */
function judge(tell: ValidTell, current: TrialWithStudy | TrialFinish, now: string): TrialFinish | 'same' {
  const { state, values, constraints, failReason } = tell;
  if ('kind' in current) {
    // Told earlier in this same batch: answer as if that tell had committed.
    const same = current.state === state && (state === 'FAIL' || values === undefined || sameValues(current.values, values));
    if (same) return 'same';
    throw new FailedPreconditionError(`tell refused: trial ${current.number} is already finished (${current.state})`);
  }
  const row = current;
  checkLease(row, tell.workerId, 'tell');
  if (isFinished(row.state)) {
    const same =
      row.state === state &&
      (state === 'FAIL' || values === undefined || sameValues(row.values, values)) &&
      (constraints === undefined || sameValues(row.constraints, constraints));
    if (same) return 'same';
    throw new FailedPreconditionError(`tell refused: trial ${row.number} is already finished (${row.state})`);
  }
  if (row.state === 'WAITING') throw new FailedPreconditionError(`tell refused: trial ${row.number} is WAITING; ask for it first`);
  const nObjectives = row.study_directions.length;
  let finalValues: number[] | null = null;
  let needsLastValue = false;
  if (state === 'COMPLETE') {
    if (values === undefined || values.length !== nObjectives)
      throw new InvalidArgumentError(
        'values',
        `must hold exactly ${nObjectives} value${nObjectives === 1 ? '' : 's'} (one per objective), got ${values?.length ?? 0}`,
      );
    finalValues = values;
  } else if (state === 'PRUNED') {
    if (values !== undefined) {
      if (values.length !== nObjectives) throw new InvalidArgumentError('values', `must hold exactly ${nObjectives} values or none, got ${values.length}`);
      finalValues = values;
    } else if (nObjectives === 1) needsLastValue = true;
  }
  return {
    kind: 'finish',
    id: row.id,
    number: row.number,
    state,
    values: finalValues,
    needsLastValue,
    constraints: constraints ?? null,
    completedAt: now,
    userAttrs: failReason !== undefined ? JSON.stringify({ ...row.user_attrs, fail_reason: failReason }) : null,
  };
}

/** `trial` as a tell's finish leaves it: what a sampler deciding in the same transaction should see. */
export function finishedTrial(
  trial: FrozenTrial,
  finish: Pick<TrialFinish, 'state' | 'values' | 'constraints' | 'completedAt'>,
): FrozenTrial {
  return { ...trial, state: finish.state, values: finish.values, constraints: finish.constraints, completedAt: new Date(finish.completedAt) };
}
