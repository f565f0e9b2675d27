import { blankTrial, type FrozenTrial, lastStep } from '../core/trial.js';
import { MAX_BATCH } from './batch-queue.js';
import type { QueuedAsk } from './ask-batcher.js';
import type { Override, Sampling } from './sampling-thread.js';
import type { StudyCacheEntry, TrialsSnapshot } from './study-cache.js';
import { finishedTrial } from './tell-decisions.js';
import type { ValidTell } from './tell-validation.js';

/**
 * Sampling ahead for the asks queued behind a batch in flight. Once a batch has decided (its new trials and
 * their numbers are known, only its writes and commit remain), the next asks are sampled against the study as
 * that batch saw it plus the trials it is taking, one ask per macrotask so the commit's reply is not held up.
 * A proposal is used only if it is exactly what sampling under the lock would have assumed about numbers and
 * trials: the study's next number is the one predicted (so no other process inserted a trial since, which also
 * keeps a grid point from being handed out twice) and every ask before it in the batch took the number its
 * proposal predicted. A TellAndAsk's own tell (and those of the asks proposed before it) is in its view as it
 * will be written if accepted; other tells committed meanwhile are not: the same staleness an ask racing a tell
 * has anyway, and why proposals are only made for asks that arrive while a batch is in flight.
 */
export class AskPipeline {
  // The proposals so far, in order: trials, or (chained in the sampling thread) samples not answered yet.
  private readonly proposed: Override[] = [];
  // The trials the proposed asks' tells (TellAndAsk) will have finished, as each ask's sampler should see them.
  private readonly told: FrozenTrial[] = [];
  private readonly proposals = new Map<QueuedAsk, FrozenTrial>();
  // Proposals being sampled, until recorded.
  private readonly pending = new Map<QueuedAsk, Promise<void>>();
  private scheduled = false;
  private stopped = false;
  private discarded = false;
  private source: () => ArrayLike<QueuedAsk> = () => [];
  // In the sampling thread, proposals are chained: sent back to back, each naming the ones before it, instead of
  // one per round trip (the thread would idle while the event loop gets to the reply).
  private readonly chaining: boolean;

  constructor(
    readonly entry: StudyCacheEntry,
    private readonly snapshot: TrialsSnapshot,
    private readonly inFlight: readonly FrozenTrial[],
    /** The number the first proposal gets: the in-flight batch's next number once it commits. */
    readonly firstNumber: number,
    private readonly now: () => Date,
    private readonly sampling: Sampling,
  ) {
    this.chaining = sampling.chains?.(entry) ?? false;
  }

  /**
   * The proposal made for `ask`, if any (waiting for it if it is being sampled); stops proposing (the batch
   * taking it has begun deciding).
   */
  async take(ask: QueuedAsk): Promise<FrozenTrial | undefined> {
    this.stopped = true;
    const pending = this.pending.get(ask);
    if (pending) await pending;
    return this.proposals.get(ask);
  }

  stop(): void {
    this.stopped = true;
  }

  /** Stops and forgets every proposal: the batch they built on is being decided again (a retried transaction). */
  discard(): void {
    this.stopped = true;
    this.discarded = true;
    this.proposals.clear();
  }

  /**
   * The asks to propose for, in order: the study's queue, while the batch in flight commits and the next one
   * waits for the study lock (that batch stops the pipeline and takes the queue's head once it holds the lock).
   */
  follow(asks: () => ArrayLike<QueuedAsk>): void {
    this.source = asks;
  }

  /**
   * Proposes for the next asks without one until every followed ask has one: in-thread one ask per macrotask
   * (so the commit's reply is not held up), chained all at once.
   */
  schedule(): void {
    if (this.scheduled || this.stopped || (!this.chaining && this.pending.size > 0)) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      const list = this.source();
      for (;;) {
        const index = this.proposed.length;
        if (this.stopped || index >= list.length || index >= MAX_BATCH) return;
        const ask = list[index];
        const done = this.proposeFor(ask);
        this.pending.set(ask, done);
        if (!this.chaining) {
          void done.then(() => {
            this.pending.delete(ask);
            this.schedule();
          });
          return;
        }
      }
    });
  }

  private async proposeFor(ask: QueuedAsk): Promise<void> {
    const now = this.now();
    const fresh = newRunningTrial(this.firstNumber + this.proposed.length, now);
    const told = ask.tell ? assumedTold(this.entry, ask.tell, now) : undefined;
    if (told) this.told.push(told);
    const overrides = [...this.inFlight, ...this.told, ...this.proposed, fresh];
    let trial: FrozenTrial;
    try {
      if (this.chaining) {
        const chained = this.sampling.chain!(this.entry, fresh, ask.searchSpace, this.snapshot, overrides);
        if (!chained) {
          // The thread is gone, or no longer holds what this pipeline's snapshot needs: the batch samples.
          this.stopped = true;
          return;
        }
        this.proposed.push(chained);
        trial = await chained.result;
      } else {
        trial = await this.sampling.sample(this.entry, fresh, ask.searchSpace, this.snapshot, overrides as FrozenTrial[]);
        this.proposed.push(trial);
      }
    } catch {
      // Whatever went wrong (a grid used up, a sampler error) happens again under the lock, where it is answered.
      this.stopped = true;
      return;
    }
    // A proposal that lands after stop() still holds (take checks its number); after discard() it does not.
    if (this.discarded) return;
    this.proposals.set(ask, trial);
  }
}

/** A trial about to start under `number`, before sampling. */
export function newRunningTrial(number: number, now: Date): FrozenTrial {
  return blankTrial({ id: 0, number, state: 'RUNNING', startedAt: now });
}

/**
 * The cached trial as `tell` will leave it if accepted (a PRUNED tell without values takes the last reported
 * value, as the tell's judgement does); nothing when the cache does not hold it RUNNING (a retry, another study).
 */
function assumedTold(entry: StudyCacheEntry, tell: ValidTell, now: Date): FrozenTrial | undefined {
  const cached = entry.cachedTrial(tell.trialId);
  if (!cached || cached.state !== 'RUNNING') return undefined;
  let values: readonly number[] | null = tell.state === 'FAIL' ? null : (tell.values ?? null);
  if (tell.state === 'PRUNED' && values === null && entry.base.directions.length === 1) {
    const step = lastStep(cached);
    values = step === undefined ? null : [cached.intermediateValues.get(step)!];
  }
  return finishedTrial(cached, { state: tell.state, values, constraints: tell.constraints ?? null, completedAt: now.toISOString() });
}
