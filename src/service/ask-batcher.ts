import type { SearchSpace } from '../core/distribution.js';
import { MAX_BATCH, type Outcome as BatchOutcome, type Pending, settle } from './batch-queue.js';
import { InvalidArgumentError, NotFoundError } from '../core/errors.js';
import { prefixField, underField } from '../core/field-prefix.js';
import { SamplerExhausted } from '../core/sampler.js';
import type { FrozenTrial, TrialState } from '../core/trial.js';
import type { StudyRow, TrialRow } from '../storage/database.js';
import { type AskedTrial, lockTrialsAndFindResponses, lockWaitingTrials, type MethodResponse, writeAskBatch } from '../storage/batch-repository.js';
import { lockStudyByNameWithXmin, markStudyDone } from '../storage/study-repository.js';
import { findTrialById, findTrialByNumber, updateTrial } from '../storage/trial-repository.js';
import { AskPipeline, newRunningTrial } from './ask-pipeline.js';
import { doneReason } from './sample-new-trial.js';
import { IN_THREAD, type Sampling } from './sampling-thread.js';
import type { AskResult, TellInput, TrialRecord } from './hpo-service.js';
import { requestIdReused } from './idempotency.js';
import { validateRequestId, validateSearchSpace, validateStudyName, validateWorkerId } from './limits.js';
import { inTransaction, type ServiceContext, type Tx } from './service-context.js';
import { answerTells, type DecidedTells, decideTells, finishedTrial, requestKeys, tellResponses } from './tell-decisions.js';
import { validateTell, type ValidTell } from './tell-validation.js';
import type { StudyCacheEntry, TrialsSnapshot } from './study-cache.js';
import { frozenTrialOf, storedParamsOf, trialRecordFromFrozen, trialRecordOf } from './trial-record.js';

export interface AskInput {
  readonly studyName: string;
  readonly searchSpace: SearchSpace;
  readonly workerId?: string;
  readonly requestId?: string;
}

/** An ask as queued: validated, and with the tell of the worker's previous trial when it came as TellAndAsk. */
export interface QueuedAsk extends AskInput {
  readonly tell?: ValidTell;
}

/** What a batch answers one queued ask: the next trial (or done), and the told trial for a TellAndAsk. */
interface AskAnswer {
  readonly next: AskResult;
  readonly told?: TrialRecord;
}

type PendingAsk = Pending<QueuedAsk, AskAnswer>;
type Outcome = BatchOutcome<AskAnswer>;

// A new trial is remembered by number (known before the insert, so the response is written by the same
// statement); a WAITING trial handed out, by id; older rows may hold either.
type StoredAsk = { trialId: number; studyId: number } | { number: number; studyId: number } | { done: string; studyId: number };

const EMPTY_VALUES: ReadonlyMap<number, number> = new Map();

/**
 * Groups concurrent asks of one study (within this process) into one transaction: while a study's transaction
 * is in flight, new asks for it queue, and the next transaction takes them all. Every ask of a study has to
 * hold the study's row lock anyway (numbers, budget, grid hand-out), and a durable commit costs milliseconds,
 * so one lock, one commit and a handful of statements for N asks is what lets many workers through.
 *
 * Within a batch the asks are decided one after another exactly as single asks would be: each one's sampler
 * sees the trials the earlier ones just took as RUNNING, the budget counts them, and a request id already
 * answered (by any process) is replayed. An ask that fails (a reused request id) fails alone; the others go on.
 *
 * Asks that queue while a batch is writing and committing are sampled in that wait (see AskPipeline), so the
 * sampler's CPU overlaps the commit's I/O instead of following it under the study lock.
 */
export class AskBatcher {
  private readonly queues = new Map<string, PendingAsk[]>();
  private readonly pipelines = new Map<string, AskPipeline>();
  /** Batch transactions per study: one holds the study lock, one may wait for it (see startBatch). */
  private readonly running = new Map<string, number>();
  /** Studies with a batch that has begun but not yet taken its asks. */
  private readonly waiting = new Set<string>();

  /** `sampling` samples each new trial (in-thread by default, or in the sampling thread: see SamplingThread). */
  constructor(
    private readonly ctx: ServiceContext,
    private readonly sampling: Sampling = IN_THREAD,
  ) {}

  ask(input: AskInput): Promise<AskResult> {
    return this.submit(() => validateAsk(input)).then((answer) => answer.next);
  }

  /**
   * A worker's tell of its finished trial and its ask for the next, in one transaction of the ask's study: the
   * tell is judged by the tell's own rules (tell-decisions.ts) and written in the same commit as the new trial,
   * and the ask's sampler sees it finished. A refused tell refuses the whole call (the ask is not attempted).
   */
  tellAndAsk(tell: TellInput | undefined, ask: AskInput | undefined): Promise<{ told: TrialRecord; next: AskResult }> {
    return this.submit(() => {
      if (!tell) throw new InvalidArgumentError('tell', 'is required');
      if (!ask) throw new InvalidArgumentError('ask', 'is required');
      const validTell = underField('tell', () => validateTell(tell));
      return { ...underField('ask', () => validateAsk(ask)), tell: validTell };
    }).then((answer) => ({ told: answer.told!, next: answer.next }));
  }

  private submit(validate: () => QueuedAsk): Promise<AskAnswer> {
    // Inside the executor: bad input rejects the promise, as every other service call does.
    return new Promise<AskAnswer>((resolve, reject) => {
      const validated = validate();
      const busy = this.queues.get(validated.studyName);
      if (busy) {
        busy.push({ input: validated, resolve, reject });
        this.pipelines.get(validated.studyName)?.schedule();
        return;
      }
      const queue: PendingAsk[] = [{ input: validated, resolve, reject }];
      this.queues.set(validated.studyName, queue);
      this.startBatch(validated.studyName, queue, undefined);
    });
  }

  /**
   * Starts a batch transaction for the study. It takes its asks (up to MAX_BATCH from the queue's head) only once
   * it holds the study lock, so it can begin early: when the batch before it has decided and asks are queued, the
   * next one begins at once, and its BEGIN and lock statement wait in Postgres for that commit instead of
   * following it. At most one batch waits for the lock while another holds it.
   */
  private startBatch(studyName: string, queue: PendingAsk[], pipeline: AskPipeline | undefined): void {
    let taken: PendingAsk[] | null = null;
    this.waiting.add(studyName);
    // The batch's calls, taken from the queue's head the first time they are asked for (the same ones after).
    const calls = (): PendingAsk[] => {
      if (taken === null) {
        taken = queue.splice(0, MAX_BATCH);
        this.waiting.delete(studyName);
      }
      return taken;
    };
    this.running.set(studyName, (this.running.get(studyName) ?? 0) + 1);
    const done = (outcomes: (batch: readonly PendingAsk[]) => readonly Outcome[]) => {
      // A batch that failed before taking its asks (no connection, say) fails the ones it would have taken.
      const batch = calls();
      settle(batch, outcomes(batch));
      const running = this.running.get(studyName)! - 1;
      this.running.set(studyName, running);
      if (queue.length > 0 && !this.waiting.has(studyName)) this.startBatch(studyName, queue, this.pipelines.get(studyName));
      else if (running === 0 && queue.length === 0) {
        this.queues.delete(studyName);
        this.pipelines.delete(studyName);
        this.running.delete(studyName);
      }
    };
    askBatch(this.ctx, this.sampling, studyName, () => calls().map((p) => p.input), pipeline, (next) => {
      if (this.pipelines.get(studyName) === pipeline) this.pipelines.delete(studyName);
      if (next && this.queues.get(studyName) === queue) {
        this.pipelines.set(studyName, next);
        next.follow(() => queue.map((p) => p.input));
        next.schedule();
      }
      if (queue.length > 0 && !this.waiting.has(studyName)) this.startBatch(studyName, queue, next ?? undefined);
    }).then(
      (outcomes) => done(() => outcomes),
      (error: unknown) => done((batch) => batch.map(() => ({ error }))),
    );
  }
}

function validateAsk(input: AskInput): AskInput {
  return {
    studyName: validateStudyName(input.studyName, 'study_name'),
    searchSpace: validateSearchSpace(input.searchSpace),
    workerId: validateWorkerId(input.workerId),
    requestId: validateRequestId(input.requestId),
  };
}

/** What the batch decided for one ask, before anything is written. */
type Decision =
  | { kind: 'replay'; stored: StoredAsk }
  | { kind: 'same-as'; index: number }
  | { kind: 'done'; reason: string }
  | { kind: 'new'; trial: FrozenTrial }
  | { kind: 'waiting'; row: TrialRow; trial: FrozenTrial }
  | { kind: 'error'; error: unknown };

async function askBatch(
  ctx: ServiceContext,
  sampling: Sampling,
  studyName: string,
  take: () => readonly QueuedAsk[],
  pipeline: AskPipeline | undefined,
  onDecided: (next: AskPipeline | null) => void,
): Promise<Outcome[]> {
  let reported = false;
  let made: AskPipeline | null = null;
  const decided = (next: AskPipeline | null) => {
    if (!reported) onDecided(next);
    reported = true;
    made = next;
  };
  try {
    return await inTransaction(ctx, async (trx) => {
      // A retried attempt may decide differently from the one the pipeline was built on.
      made?.discard();
      const locked = await lockStudyByNameWithXmin(trx, studyName);
      // The asks are taken now, holding the lock (the same ones again if the transaction is retried): what was
      // sampled ahead while the batch before committed belongs to the queue's head.
      pipeline?.stop();
      const inputs = take();
      if (inputs.length === 0) return [];
      if (!locked) return inputs.map(() => ({ error: new NotFoundError('study', studyName) }));
      // The locking statement's snapshot xmin serves the cache refresh below (one round trip fewer).
      const { study, xmin } = locked;
      // Read after the study lock: a retry of an ask (or of a TellAndAsk) always targets the same study, so the
      // lock already serialises it with its original (no request-key lock needed), and this read sees the
      // original's answer. The told trials are locked by the same statement (after the study's, always).
      const tellers = inputs.flatMap((input, index) => (input.tell ? [index] : []));
      const toldBy = tellers.map((i) => inputs[i].tell!);
      const read = await lockTrialsAndFindResponses(trx, [...new Set(toldBy.map((t) => t.trialId))], { Ask: requestKeys(inputs), Tell: requestKeys(toldBy) });
      const stored = read.responses.get('Ask') as Map<string, StoredAsk>;

      const now = ctx.now();
      // The tells of TellAndAsk calls, judged by the tell's own rules under their rows' locks.
      const tells: DecidedTells | null =
        tellers.length > 0 ? await decideTells(trx, toldBy, now.toISOString(), { rows: read.rows, answered: read.responses.get('Tell')! }) : null;
      const tellOf = new Map(tellers.map((input, j) => [input, tells!.decisions[j]]));

      const entry = ctx.cache.entryFor(study);
      // Proposals hold only if nobody else took a number since they were made (see AskPipeline).
      let ahead = pipeline && pipeline.entry === entry && pipeline.firstNumber === study.next_trial_number ? pipeline : undefined;
      let counts: ReturnType<StudyCacheEntry['countByState']> | null = null;
      // The trials this batch's tells finish, as its samplers see them (written after the cache read).
      let told: FrozenTrial[] = [];
      let studyDone: string | null = study.state === 'DONE' ? doneReason(study) : null;
      let markDone: string | null = null;
      let waiting: TrialRow[] | null = null;
      let nextNumber = study.next_trial_number;
      // The study as this batch's samplers see it: the cache plus the trials taken so far in this batch.
      let snapshot: TrialsSnapshot | null = null;
      const taken: FrozenTrial[] = [];
      const decisions: Decision[] = [];
      const firstByKey = new Map<string, number>();
      let started = 0;

      for (const [index, input] of inputs.entries()) {
        const tell = tellOf.get(index);
        if (tell?.kind === 'error') {
          decisions.push({ kind: 'error', error: prefixField('tell', tell.error) });
          continue;
        }
        const key = input.requestId;
        if (key !== undefined && firstByKey.has(key)) {
          decisions.push({ kind: 'same-as', index: firstByKey.get(key)! });
          continue;
        }
        if (key !== undefined) firstByKey.set(key, index);
        const previous = key !== undefined ? stored.get(key) : undefined;
        if (previous) {
          const reused = input.tell ? prefixField('ask', requestIdReused('study')) : requestIdReused('study');
          decisions.push(previous.studyId === study.id ? { kind: 'replay', stored: previous } : { kind: 'error', error: reused });
          continue;
        }
        if (studyDone !== null) {
          decisions.push({ kind: 'done', reason: studyDone });
          continue;
        }
        if (counts === null) {
          await entry.refresh(trx, xmin);
          counts = entry.countByState();
          snapshot = entry.snapshot();
          told = tells ? toldInStudy(entry, tells, study.id, counts) : [];
        }
        if (study.max_trials !== null) {
          const used = counts.RUNNING + counts.COMPLETE + counts.PRUNED + (study.count_failed_trials ? counts.FAIL : 0) + started;
          if (used >= study.max_trials) {
            const reason = `the study reached its budget of ${study.max_trials} trials`;
            // Done for good only once nothing is running: a running trial that fails gives its slot back.
            if (counts.RUNNING + started === 0) {
              markDone = reason;
              studyDone = reason;
            }
            decisions.push({ kind: 'done', reason });
            continue;
          }
        }
        if (waiting === null) waiting = counts.WAITING > 0 ? await lockWaitingTrials(trx, study.id, inputs.length) : [];
        const waitingRow = waiting.shift();
        const proposal = waitingRow ? undefined : await ahead?.take(input);
        let trial: FrozenTrial;
        if (proposal && proposal.number === nextNumber) {
          trial = { ...proposal, startedAt: now };
        } else {
          // Proposals after this one assumed this ask took its proposal's trial: none of them holds now.
          ahead = undefined;
          const fresh: FrozenTrial = waitingRow
            ? { ...frozenTrialOf(waitingRow, EMPTY_VALUES), state: 'RUNNING', startedAt: now }
            : newRunningTrial(nextNumber, now);
          try {
            // Awaited one by one: each ask's sampler sees the trials the earlier ones took.
            trial = await sampling.sample(entry, fresh, input.searchSpace, snapshot!, [...told, ...taken, fresh]);
          } catch (error) {
            if (waitingRow) waiting.unshift(waitingRow);
            if (error instanceof SamplerExhausted) {
              markDone = error.reason;
              studyDone = error.reason;
              decisions.push({ kind: 'done', reason: error.reason });
            } else {
              decisions.push({ kind: 'error', error });
            }
            continue;
          }
        }
        taken.push(trial);
        started++;
        if (waitingRow) decisions.push({ kind: 'waiting', row: waitingRow, trial });
        else {
          nextNumber++;
          decisions.push({ kind: 'new', trial });
        }
      }

      // Only the writes and the commit are left: asks queued behind this batch can be sampled meanwhile.
      decided(snapshot !== null && studyDone === null ? new AskPipeline(entry, snapshot, [...told, ...taken], nextNumber, ctx.now, sampling) : null);
      const { answers, told: toldRecords } = await writeDecisions(trx, study, inputs, decisions, now, markDone, tells && { tells: toldBy, decided: tells });
      const toldOf = new Map(tellers.map((input, j) => [input, toldRecords[j]]));
      return answers.map((answer, index): Outcome => {
        if (!('ok' in answer)) return answer;
        const record = toldOf.get(index);
        if (record === undefined) return { ok: { next: answer.ok } };
        return 'ok' in record ? { ok: { next: answer.ok, told: record.ok } } : { error: prefixField('tell', record.error) };
      });
    });
  } finally {
    // A batch that failed before deciding leaves no pipeline (its proposals would assume trials never written).
    decided(null);
  }
}

/**
 * The trials `tells` finish in this study, as they will be once written, with `counts` moved from each trial's
 * cached state to its new one (a FAIL gives its budget slot back within this very batch).
 */
function toldInStudy(entry: StudyCacheEntry, tells: DecidedTells, studyId: number, counts: Record<TrialState, number>): FrozenTrial[] {
  const out: FrozenTrial[] = [];
  for (const finish of tells.finishing.values()) {
    const row = tells.rows.get(finish.id);
    if (!row || row.study_id !== studyId) continue;
    const before = entry.cachedTrial(finish.id) ?? frozenTrialOf(row, entry.intermediateValues(finish.id));
    counts[before.state]--;
    counts[finish.state]++;
    out.push(finishedTrial(before, finish));
  }
  return out;
}

/** Writes a batch's decisions and its TellAndAsk calls' tells in one statement; answers the asks and the tells. */
async function writeDecisions(
  trx: Tx,
  study: StudyRow,
  inputs: readonly AskInput[],
  decisions: readonly Decision[],
  now: Date,
  markDone: string | null,
  told: { tells: readonly ValidTell[]; decided: DecidedTells } | null,
): Promise<{ answers: BatchOutcome<AskResult>[]; told: BatchOutcome<TrialRecord>[] }> {
  const columnsOf = (trial: FrozenTrial, input: AskInput) => ({
    state: 'RUNNING' as const,
    params: storedParamsOf(trial),
    system_attrs: JSON.stringify(trial.systemAttrs),
    worker_id: input.workerId ?? null,
    started_at: now.toISOString(),
    last_heartbeat_at: now.toISOString(),
  });
  const asked: AskedTrial[] = [];
  const responses: MethodResponse[] = told ? tellResponses(told.tells, told.decided).map((r) => ({ ...r, method: 'Tell' as const })) : [];
  decisions.forEach((d, i) => {
    const key = inputs[i].requestId;
    if (d.kind === 'new') {
      const columns = columnsOf(d.trial, inputs[i]);
      asked.push({ number: d.trial.number, params: columns.params, systemAttrs: columns.system_attrs, workerId: columns.worker_id });
      if (key !== undefined) responses.push({ method: 'Ask', key, response: { number: d.trial.number, studyId: study.id } });
    } else if (d.kind === 'waiting') {
      if (key !== undefined) responses.push({ method: 'Ask', key, response: { trialId: d.row.id, studyId: study.id } });
    } else if (d.kind === 'done') {
      if (key !== undefined) responses.push({ method: 'Ask', key, response: { done: d.reason, studyId: study.id } });
    }
  });
  // One statement: the finishes, the new trials, the study's next number, and every request id of the batch.
  const finishes = told ? [...told.decided.finishing.values()] : [];
  const { finished, ids } = await writeAskBatch(trx, { studyId: study.id, finishes, asked, startedAt: now.toISOString(), responses });
  if (markDone !== null) await markStudyDone(trx, study.id, markDone);
  const toldAnswers = told ? await answerTells(trx, told.decided, finished) : [];

  const outcomes: BatchOutcome<AskResult>[] = [];
  for (const [i, d] of decisions.entries()) {
    switch (d.kind) {
      case 'same-as':
        outcomes.push(outcomes[d.index]);
        break;
      case 'replay':
        outcomes.push({ ok: await replay(trx, study, d.stored) });
        break;
      case 'error':
        outcomes.push({ error: d.error });
        break;
      case 'done':
        outcomes.push({ ok: { kind: 'done', reason: d.reason } });
        break;
      case 'new': {
        // The record as the inserted row reads back: nothing the statement wrote differs from what was decided.
        const trial: FrozenTrial = { ...d.trial, id: ids.get(d.trial.number)!, startedAt: now, userAttrs: {} };
        outcomes.push({ ok: { kind: 'trial', trial: { ...trial, studyName: study.name, lastHeartbeatAt: now, workerId: inputs[i].workerId ?? null, retryOf: null } } });
        break;
      }
      case 'waiting': {
        const row = await updateTrial(trx, d.row.id, columnsOf(d.trial, inputs[i]));
        outcomes.push({ ok: { kind: 'trial', trial: trialRecordOf(row, EMPTY_VALUES, study.name) } });
        break;
      }
    }
  }
  return { answers: outcomes, told: toldAnswers };
}

async function replay(trx: Tx, study: StudyRow, stored: StoredAsk): Promise<AskResult> {
  if ('done' in stored) return { kind: 'done', reason: stored.done };
  const row = 'number' in stored ? await findTrialByNumber(trx, study.id, stored.number) : await findTrialById(trx, stored.trialId);
  if (!row) throw new NotFoundError('trial', JSON.stringify(stored));
  return { kind: 'trial', trial: trialRecordFromFrozen(frozenTrialOf(row, EMPTY_VALUES), row, study.name) };
}
