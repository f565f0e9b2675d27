import { FailedPreconditionError, InvalidArgumentError, NotFoundError } from '../core/errors.js';
import { drainInBatches, MAX_BATCH, type Outcome as BatchOutcome, type Pending } from './batch-queue.js';
import { isFinished } from '../core/trial.js';
import type { TrialRow } from '../storage/database.js';
import {
  findRequestResponses,
  finishTrials,
  lockTrialsWithStudies,
  readLastIntermediateValues,
  type RequestResponse,
  type TrialFinish,
  type TrialWithStudy,
} from '../storage/batch-repository.js';
import { readIntermediateValues } from '../storage/trial-repository.js';
import type { TrialRecord } from './hpo-service.js';
import { requestIdReused } from './idempotency.js';
import { inTransaction, type ServiceContext, type Tx } from './service-context.js';
import { validateTell, type TellInput, type ValidTell } from './tell-validation.js';
import { checkLease } from './trial-lease.js';
import { groupIntermediateValues, trialRecordOf } from './trial-record.js';

type PendingTell = Pending<ValidTell, TrialRecord>;
export type TellOutcome = BatchOutcome<TrialRecord>;
type Outcome = TellOutcome;

/**
 * Groups concurrent tells (of any trials, any studies) arriving at this process into one transaction: the rows
 * are locked together (in id order, so two batches cannot deadlock), each tell is judged exactly as a single
 * tell would be, and the accepted ones are written with one statement and one commit. A refused tell (finished
 * trial, lease lost, wrong values) is refused alone and writes nothing; the rest of its batch goes on.
 * While one batch commits, the next gathers: under load a commit carries many tells, when idle it carries one.
 *
 * Tells also ride along with ask transactions (see `rideAlong`): while this process has an ask transaction that
 * has not yet taken the queued tells, or asks queued for a next transaction, a new tell waits for it instead of
 * starting a transaction of its own, so that under load one commit carries a study's asks and the tells of the
 * same moment.
 */
export class TellBatcher {
  private queue: PendingTell[] = [];
  private running = false;
  /** Whether an ask transaction of this process will still take the queued tells (see AskBatcher). */
  private asksWillTake: () => boolean = () => false;

  constructor(private readonly ctx: ServiceContext) {}

  tell(input: TellInput): Promise<TrialRecord> {
    return new Promise<TrialRecord>((resolve, reject) => {
      // Inside the executor: bad input rejects, as every other service call does.
      this.queue.push({ input: validateTell(input), resolve, reject });
      this.startUnlessCarried();
    });
  }

  /** Lets queued tells wait for ask transactions while `willTake` says one will take them; call `poke` when it may have turned false. */
  carryWith(willTake: () => boolean): void {
    this.asksWillTake = willTake;
  }

  /** Starts a tell transaction for queued tells that no ask transaction will take. */
  poke(): void {
    this.startUnlessCarried();
  }

  /**
   * For an ask transaction: `take` (inside the transaction, before its last statement) hands over the queued tells,
   * at most one batch, and `settle` answers them once the transaction has ended. Lock order stays study -> trials:
   * the ask part takes its study lock first, the tells lock trial rows after it.
   */
  rideAlong(): TellRide {
    let taken: PendingTell[] | null = null;
    return {
      // A retried transaction runs its function again: it takes the same tells again.
      take: () => (taken ??= this.queue.splice(0, MAX_BATCH)).map((p) => p.input),
      settle: (outcomes) => {
        (taken ?? []).forEach((p, i) => {
          const o = 'error' in outcomes ? outcomes : outcomes[i];
          if ('ok' in o) p.resolve(o.ok);
          else p.reject(o.error);
        });
      },
    };
  }

  private startUnlessCarried(): void {
    if (!this.running && this.queue.length > 0 && !this.asksWillTake()) void this.drain();
  }

  private async drain(): Promise<void> {
    this.running = true;
    await drainInBatches(this.queue, (tells) => inTransaction(this.ctx, (trx) => tellsInTransaction(this.ctx, trx, tells)), () => {
      this.running = false;
    });
  }
}

/** Tells handed to an ask transaction; see TellBatcher.rideAlong. */
export interface TellRide {
  take(): ValidTell[];
  /** Answers the taken tells: one outcome each, or one error for all (the transaction failed). */
  settle(outcomes: readonly Outcome[] | { error: unknown }): void;
}

function sameValues(a: readonly number[] | null, b: readonly number[] | null): boolean {
  if (a === null || b === null) return a === b;
  return a.length === b.length && a.every((x, i) => Object.is(x, b[i]) || x === b[i]);
}

type Decision = { kind: 'record'; trialId: number } | { kind: 'finish'; finish: TrialFinish } | { kind: 'error'; error: unknown };

/** Judges and writes `tells` in the transaction `trx`: one outcome per tell. */
export async function tellsInTransaction(ctx: ServiceContext, trx: Tx, tells: readonly ValidTell[]): Promise<Outcome[]> {
  if (tells.length === 0) return [];
  const keys = [...new Set(tells.map((t) => t.requestId).filter((k): k is string => k !== undefined))];
  const rows = new Map((await lockTrialsWithStudies(trx, [...new Set(tells.map((t) => t.trialId))])).map((r) => [r.id, r]));
  // Read after the row locks: a retry of a tell targets the same trial, so the lock serialises it with its
  // original (no request-key lock needed), and this read sees the original's answer.
  const stored = (await findRequestResponses(trx, 'Tell', keys)) as Map<string, { trialId: number }>;
  const now = ctx.now().toISOString();

  // Trials told by an earlier tell of this batch, as they will be once written.
  const finishing = new Map<number, TrialFinish>();
  const keyTrial = new Map<string, { trialId: number }>();
  const needLast: number[] = [];
  const decisions: Decision[] = [];
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
  const responses: RequestResponse[] = tells.flatMap((t, i) =>
    decisions[i].kind === 'finish' && t.requestId !== undefined ? [{ key: t.requestId, response: { trialId: t.trialId } }] : [],
  );
  // One statement: the rows, the request ids, and the rows back with their intermediate values.
  const written = new Map((await finishTrials(trx, [...finishing.values()], responses)).map((f) => [f.row.id, f]));
  const unwritten = [...new Set(decisions.flatMap((d) => (d.kind === 'record' && !written.has(d.trialId) ? [d.trialId] : [])))];
  const values = groupIntermediateValues(await readIntermediateValues(trx, unwritten));
  const recordOf = (id: number): Outcome => {
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
