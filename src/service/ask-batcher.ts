import type { SearchSpace } from '../core/distribution.js';
import { drainInBatches, MAX_BATCH, type Outcome as BatchOutcome, type Pending } from './batch-queue.js';
import { NotFoundError } from '../core/errors.js';
import { SamplerExhausted } from '../core/sampler.js';
import type { FrozenTrial } from '../core/trial.js';
import type { NewTrialRow, StudyRow, TrialRow } from '../storage/database.js';
import { findRequestResponses, insertAskedTrials, lockWaitingTrials, type RequestResponse } from '../storage/batch-repository.js';
import { lockStudyByNameWithXmin, markStudyDone } from '../storage/study-repository.js';
import { findTrialById, findTrialByNumber, updateTrial } from '../storage/trial-repository.js';
import { doneReason, sampleNewTrial } from './sample-new-trial.js';
import type { AskResult } from './hpo-service.js';
import { requestIdReused } from './idempotency.js';
import { validateRequestId, validateSearchSpace, validateStudyName, validateWorkerId } from './limits.js';
import { inTransaction, type ServiceContext, type Tx } from './service-context.js';
import { type StudyCacheEntry, studyViewOver, type TrialsByState } from './study-cache.js';
import { frozenTrialOf, storedParamsOf, trialRecordFromFrozen, trialRecordOf } from './trial-record.js';

interface AskInput {
  readonly studyName: string;
  readonly searchSpace: SearchSpace;
  readonly workerId?: string;
  readonly requestId?: string;
}

type PendingAsk = Pending<AskInput, AskResult>;
type Outcome = BatchOutcome<AskResult>;

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
 * Asks that queue while a batch is writing and committing are sampled in that wait (see Pipeline), so the
 * sampler's CPU overlaps the commit's I/O instead of following it under the study lock.
 */
export class AskBatcher {
  private readonly queues = new Map<string, PendingAsk[]>();
  private readonly pipelines = new Map<string, Pipeline>();

  constructor(private readonly ctx: ServiceContext) {}

  ask(input: AskInput): Promise<AskResult> {
    // Inside the executor: bad input rejects the promise, as every other service call does.
    return new Promise<AskResult>((resolve, reject) => {
      const validated: AskInput = {
        studyName: validateStudyName(input.studyName, 'study_name'),
        searchSpace: validateSearchSpace(input.searchSpace),
        workerId: validateWorkerId(input.workerId),
        requestId: validateRequestId(input.requestId),
      };
      const busy = this.queues.get(validated.studyName);
      if (busy) {
        busy.push({ input: validated, resolve, reject });
        this.pipelines.get(validated.studyName)?.schedule();
        return;
      }
      const queue: PendingAsk[] = [{ input: validated, resolve, reject }];
      this.queues.set(validated.studyName, queue);
      void this.drain(validated.studyName, queue);
    });
  }

  /** Runs transactions for a study until its queue is empty; the queue's presence marks the study busy. */
  private async drain(studyName: string, queue: PendingAsk[]): Promise<void> {
    await drainInBatches(
      queue,
      (inputs) => {
        // The proposals made while the previous batch committed belong to the asks at the queue's head, which
        // this batch takes; the pipeline keeps proposing until this batch decides, then the batch replaces it.
        const previous = this.pipelines.get(studyName);
        previous?.follow(() => inputs);
        return askBatch(this.ctx, studyName, inputs, previous, (next) => {
          if (this.pipelines.get(studyName) === previous) this.pipelines.delete(studyName);
          if (next && this.queues.get(studyName) === queue) {
            this.pipelines.set(studyName, next);
            next.follow(() => queue.map((p) => p.input));
            next.schedule();
          }
        });
      },
      () => {
        this.queues.delete(studyName);
        this.pipelines.delete(studyName);
      },
    );
  }
}

/**
 * Sampling ahead for the asks queued behind a batch in flight. Once a batch has decided (its new trials and
 * their numbers are known, only its writes and commit remain), the next asks are sampled against the study as
 * that batch saw it plus the trials it is taking, one ask per macrotask so the commit's reply is not held up.
 * A proposal is used only if it is exactly what sampling under the lock would have assumed about numbers and
 * trials: the study's next number is the one predicted (so no other process inserted a trial since, which also
 * keeps a grid point from being handed out twice) and every ask before it in the batch took the number its
 * proposal predicted. Finished trials told meanwhile are not in the proposal's view: the same staleness an ask
 * racing a tell has anyway, and why proposals are only made for asks that arrive while a batch is in flight.
 */
export class Pipeline {
  private readonly proposed: FrozenTrial[] = [];
  private readonly proposals = new Map<AskInput, FrozenTrial>();
  private scheduled = false;
  private stopped = false;
  private source: () => ArrayLike<AskInput> = () => [];

  constructor(
    readonly entry: StudyCacheEntry,
    private readonly byState: TrialsByState,
    private readonly inFlight: readonly FrozenTrial[],
    /** The number the first proposal gets: the in-flight batch's next number once it commits. */
    readonly firstNumber: number,
    private readonly now: () => Date,
  ) {}

  /** The proposal made for `ask`, if any; stops proposing (the batch taking it has begun deciding). */
  take(ask: AskInput): FrozenTrial | undefined {
    this.stopped = true;
    return this.proposals.get(ask);
  }

  stop(): void {
    this.stopped = true;
  }

  /** Stops and forgets every proposal: the batch they built on is being decided again (a retried transaction). */
  discard(): void {
    this.stopped = true;
    this.proposals.clear();
  }

  /**
   * The asks to propose for, in order: the study's queue while the batch in flight commits, then the next
   * batch's own list (the same asks, in the same order, taken from the queue's head) until that batch decides.
   */
  follow(asks: () => ArrayLike<AskInput>): void {
    this.source = asks;
  }

  /** Proposes for the next ask without one, one ask per macrotask, until every followed ask has one. */
  schedule(): void {
    if (this.scheduled || this.stopped) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (this.stopped) return;
      const list = this.source();
      const index = this.proposed.length;
      if (index >= list.length || index >= MAX_BATCH) return;
      this.proposeFor(list[index]);
      this.schedule();
    });
  }

  private proposeFor(ask: AskInput): void {
    const fresh = newRunningTrial(this.firstNumber + this.proposed.length, this.now());
    let trial: FrozenTrial;
    try {
      trial = sampleNewTrial(this.entry, fresh, ask.searchSpace, studyViewOver(this.entry.base, this.byState, [...this.inFlight, ...this.proposed, fresh]));
    } catch {
      // Whatever went wrong (a grid used up, a sampler error) happens again under the lock, where it is answered.
      this.stopped = true;
      return;
    }
    this.proposed.push(trial);
    this.proposals.set(ask, trial);
  }
}

function newRunningTrial(number: number, now: Date): FrozenTrial {
  return {
    id: 0,
    number,
    state: 'RUNNING',
    params: {},
    internalParams: {},
    distributions: {},
    values: null,
    intermediateValues: EMPTY_VALUES,
    constraints: null,
    userAttrs: {},
    systemAttrs: {},
    startedAt: now,
    completedAt: null,
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
  studyName: string,
  inputs: readonly AskInput[],
  pipeline: Pipeline | undefined,
  onDecided: (next: Pipeline | null) => void,
): Promise<Outcome[]> {
  let reported = false;
  let made: Pipeline | null = null;
  const decided = (next: Pipeline | null) => {
    if (!reported) onDecided(next);
    reported = true;
    made = next;
  };
  try {
    return await inTransaction(ctx, async (trx) => {
      // A retried attempt may decide differently from the one the pipeline was built on.
      made?.discard();
      const keys = [...new Set(inputs.map((i) => i.requestId).filter((k): k is string => k !== undefined))];
      const locked = await lockStudyByNameWithXmin(trx, studyName);
      if (!locked) return inputs.map(() => ({ error: new NotFoundError('study', studyName) }));
      // The locking statement's snapshot xmin serves the cache refresh below (one round trip fewer).
      const { study, xmin } = locked;
      // Read after the study lock: a retry of an ask always targets the same study, so the lock already
      // serialises it with its original (no request-key lock needed), and this read sees the original's answer.
      const stored = (await findRequestResponses(trx, 'Ask', keys)) as Map<string, StoredAsk>;

      const entry = ctx.cache.entryFor(study);
      // Proposals hold only if nobody else took a number since they were made (see Pipeline).
      let ahead = pipeline && pipeline.entry === entry && pipeline.firstNumber === study.next_trial_number ? pipeline : undefined;
      pipeline?.stop();
      let counts: ReturnType<StudyCacheEntry['countByState']> | null = null;
      const now = ctx.now();
      let studyDone: string | null = study.state === 'DONE' ? doneReason(study) : null;
      let markDone: string | null = null;
      let waiting: TrialRow[] | null = null;
      let nextNumber = study.next_trial_number;
      // The study as this batch's samplers see it: the cache plus the trials taken so far in this batch.
      let byState: TrialsByState | null = null;
      const taken: FrozenTrial[] = [];
      const decisions: Decision[] = [];
      const firstByKey = new Map<string, number>();
      let started = 0;

      for (const [index, input] of inputs.entries()) {
        const key = input.requestId;
        if (key !== undefined && firstByKey.has(key)) {
          decisions.push({ kind: 'same-as', index: firstByKey.get(key)! });
          continue;
        }
        if (key !== undefined) firstByKey.set(key, index);
        const previous = key !== undefined ? stored.get(key) : undefined;
        if (previous) {
          decisions.push(previous.studyId === study.id ? { kind: 'replay', stored: previous } : { kind: 'error', error: requestIdReused('study') });
          continue;
        }
        if (studyDone !== null) {
          decisions.push({ kind: 'done', reason: studyDone });
          continue;
        }
        if (counts === null) {
          await entry.refresh(trx, xmin);
          counts = entry.countByState();
          byState = entry.trialsByState();
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
        const proposal = waitingRow ? undefined : ahead?.take(input);
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
            trial = sampleNewTrial(entry, fresh, input.searchSpace, studyViewOver(entry.base, byState!, [...taken, fresh]));
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
      decided(byState !== null && studyDone === null ? new Pipeline(entry, byState, taken, nextNumber, ctx.now) : null);
      return writeDecisions(trx, study, inputs, decisions, { now, markDone, newCount: nextNumber - study.next_trial_number });
    });
  } finally {
    // A batch that failed before deciding leaves no pipeline (its proposals would assume trials never written).
    decided(null);
  }
}

async function writeDecisions(
  trx: Tx,
  study: StudyRow,
  inputs: readonly AskInput[],
  decisions: readonly Decision[],
  { now, markDone }: { now: Date; markDone: string | null; newCount: number },
): Promise<Outcome[]> {
  const columnsOf = (trial: FrozenTrial, input: AskInput) => ({
    state: 'RUNNING' as const,
    params: storedParamsOf(trial),
    system_attrs: JSON.stringify(trial.systemAttrs),
    worker_id: input.workerId ?? null,
    started_at: now.toISOString(),
    last_heartbeat_at: now.toISOString(),
  });
  const newRows: NewTrialRow[] = [];
  const responses: RequestResponse[] = [];
  decisions.forEach((d, i) => {
    const key = inputs[i].requestId;
    if (d.kind === 'new') {
      newRows.push({ ...columnsOf(d.trial, inputs[i]), study_id: study.id, number: d.trial.number, user_attrs: '{}', created_at: now.toISOString() });
      if (key !== undefined) responses.push({ key, response: { number: d.trial.number, studyId: study.id } });
    } else if (d.kind === 'waiting') {
      if (key !== undefined) responses.push({ key, response: { trialId: d.row.id, studyId: study.id } });
    } else if (d.kind === 'done') {
      if (key !== undefined) responses.push({ key, response: { done: d.reason, studyId: study.id } });
    }
  });
  // One statement: the new trials, the study's next number, and every request id of the batch.
  const inserted = await insertAskedTrials(trx, study.id, newRows, responses);
  if (markDone !== null) await markStudyDone(trx, study.id, markDone);

  const outcomes: Outcome[] = [];
  let next = 0;
  for (const d of decisions) {
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
      case 'new':
        outcomes.push({ ok: { kind: 'trial', trial: trialRecordOf(inserted[next++], EMPTY_VALUES, study.name) } });
        break;
      case 'waiting': {
        const row = await updateTrial(trx, d.row.id, columnsOf(d.trial, inputs[decisions.indexOf(d)]));
        outcomes.push({ ok: { kind: 'trial', trial: trialRecordOf(row, EMPTY_VALUES, study.name) } });
        break;
      }
    }
  }
  return outcomes;
}

async function replay(trx: Tx, study: StudyRow, stored: StoredAsk): Promise<AskResult> {
  if ('done' in stored) return { kind: 'done', reason: stored.done };
  const row = 'number' in stored ? await findTrialByNumber(trx, study.id, stored.number) : await findTrialById(trx, stored.trialId);
  if (!row) throw new NotFoundError('trial', JSON.stringify(stored));
  return { kind: 'trial', trial: trialRecordFromFrozen(frozenTrialOf(row, EMPTY_VALUES), row, study.name) };
}
