import { FailedPreconditionError, InvalidArgumentError, NotFoundError } from '../core/errors.js';
import { drainInBatches, type Outcome as BatchOutcome, type Pending } from './batch-queue.js';
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
import { inTransaction, type ServiceContext } from './service-context.js';
import { validateTell, type TellInput, type ValidTell } from './tell-validation.js';
import { checkLease } from './trial-lease.js';
import { groupIntermediateValues, trialRecordOf } from './trial-record.js';

type PendingTell = Pending<ValidTell, TrialRecord>;
type Outcome = BatchOutcome<TrialRecord>;

/**
 * Groups concurrent tells (of any trials, any studies) arriving at this process into few transactions: the rows
 * are locked together (in id order, so two batches cannot deadlock), each tell is judged exactly as a single
 * tell would be, and the accepted ones are written with one statement and one commit. A refused tell (finished
 * trial, lease lost, wrong values) is refused alone and writes nothing; the rest of its batch goes on.
 * While a batch commits, the next gathers: under load a commit carries many tells, when idle it carries one.
 */
export class TellBatcher {
  private queue: PendingTell[] = [];
  private running = 0;

  constructor(
    private readonly ctx: ServiceContext,
    private readonly maxTransactions = TELL_TRANSACTIONS,
  ) {}

  tell(input: TellInput): Promise<TrialRecord> {
    return new Promise<TrialRecord>((resolve, reject) => {
      // Inside the executor: bad input rejects, as every other service call does.
      this.queue.push({ input: validateTell(input), resolve, reject });
      if (this.running < this.maxTransactions) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running++;
    await drainInBatches(this.queue, (tells) => tellBatch(this.ctx, tells), () => {
      this.running--;
    });
  }
}

/**
 * Tell transactions one process runs at once. Tells of different trials do not contend (each locks only its
 * own rows), so a second transaction gathering while the first waits for its commit halves the wait; more
 * would mostly split batches into more commits.
 */
export const TELL_TRANSACTIONS = 2;

function sameValues(a: readonly number[] | null, b: readonly number[] | null): boolean {
  if (a === null || b === null) return a === b;
  return a.length === b.length && a.every((x, i) => Object.is(x, b[i]) || x === b[i]);
}

type Decision = { kind: 'record'; trialId: number } | { kind: 'finish'; finish: TrialFinish } | { kind: 'error'; error: unknown };

async function tellBatch(ctx: ServiceContext, tells: readonly ValidTell[]): Promise<Outcome[]> {
  return inTransaction(ctx, async (trx) => {
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
  });
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
