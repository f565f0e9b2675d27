import {
  attrsToWire,
  paramValueToWire,
  searchSpaceToWire,
  studyFromWire,
  trialFromWire,
  trialStateToWire,
  usageError,
} from './conversions.js';
import { InvalidArgument, StudyDone } from './errors.js';
import type { AskRequest, TellRequest } from './generated/hpo/v1/hpo_service.js';
import { TrialState as WireTrialState } from './generated/hpo/v1/trial.js';
import { newRequestId } from './identity.js';
import { type Objective, type OptimizeOptions, type OptimizeResult, runOptimize } from './optimize.js';
import { Trial, type TrialBinding } from './trial.js';
import type { CallSettings } from './transport.js';
import type { Direction, FrozenTrial, Json, ParamValue, SearchSpace, StudyInfo, TrialState } from './types.js';

/**
 * What `study.tell` accepts besides plain values: a state, values, constraints and a failure reason.
 *
 * @example
 * ```ts
 * await study.tell(trial, { state: 'FAIL', failReason: 'CUDA out of memory' });
 * ```
 */
export interface TellOptions {
  /** COMPLETE (default when values are given), PRUNED or FAIL. */
  readonly state?: 'COMPLETE' | 'PRUNED' | 'FAIL';
  /** One value per objective; for PRUNED optional (the last reported value is used). */
  readonly values?: number | readonly number[];
  /** Constraint values (<= 0 satisfied). */
  readonly constraints?: readonly number[];
  /** For FAIL: why (kept as the trial's user attribute `fail_reason`). */
  readonly failReason?: string;
}

/**
 * What `study.tell` and `study.tellAndAsk` accept: values (COMPLETE), a state, or {@link TellOptions}.
 *
 * @example
 * ```ts
 * const result: TellResult = [0.9, 120]; // two objectives
 * ```
 */
export type TellResult = number | readonly number[] | 'PRUNED' | 'FAIL' | TellOptions;

/** The wire tell of a result (without the trial), and its constraints. */
function tellRequestOf(result: TellResult): {
  request: Omit<TellRequest, 'trialId' | 'workerId' | 'requestId' | 'constraints'>;
  constraints: readonly number[] | undefined;
} {
  const options: TellOptions =
    typeof result === 'number' || Array.isArray(result)
      ? { values: result as number | readonly number[] }
      : typeof result === 'string'
        ? { state: result }
        : (result as TellOptions);
  const values = options.values === undefined ? [] : typeof options.values === 'number' ? [options.values] : [...options.values];
  const state = options.state ?? (options.values !== undefined ? 'COMPLETE' : undefined);
  if (state === undefined) throw usageError('result', 'give values, or a state of PRUNED or FAIL');
  return {
    request: { state: trialStateToWire(state, 'state') as WireTrialState, values, failReason: options.failReason ?? '' },
    constraints: options.constraints,
  };
}

/**
 * Options of `study.trials`.
 *
 * @example
 * ```ts
 * const done = await study.trials({ states: ['COMPLETE'] });
 * ```
 */
export interface TrialsQuery {
  /** Only trials in these states; all when unset. */
  readonly states?: readonly TrialState[];
  /** Trials fetched per round trip (default 1000). */
  readonly pageSize?: number;
}

/**
 * A handle on one study: ask and tell trials, run `optimize`, and read results. Made by `client.createStudy` or
 * `client.loadStudy`; cheap to hold, safe to share between concurrent optimize calls.
 *
 * @example
 * ```ts
 * const study = await client.loadStudy('resnet-lr');
 * const best = await study.bestTrial();
 * ```
 */
export class Study {
  readonly name: string;
  readonly directions: readonly Direction[];
  /**
   * True when the `createStudy` call that made this handle created the study; false when it loaded an existing one
   * (`loadIfExists`) and for handles from `loadStudy`.
   *
   * @example
   * ```ts
   * const study = await client.createStudy({ name: 'x', direction: 'minimize', loadIfExists: true });
   * if (!study.created) console.log('resuming', study.name);
   * ```
   */
  readonly created: boolean;
  private readonly binding: TrialBinding;
  private readonly stopRequests = new Set<() => void>();
  private lastInfo: StudyInfo;

  /** @internal Made by the client. */
  constructor(binding: TrialBinding, info: StudyInfo, created = false) {
    this.name = info.name;
    this.created = created;
    this.directions = info.directions;
    this.lastInfo = info;
    this.binding = binding;
  }

  /**
   * The study as the server last described it (no round trip); `info()` refreshes it.
   *
   * @example
   * ```ts
   * console.log(study.cachedInfo.seed, study.cachedInfo.maxTrials);
   * ```
   */
  get cachedInfo(): StudyInfo {
    return this.lastInfo;
  }

  /**
   * The study as stored now: definition, state (RUNNING or DONE) and trial counts.
   *
   * @example
   * ```ts
   * const { trialCounts, state } = await study.info();
   * ```
   */
  async info(settings?: CallSettings): Promise<StudyInfo> {
    const response = await this.binding.transport.call('getStudy', { studyName: this.name }, settings);
    this.lastInfo = studyFromWire(response.study!);
    return this.lastInfo;
  }

  /**
   * Starts a trial (ask-and-tell style). Enqueued trials come first; otherwise the declared `searchSpace` is sampled
   * jointly in one round trip, and more parameters can still be suggested on the trial. Throws {@link StudyDone}
   * when the study hands out no more trials. Heartbeats run until the trial is told.
   *
   * @example
   * ```ts
   * const trial = await study.ask({ x: { kind: 'float', low: -10, high: 10 } });
   * await study.tell(trial, (Number(trial.params.x) - 2) ** 2);
   * ```
   */
  async ask(searchSpace?: SearchSpace): Promise<Trial> {
    const response = await this.binding.transport.call('ask', this.askRequest(searchSpace));
    if (response.studyDone || !response.trial) throw new StudyDone(this.name, response.doneReason);
    return new Trial(this.binding, response.trial);
  }

  /**
   * Finishes a trial: with values (COMPLETE), or a state (`'PRUNED'`, `'FAIL'`), or {@link TellOptions}. `trial` is
   * a Trial from `ask`, or a trial number. Returns the trial as stored. A retried tell never tells twice.
   *
   * @example
   * ```ts
   * await study.tell(trial, 0.123);              // one objective
   * await study.tell(trial, [0.9, 120]);         // two objectives
   * await study.tell(trial, 'PRUNED');
   * await study.tell(trial, { state: 'FAIL', failReason: 'diverged' });
   * ```
   */
  async tell(trial: Trial | number, result: TellResult): Promise<FrozenTrial> {
    const { request, constraints } = tellRequestOf(result);
    if (trial instanceof Trial) {
      if (constraints) trial.setConstraints(constraints);
      return trial.finish(request);
    }
    const stored = await this.trial(trial);
    const response = await this.binding.transport.call('tell', {
      ...request,
      trialId: stored.id,
      workerId: stored.workerId,
      requestId: newRequestId(),
      constraints: constraints ? [...constraints] : [],
    });
    return trialFromWire(response.trial!);
  }

  /**
   * Tells a finished trial and asks for the next one in ONE round trip (for a worker in a loop; `tell` then `ask`
   * costs two). The tell is stored first, so the sampler choosing the next trial sees its result. `next` is null
   * when the study hands out no more trials. Each half has its own request id, so a retried call neither tells
   * twice nor starts a second trial. If the tell is refused, nothing is asked and the call throws as `tell` would
   * (the trial stays running and may be told again).
   *
   * @example
   * ```ts
   * const space = { x: { kind: 'float', low: -10, high: 10 } } as const;
   * let trial: Trial | null = await study.ask(space);
   * while (trial) {
   *   const { next } = await study.tellAndAsk(trial, (Number(trial.params.x) - 2) ** 2, space);
   *   trial = next;
   * }
   * ```
   */
  async tellAndAsk(trial: Trial, result: TellResult, searchSpace?: SearchSpace): Promise<{ told: FrozenTrial; next: Trial | null }> {
    const { request, constraints } = tellRequestOf(result);
    if (constraints) trial.setConstraints(constraints);
    const { told, next } = await this.finishAndAsk(trial, request, searchSpace);
    return { told, next };
  }

  /** @internal `tellAndAsk` on a wire tell (what `optimize` builds), with the server's reason when the study is done. */
  async finishAndAsk(
    trial: Trial,
    request: Omit<TellRequest, 'trialId' | 'workerId' | 'requestId' | 'constraints'>,
    searchSpace: SearchSpace | undefined,
  ): Promise<{ told: FrozenTrial; next: Trial | null; doneReason: string }> {
    const ask = this.askRequest(searchSpace);
    const { told, rest } = await trial.finishVia(request, async (tell) => {
      const response = await this.binding.transport.call('tellAndAsk', { tell, ask });
      return { told: response.tell!.trial!, rest: response.ask! };
    });
    if (rest.studyDone || !rest.trial) return { told, next: null, doneReason: rest.doneReason };
    return { told, next: new Trial(this.binding, rest.trial), doneReason: '' };
  }

  /** Ask's request, with its request id made once so that every retry of it returns the same trial. */
  private askRequest(searchSpace: SearchSpace | undefined): AskRequest {
    return {
      studyName: this.name,
      searchSpace: searchSpaceToWire(searchSpace),
      workerId: this.binding.workerId,
      requestId: newRequestId(),
    };
  }

  /**
   * Runs the objective until the budget is spent: `nTrials` for this call, `timeoutMs`, the study's own
   * `maxTrials` (then every worker returns normally), `signal`, or `study.stop()`. See {@link OptimizeOptions}.
   *
   * @example
   * ```ts
   * const result = await study.optimize(async (trial) => {
   *   const x = await trial.suggestFloat('x', -10, 10);
   *   return (x - 2) ** 2;
   * }, { nTrials: 50, concurrency: 4 });
   * console.log(result.stoppedBy, result.complete);
   * ```
   */
  optimize(objective: Objective, options: OptimizeOptions = {}): Promise<OptimizeResult> {
    return runOptimize(this, objective, options, (stop) => {
      this.stopRequests.add(stop);
      return () => this.stopRequests.delete(stop);
    });
  }

  /**
   * Asks every `optimize` running on this handle to start no new trial; running ones finish normally.
   * Typically called from a callback.
   *
   * @example
   * ```ts
   * await study.optimize(objective, { callbacks: [(s, t) => { if ((t.value ?? Infinity) < 0.01) s.stop(); }] });
   * ```
   */
  stop(): void {
    for (const stop of this.stopRequests) stop();
  }

  /**
   * Enqueues a trial with fixed parameters; the next ask hands it out before sampling anything. Parameters the
   * objective suggests but that are not given here are sampled as usual.
   *
   * @example
   * ```ts
   * await study.enqueueTrial({ lr: 1e-3, layers: 4, optimizer: 'adam' });
   * ```
   */
  async enqueueTrial(
    params: Readonly<Record<string, ParamValue>>,
    options: { userAttrs?: Readonly<Record<string, Json>>; skipIfExists?: boolean } = {},
  ): Promise<FrozenTrial> {
    const response = await this.binding.transport.call('enqueueTrial', {
      studyName: this.name,
      params: Object.entries(params).map(([name, value]) => ({ name, value: paramValueToWire(value, `params.${name}`) })),
      userAttrs: attrsToWire(options.userAttrs),
      skipIfExists: options.skipIfExists ?? false,
      requestId: newRequestId(),
    });
    return trialFromWire(response.trial!);
  }

  /**
   * The best complete trial of a single-objective study, or null when none is complete.
   *
   * @example
   * ```ts
   * const best = await study.bestTrial();
   * console.log(best?.value, best?.params);
   * ```
   */
  async bestTrial(): Promise<FrozenTrial | null> {
    if (this.directions.length > 1)
      throw new InvalidArgument(
        'INVALID_ARGUMENT',
        `study ${this.name} has ${this.directions.length} objectives; use bestTrials() for its Pareto front`,
      );
    return (await this.bestTrials())[0] ?? null;
  }

  /**
   * The Pareto front among complete trials (for one objective: the best trial), in number order.
   *
   * @example
   * ```ts
   * for (const t of await study.bestTrials()) console.log(t.number, t.values);
   * ```
   */
  async bestTrials(): Promise<FrozenTrial[]> {
    const response = await this.binding.transport.call('getBestTrials', { studyName: this.name });
    return response.trials.map(trialFromWire);
  }

  /**
   * Every trial in number order (optionally only some states), fetched a page at a time.
   *
   * @example
   * ```ts
   * const all = await study.trials();
   * const pruned = await study.trials({ states: ['PRUNED'] });
   * ```
   */
  async trials(query: TrialsQuery = {}): Promise<FrozenTrial[]> {
    const out: FrozenTrial[] = [];
    for await (const t of this.iterateTrials(query)) out.push(t);
    return out;
  }

  /**
   * Trials in number order as they are paged in, for studies too large to hold at once.
   *
   * @example
   * ```ts
   * for await (const t of study.iterateTrials({ states: ['COMPLETE'] })) console.log(t.number, t.value);
   * ```
   */
  async *iterateTrials(query: TrialsQuery = {}): AsyncGenerator<FrozenTrial> {
    const states = (query.states ?? []).map((s, i) => trialStateToWire(s, `states[${i}]`));
    let pageToken = '';
    do {
      const response = await this.binding.transport.call('listTrials', {
        studyName: this.name,
        states,
        pageSize: query.pageSize ?? 1000,
        pageToken,
      });
      for (const t of response.trials) yield trialFromWire(t);
      pageToken = response.nextPageToken;
    } while (pageToken);
  }

  /**
   * One trial by number.
   *
   * @example
   * ```ts
   * const first = await study.trial(0);
   * ```
   */
  async trial(number: number): Promise<FrozenTrial> {
    const response = await this.binding.transport.call('getTrial', { trialId: 0, studyName: this.name, number });
    return trialFromWire(response.trial!);
  }

  /**
   * Sets (or replaces) a user attribute of the study.
   *
   * @example
   * ```ts
   * await study.setUserAttr('dataset', 'cifar10');
   * ```
   */
  async setUserAttr(key: string, value: Json): Promise<void> {
    await this.binding.transport.call('setStudyUserAttr', { studyName: this.name, key, value });
  }
}
