import { FailedPrecondition, NotFound, StudyDone, TrialPruned } from './errors.js';
import { TrialState as WireTrialState } from './generated/hpo/v1/trial.js';
import type { Study } from './study.js';
import type { Trial } from './trial.js';
import type { FrozenTrial, SearchSpace } from './types.js';

/**
 * The function being optimised: gets a running trial, returns one value per objective (a number for one).
 *
 * @example
 * ```ts
 * const objective: Objective = async (trial) => {
 *   const x = await trial.suggestFloat('x', -10, 10);
 *   return (x - 2) ** 2;
 * };
 * ```
 */
export type Objective = (trial: Trial) => number | readonly number[] | Promise<number | readonly number[]>;

/**
 * Called after every trial this optimize call finished, in order; may be async. Call `study.stop()` to end early.
 *
 * @example
 * ```ts
 * const logBest: OptimizeCallback = (study, trial) => console.log(trial.number, trial.state, trial.value);
 * ```
 */
export type OptimizeCallback = (study: Study, trial: FrozenTrial) => void | Promise<void>;

/**
 * Which objective errors are caught (the trial is FAIL and optimize goes on) rather than ending optimize (the trial
 * is FAIL, running trials finish, and optimize rejects with the error): `true` for all, a list of error classes,
 * or a predicate. Default: none, as in Optuna.
 *
 * @example
 * ```ts
 * await study.optimize(objective, { catch: [RangeError], nTrials: 10 });
 * ```
 */
export type CatchOption = boolean | ReadonlyArray<abstract new (...args: never[]) => unknown> | ((error: unknown) => boolean);

/**
 * Where an optimize call stands, given to `onProgress` after every finished trial.
 *
 * @example
 * ```ts
 * onProgress: (p) => console.log(`${p.finished} done, best ${p.best?.value}`)
 * ```
 */
export interface OptimizeProgress {
  /** Trials started by this call. */
  readonly started: number;
  /** Trials finished by this call (any state). */
  readonly finished: number;
  readonly complete: number;
  readonly pruned: number;
  readonly failed: number;
  /** Trials of this call still running. */
  readonly running: number;
  readonly elapsedMs: number;
  /** The best complete trial of this call (first objective), or null. */
  readonly best: FrozenTrial | null;
  /** The trial that just finished. */
  readonly last: FrozenTrial;
}

/**
 * Options of `study.optimize`.
 *
 * @example
 * ```ts
 * await study.optimize(objective, { nTrials: 50, concurrency: 4, timeoutMs: 600_000, catch: true,
 *   signal: AbortSignal.timeout(3_600_000), onProgress: (p) => console.log(p.finished) });
 * ```
 */
export interface OptimizeOptions {
  /** Trials this call runs (as in Optuna, per call, not per study); unlimited when unset. */
  readonly nTrials?: number;
  /** Start no new trial after this long; running ones finish. */
  readonly timeoutMs?: number;
  /** Trials in flight at once in this process (default 1). */
  readonly concurrency?: number;
  /** Which objective errors are caught; see {@link CatchOption}. */
  readonly catch?: CatchOption;
  /**
   * Called after each finished trial, before its lane asks for another, so `study.stop()` here starts no new trial.
   * Without callbacks a lane tells a trial and asks for the next in one call (`study.tellAndAsk`); with them, in two.
   */
  readonly callbacks?: readonly OptimizeCallback[];
  /** Stops optimize: running trials are told FAIL at once (or finish first), none is left RUNNING; resolves normally. */
  readonly signal?: AbortSignal;
  /**
   * Called after each finished trial with counts and the best so far; observes only (without callbacks the lane's
   * next trial may already have been started with the tell, and is counted in `started`).
   */
  readonly onProgress?: (progress: OptimizeProgress) => void;
  /** A search space declared up front: sampled jointly at ask time (define-and-run); suggest still works. */
  readonly searchSpace?: SearchSpace;
}

/**
 * Why optimize returned and what it did.
 *
 * @example
 * ```ts
 * const { stoppedBy, complete } = await study.optimize(objective, { nTrials: 10 });
 * ```
 */
export interface OptimizeResult {
  /** `nTrials` spent, `timeout`, `studyDone` (maxTrials reached, grid used up), `aborted` (signal) or `stopped` (study.stop()). */
  readonly stoppedBy: 'nTrials' | 'timeout' | 'studyDone' | 'aborted' | 'stopped';
  /** The server's reason when stoppedBy is `studyDone`. */
  readonly doneReason: string;
  readonly started: number;
  readonly complete: number;
  readonly pruned: number;
  readonly failed: number;
  /** Trials the server had already given up (heartbeats lost) when this process told them. */
  readonly lost: number;
}

type StopReason = OptimizeResult['stoppedBy'];

/** @internal The loop behind `study.optimize`. `registerStop` lets `study.stop()` reach this run. */
export async function runOptimize(
  study: Study,
  objective: Objective,
  options: OptimizeOptions,
  registerStop: (stop: () => void) => () => void,
): Promise<OptimizeResult> {
  const concurrency = options.concurrency ?? 1;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`concurrency must be an integer >= 1, got ${concurrency}`);
  if (options.nTrials !== undefined && (!Number.isInteger(options.nTrials) || options.nTrials < 0))
    throw new RangeError(`nTrials must be an integer >= 0, got ${options.nTrials}`);

  const startedAt = Date.now();
  const counts = { started: 0, finished: 0, complete: 0, pruned: 0, failed: 0, lost: 0 };
  const running = new Set<Trial>();
  let stopReason: StopReason | undefined;
  let doneReason = '';
  let fatal: { error: unknown } | undefined;
  let best: FrozenTrial | null = null;
  // Callbacks run one at a time, in finishing order, even with several trials in flight.
  let callbackChain: Promise<void> = Promise.resolve();

  const stop = (reason: StopReason) => {
    stopReason ??= reason;
  };
  const unregister = registerStop(() => stop('stopped'));
  let onAbort: (() => void) | undefined;
  const abortPromise = new Promise<'aborted'>((resolve) => {
    onAbort = () => resolve('aborted');
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });
  });

  const shouldStartAnother = (): boolean => {
    if (stopReason || fatal) return false;
    if (options.signal?.aborted) return (stop('aborted'), false);
    if (options.timeoutMs !== undefined && Date.now() - startedAt >= options.timeoutMs) return (stop('timeout'), false);
    if (options.nTrials !== undefined && counts.started >= options.nTrials) return (stop('nTrials'), false);
    return true;
  };

  const record = async (trial: FrozenTrial) => {
    counts.finished++;
    if (trial.state === 'COMPLETE') {
      counts.complete++;
      if (trial.value !== null && (best === null || better(trial.value, best.value!, study.directions[0]))) best = trial;
    } else if (trial.state === 'PRUNED') counts.pruned++;
    else counts.failed++;
    const progress: OptimizeProgress = { ...counts, running: running.size, elapsedMs: Date.now() - startedAt, best, last: trial };
    callbackChain = callbackChain.then(async () => {
      if (fatal) return;
      try {
        for (const callback of options.callbacks ?? []) await callback(study, trial);
        options.onProgress?.(progress);
      } catch (error) {
        fatal ??= { error };
      }
    });
    await callbackChain;
  };

  // NOTE: a lane tells its trial and asks for its next one in one TellAndAsk call (issue 7: one round trip per
  // trial). Callbacks may call study.stop() and must run before the next trial is asked for, so with callbacks
  // the lane tells, runs them, then asks (two calls). onProgress only observes.
  const chainAsks = (options.callbacks ?? []).length === 0;

  type TellRequest = Parameters<Trial['finish']>[0];
  /** Tells `trial`; with `askNext`, and when this lane will run another trial, also starts it and returns it. */
  const tell = async (trial: Trial, request: TellRequest, askNext = chainAsks): Promise<Trial | undefined> => {
    // Decided (and the slot counted, as the lane counts an ask) before the call, so nTrials stays exact.
    const chained = askNext && shouldStartAnother();
    if (chained) counts.started++;
    try {
      if (!chained) {
        const told = await trial.finish(request);
        running.delete(trial);
        await record(told);
        return undefined;
      }
      const { told, next, doneReason: reason } = await study.finishAndAsk(trial, request, options.searchSpace);
      running.delete(trial);
      if (next === null) {
        counts.started--;
        stop('studyDone');
        doneReason ||= reason;
      }
      await record(told);
      return next ?? undefined;
    } catch (error) {
      if (chained) counts.started--;
      // The server gave the trial up (its heartbeats were lost) or the study was deleted: nothing left to tell.
      // (An ask refuses nothing with these, so a TellAndAsk failing so was refused by its tell; the lane asks
      // on its own next, as after a lost tell.)
      if (error instanceof FailedPrecondition || error instanceof NotFound) counts.lost++;
      else fatal ??= { error };
      return undefined;
    }
  };

  /** Runs one trial to its tell; returns the lane's next trial when the tell started it. */
  const runTrial = async (trial: Trial): Promise<Trial | undefined> => {
    running.add(trial);
    try {
      const aborted = abortPromise.then(() => ({ kind: 'aborted' as const }));
      const outcome = await Promise.race([
        // An abort that came during ask: the objective is never started.
        options.signal?.aborted ? aborted : runObjective(objective, trial),
        aborted,
      ]);
      if (trial.isFinished) return undefined; // the objective told it itself
      switch (outcome.kind) {
        case 'aborted':
          trial.interrupt(options.signal?.reason);
          return await tell(
            trial,
            { state: WireTrialState.TRIAL_STATE_FAIL, values: [], failReason: `aborted: ${describe(options.signal?.reason)}` },
            false,
          );
        case 'returned': {
          const checked = checkValues(outcome.value, study.directions.length);
          if (typeof checked === 'string') return await tell(trial, { state: WireTrialState.TRIAL_STATE_FAIL, values: [], failReason: checked });
          return await tell(trial, { state: WireTrialState.TRIAL_STATE_COMPLETE, values: checked, failReason: '' });
        }
        case 'threw': {
          if (outcome.error instanceof TrialPruned)
            return await tell(trial, { state: WireTrialState.TRIAL_STATE_PRUNED, values: [], failReason: '' });
          const caught = isCaught(options.catch, outcome.error);
          // An error that ends optimize starts no next trial.
          const next = await tell(trial, { state: WireTrialState.TRIAL_STATE_FAIL, values: [], failReason: describe(outcome.error) }, caught && chainAsks);
          if (!caught) fatal ??= { error: outcome.error };
          return next;
        }
      }
    } finally {
      trial.abandon();
      running.delete(trial);
    }
  };

  const lane = async (): Promise<void> => {
    let next: Trial | undefined;
    for (;;) {
      let trial: Trial;
      if (next) trial = next;
      else {
        if (!shouldStartAnother()) return;
        counts.started++;
        try {
          // Not cancelled by the signal: a cancelled ask could leave a trial RUNNING on the server that this
          // process never heard of. Once it returns, an aborted run tells it FAIL at once.
          trial = await study.ask(options.searchSpace);
        } catch (error) {
          counts.started--;
          if (error instanceof StudyDone) {
            stop('studyDone');
            doneReason ||= error.reason;
          } else fatal ??= { error };
          return;
        }
      }
      next = await runTrial(trial);
    }
  };

  try {
    await Promise.all(Array.from({ length: concurrency }, lane));
    await callbackChain;
  } finally {
    unregister();
    if (onAbort) options.signal?.removeEventListener('abort', onAbort);
  }
  if (fatal) throw fatal.error;
  return { stoppedBy: stopReason ?? 'nTrials', doneReason, ...pick(counts) };
}

/** The objective's result or error, never a rejection (it may be abandoned on abort and must not go unhandled). */
async function runObjective(
  objective: Objective,
  trial: Trial,
): Promise<{ kind: 'returned'; value: number | readonly number[] } | { kind: 'threw'; error: unknown }> {
  try {
    return { kind: 'returned', value: await objective(trial) };
  } catch (error) {
    return { kind: 'threw', error };
  }
}

function pick(c: { started: number; complete: number; pruned: number; failed: number; lost: number }) {
  return { started: c.started, complete: c.complete, pruned: c.pruned, failed: c.failed, lost: c.lost };
}

function better(a: number, b: number, direction: 'minimize' | 'maximize' | undefined): boolean {
  return direction === 'maximize' ? a > b : a < b;
}

/** The values to tell, or why the trial fails instead (Optuna also fails a trial whose objective returned NaN). */
function checkValues(returned: unknown, nObjectives: number): number[] | string {
  const values = typeof returned === 'number' ? [returned] : Array.isArray(returned) ? [...returned] : undefined;
  if (!values) return `objective returned ${describe(returned)}; expected ${nObjectives === 1 ? 'a number' : `${nObjectives} numbers`}`;
  if (values.length !== nObjectives)
    return `objective returned ${values.length} values; the study has ${nObjectives} objective${nObjectives === 1 ? '' : 's'}`;
  const bad = values.findIndex((v) => typeof v !== 'number' || !Number.isFinite(v));
  if (bad >= 0) return `objective returned ${String(values[bad])}${nObjectives > 1 ? ` for objective ${bad}` : ''}; values must be finite numbers`;
  return values as number[];
}

function isCaught(option: CatchOption | undefined, error: unknown): boolean {
  if (option === undefined || option === false) return false;
  if (option === true) return true;
  if (typeof option === 'function') return option(error);
  return option.some((ErrorClass) => error instanceof (ErrorClass as unknown as abstract new () => unknown));
}

/** The error text kept with a failed trial: name and message, as a user would want to read it in `hpo trials`. */
function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  if (error === undefined) return 'no reason given';
  try {
    return typeof error === 'string' ? error : JSON.stringify(error);
  } catch {
    return String(error);
  }
}
