import {
  attrsFromWire,
  distributionToWire,
  paramsFromWire,
  sameDistribution,
  trialFromWire,
  usageError,
} from './conversions.js';
import { FailedPrecondition, NotFound } from './errors.js';
import type { Trial as WireTrial } from './generated/hpo/v1/trial.js';
import type { TellRequest } from './generated/hpo/v1/hpo_service.js';
import { HeartbeatLoop } from './heartbeat.js';
import { newRequestId } from './identity.js';
import type { Transport } from './transport.js';
import type { Distribution, FrozenTrial, Json, ParamValue, SearchSpace } from './types.js';

/**
 * Options of `trial.suggestFloat` and `trial.suggestInt`.
 *
 * @example
 * ```ts
 * await trial.suggestFloat('dropout', 0, 0.5, { step: 0.1 });
 * await trial.suggestInt('units', 16, 1024, { log: true });
 * ```
 */
export interface NumberSuggestOptions {
  /** Sample on a log scale (requires low > 0 for floats, low >= 1 for ints). */
  readonly log?: boolean;
  /** Values are low + k * step. */
  readonly step?: number;
}

/** @internal What a Trial needs from its study; kept small so tests can see what a trial does on the wire. */
export interface TrialBinding {
  readonly transport: Transport;
  readonly workerId: string;
  readonly heartbeatIntervalMs: number;
}

/**
 * A running trial: what an objective receives. Parameters come from `suggest*` (define-by-run) or were sampled by
 * `study.ask(space)`; `report` records a learning curve and says whether to stop. Heartbeats are sent for it
 * automatically until it is told.
 *
 * @example
 * ```ts
 * await study.optimize(async (trial) => {
 *   const x = await trial.suggestFloat('x', -10, 10);
 *   return (x - 2) ** 2;
 * }, { nTrials: 20 });
 * ```
 */
export class Trial {
  /** Globally unique id (what the wire calls trial_id). */
  readonly id: number;
  /** Dense per-study number: 0, 1, 2, … */
  readonly number: number;
  readonly studyName: string;
  /**
   * Aborted when `optimize`'s signal fires (with its reason) or once the trial is told: long objectives may pass it
   * on (e.g. to fetch) or check it between epochs to stop early.
   */
  get signal(): AbortSignal {
    // Made on first use: most objectives never look, and a controller, its signal and an abort per trial are
    // measurable work for a worker running thousands of short trials.
    if (this.controller === undefined) {
      this.controller = new AbortController();
      if (this.abortReason !== undefined) this.controller.abort(this.abortReason());
    }
    return this.controller.signal;
  }

  private readonly paramValues: Record<string, ParamValue>;
  private readonly paramDistributions: Record<string, Distribution>;
  private readonly attrs: Record<string, Json>;
  private heartbeat: HeartbeatLoop;
  private controller: AbortController | undefined;
  /** Why the signal is (or will be, once made) aborted; the first reason holds, as with AbortController. */
  private abortReason: (() => unknown) | undefined;
  private lastPruneAnswer = false;
  private constraintValues: number[] | undefined;
  private told: Promise<FrozenTrial> | undefined;

  /** @internal Trials are made by `study.ask` and `study.optimize`. */
  constructor(
    private readonly binding: TrialBinding,
    wire: WireTrial,
  ) {
    this.id = wire.trialId;
    this.number = wire.number;
    this.studyName = wire.studyName;
    const { params, distributions } = paramsFromWire(wire.params);
    this.paramValues = params;
    this.paramDistributions = distributions;
    this.attrs = attrsFromWire(wire.userAttrs);
    this.heartbeat = this.startHeartbeat();
  }

  private startHeartbeat(): HeartbeatLoop {
    return new HeartbeatLoop(
      () => this.binding.transport.call('heartbeat', { trialId: this.id, workerId: this.binding.workerId }),
      this.binding.heartbeatIntervalMs,
    );
  }

  /**
   * The parameters so far, by name.
   *
   * @example
   * ```ts
   * const trial = await study.ask({ x: { kind: 'float', low: 0, high: 1 } });
   * console.log(trial.params.x);
   * ```
   */
  get params(): Readonly<Record<string, ParamValue>> {
    return { ...this.paramValues };
  }

  /**
   * The distribution of each parameter so far.
   *
   * @example
   * ```ts
   * console.log(trial.distributions.lr); // { kind: 'float', low: 1e-5, high: 0.1, log: true }
   * ```
   */
  get distributions(): Readonly<Record<string, Distribution>> {
    return { ...this.paramDistributions };
  }

  /**
   * User attributes set on this trial (by enqueue or `setUserAttr`).
   *
   * @example
   * ```ts
   * console.log(trial.userAttrs.source); // 'enqueued by hand'
   * ```
   */
  get userAttrs(): Readonly<Record<string, Json>> {
    return { ...this.attrs };
  }

  /**
   * Whether the trial has been told (by `study.tell`, or by `optimize`).
   *
   * @example
   * ```ts
   * if (!trial.isFinished) await study.tell(trial, 'FAIL');
   * ```
   */
  get isFinished(): boolean {
    return this.told !== undefined;
  }

  /**
   * A real parameter in [low, high]. Asking again for a known name returns its value without a round trip.
   *
   * @example
   * ```ts
   * const lr = await trial.suggestFloat('lr', 1e-5, 1e-1, { log: true });
   * ```
   */
  async suggestFloat(name: string, low: number, high: number, options: NumberSuggestOptions = {}): Promise<number> {
    const d: Distribution = { kind: 'float', low, high, log: options.log ?? false, ...(options.step !== undefined ? { step: options.step } : {}) };
    return (await this.suggestOne(name, d)) as number;
  }

  /**
   * An integer parameter in [low, high] (step 1 unless given).
   *
   * @example
   * ```ts
   * const layers = await trial.suggestInt('layers', 1, 8);
   * ```
   */
  async suggestInt(name: string, low: number, high: number, options: NumberSuggestOptions = {}): Promise<number> {
    const d: Distribution = { kind: 'int', low, high, log: options.log ?? false, step: options.step ?? 1 };
    return (await this.suggestOne(name, d)) as number;
  }

  /**
   * One of `choices` (numbers, strings, booleans or null).
   *
   * @example
   * ```ts
   * const optimizer = await trial.suggestCategorical('optimizer', ['adam', 'sgd'] as const);
   * ```
   */
  async suggestCategorical<const T extends ParamValue>(name: string, choices: readonly T[]): Promise<T> {
    return (await this.suggestOne(name, { kind: 'categorical', choices })) as T;
  }

  /**
   * Several parameters in one round trip; known ones are answered locally.
   *
   * @example
   * ```ts
   * const { lr, layers } = await trial.suggest({
   *   lr: { kind: 'float', low: 1e-5, high: 1e-1, log: true },
   *   layers: { kind: 'int', low: 1, high: 8 },
   * });
   * ```
   */
  async suggest(space: SearchSpace): Promise<Record<string, ParamValue>> {
    this.assertRunning('suggest');
    const missing = Object.entries(space).filter(([name, d]) => !this.known(name, d));
    if (missing.length > 0) {
      const response = await this.binding.transport.call('suggest', {
        trialId: this.id,
        workerId: this.binding.workerId,
        params: missing.map(([name, d]) => ({ name, distribution: distributionToWire(d, `params.${name}`) })),
      });
      const { params, distributions } = paramsFromWire(response.params);
      Object.assign(this.paramValues, params);
      Object.assign(this.paramDistributions, distributions);
    }
    return Object.fromEntries(Object.keys(space).map((name) => [name, this.paramValues[name]]));
  }

  /**
   * Records `value` at `step` (e.g. the validation loss after an epoch) and answers whether the pruner wants the
   * trial stopped; then throw {@link TrialPruned}. A retried report never records twice.
   *
   * @example
   * ```ts
   * if (await trial.report(loss, epoch)) throw new TrialPruned();
   * ```
   */
  async report(value: number, step: number): Promise<boolean> {
    this.assertRunning('report');
    if (typeof value !== 'number') throw usageError('value', `must be a number, got ${typeof value}`);
    if (!Number.isInteger(step) || step < 0) throw usageError('step', `must be an integer >= 0, got ${step}`);
    const response = await this.binding.transport.call('report', {
      trialId: this.id,
      step,
      value,
      workerId: this.binding.workerId,
      requestId: newRequestId(),
    });
    this.lastPruneAnswer = response.shouldPrune;
    return response.shouldPrune;
  }

  /**
   * The pruner's answer to the latest `report` (false before any report). No round trip: `report` already asked.
   *
   * @example
   * ```ts
   * await trial.report(loss, epoch);
   * if (trial.shouldPrune()) throw new TrialPruned();
   * ```
   */
  shouldPrune(): boolean {
    return this.lastPruneAnswer;
  }

  /**
   * Sets (or replaces) a user attribute: any JSON value.
   *
   * @example
   * ```ts
   * await trial.setUserAttr('gpu', process.env.CUDA_VISIBLE_DEVICES ?? 'none');
   * ```
   */
  async setUserAttr(key: string, value: Json): Promise<void> {
    await this.binding.transport.call('setTrialUserAttr', { trialId: this.id, key, value });
    this.attrs[key] = value;
  }

  /**
   * Constraint values sent with the final tell (<= 0 means satisfied), for constrained samplers.
   *
   * @example
   * ```ts
   * trial.setConstraints([memoryGb - 16]);
   * ```
   */
  setConstraints(values: readonly number[]): void {
    this.constraintValues = [...values];
  }

  /** @internal The one tell of this trial; `study.tell` and `optimize` go through here. */
  finish(request: Omit<TellRequest, 'trialId' | 'workerId' | 'requestId' | 'constraints'>): Promise<FrozenTrial> {
    return this.finishVia(request, async (tell) => ({ told: (await this.binding.transport.call('tell', tell)).trial!, rest: undefined })).then(
      (r) => r.told,
    );
  }

  /**
   * @internal The tell of this trial sent by `send`: Tell, or TellAndAsk carrying the next ask, which also answers
   * `rest`. Heartbeats stop while the call is in flight; a call that stored nothing leaves the trial running.
   */
  finishVia<T>(
    request: Omit<TellRequest, 'trialId' | 'workerId' | 'requestId' | 'constraints'>,
    send: (tell: TellRequest) => Promise<{ told: WireTrial; rest: T }>,
  ): Promise<{ told: FrozenTrial; rest: T }> {
    if (this.told)
      return Promise.reject(
        new FailedPrecondition('FAILED_PRECONDITION', `trial ${this.number} of study ${this.studyName} was already told`),
      );
    this.heartbeat.stop();
    const call = send({
      ...request,
      trialId: this.id,
      workerId: this.binding.workerId,
      requestId: newRequestId(),
      constraints: this.constraintValues ?? [],
    });
    const result = call.then(
      (r) => {
        this.abortSignal(() => new Error(`trial ${this.number} finished`));
        return { told: trialFromWire(r.told), rest: r.rest };
      },
      (error: unknown) => {
        // Nothing was stored (the server refused, or was never reached): the trial is still running and may be
        // told again, e.g. with a corrected value, unless the server says it is finished or gone. (A TellAndAsk
        // whose ask failed after its tell was stored lands here too: telling the same outcome again is a retry.)
        if (!(error instanceof FailedPrecondition || error instanceof NotFound)) {
          this.told = undefined;
          this.heartbeat = this.startHeartbeat();
        }
        throw error;
      },
    );
    const told = result.then((r) => r.told);
    // Only a marker of "told"; the caller awaits `result` and sees its rejection.
    told.catch(() => {});
    this.told = told;
    return result;
  }

  /** @internal Fires `signal` now (optimize was aborted), so an objective that listens can stop before the tell lands. */
  interrupt(reason: unknown): void {
    this.abortSignal(() => reason);
  }

  private abortSignal(reason: () => unknown): void {
    if (this.abortReason !== undefined) return;
    this.abortReason = reason;
    this.controller?.abort(reason());
  }

  /** @internal Stops heartbeats without telling (the process is giving the trial up). */
  abandon(): void {
    this.heartbeat.stop();
  }

  /** @internal Why heartbeats stopped, when the server refused one (the trial was reaped or finished elsewhere). */
  get lostWith(): Error | undefined {
    return this.heartbeat.lostWith;
  }

  private known(name: string, d: Distribution): boolean {
    const existing = this.paramDistributions[name];
    return existing !== undefined && sameDistribution(existing, d);
  }

  private async suggestOne(name: string, d: Distribution): Promise<ParamValue> {
    if (this.known(name, d)) return this.paramValues[name];
    return (await this.suggest({ [name]: d }))[name];
  }

  private assertRunning(what: string): void {
    if (this.told)
      throw new FailedPrecondition('FAILED_PRECONDITION', `${what}: trial ${this.number} of study ${this.studyName} is already finished`);
  }
}
