import { HpoClientError, type StatusCode } from './errors.js';

/**
 * How failed calls are retried. Only statuses in `retryOn` are retried; every mutating call carries a request id
 * generated once per logical call, so a retry after a lost reply returns the first answer instead of acting twice.
 *
 * @example
 * ```ts
 * const client = await connect('localhost:50051', { retry: { maxAttempts: 20, maxDelayMs: 10_000 } });
 * ```
 */
export interface RetryOptions {
  /** Attempts in all, the first included (default 12; 1 disables retries). */
  readonly maxAttempts?: number;
  /** Upper bound of the first backoff (default 100 ms). */
  readonly initialDelayMs?: number;
  /** Cap on any one backoff (default 5 000 ms). */
  readonly maxDelayMs?: number;
  /** Growth of the bound per attempt (default 2). */
  readonly multiplier?: number;
  /** Statuses worth retrying (default UNAVAILABLE and DEADLINE_EXCEEDED). */
  readonly retryOn?: readonly StatusCode[];
}

/**
 * A retry policy with every option filled in.
 *
 * @example
 * ```ts
 * const policy = resolveRetryOptions({ maxAttempts: 3 }); // policy.retryOn: ['UNAVAILABLE', 'DEADLINE_EXCEEDED']
 * ```
 */
export type RetryPolicy = Required<RetryOptions>;

/**
 * The defaults: about half a minute of retrying in the worst case, enough to ride out a server restart.
 *
 * @example
 * ```ts
 * console.log(DEFAULT_RETRY_POLICY.maxAttempts); // 12
 * ```
 */
export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({
  maxAttempts: 12,
  initialDelayMs: 100,
  maxDelayMs: 5_000,
  multiplier: 2,
  retryOn: Object.freeze(['UNAVAILABLE', 'DEADLINE_EXCEEDED'] as StatusCode[]),
});

/**
 * Fills unset options with {@link DEFAULT_RETRY_POLICY}; `false` disables retrying.
 *
 * @example
 * ```ts
 * resolveRetryOptions(false).maxAttempts; // 1
 * ```
 */
export function resolveRetryOptions(options: RetryOptions | false | undefined): RetryPolicy {
  if (options === false) return { ...DEFAULT_RETRY_POLICY, maxAttempts: 1 };
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...stripUndefined(options ?? {}) };
  if (!Number.isInteger(policy.maxAttempts) || policy.maxAttempts < 1)
    throw new RangeError(`retry.maxAttempts must be an integer >= 1, got ${policy.maxAttempts}`);
  if (!(policy.initialDelayMs >= 0) || !(policy.maxDelayMs >= 0) || !(policy.multiplier >= 1))
    throw new RangeError('retry delays must be >= 0 and retry.multiplier >= 1');
  return policy;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * The pause before retry number `retry` (1 for the first retry): a uniform draw in [0, bound], where the bound
 * grows by `multiplier` from `initialDelayMs` up to `maxDelayMs`.
 *
 * NOTE: "full jitter" from Marc Brooker, "Exponential Backoff And Jitter" (AWS Architecture Blog, 2015): of the
 * schemes compared there it spreads simultaneous retriers best, which matters when every worker of a study loses
 * the same server at the same moment.
 *
 * @example
 * ```ts
 * backoffDelayMs(DEFAULT_RETRY_POLICY, 3, Math.random); // somewhere in [0, 400]
 * ```
 */
export function backoffDelayMs(policy: RetryPolicy, retry: number, random: () => number): number {
  const bound = Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.multiplier ** Math.max(0, retry - 1));
  return random() * bound;
}

/**
 * Whether an error is worth another attempt under `policy`.
 *
 * @example
 * ```ts
 * isRetryable(DEFAULT_RETRY_POLICY, new Unavailable('UNAVAILABLE', 'down')); // true
 * ```
 */
export function isRetryable(policy: RetryPolicy, error: unknown): boolean {
  return error instanceof HpoClientError && policy.retryOn.includes(error.code);
}

/**
 * What {@link withRetry} needs from the outside world; tests pass their own.
 *
 * @example
 * ```ts
 * const pauses: number[] = [];
 * const env: RetryEnvironment = { random: () => 1, sleep: async (ms) => void pauses.push(ms) };
 * await withRetry(DEFAULT_RETRY_POLICY, call, env);
 * ```
 */
export interface RetryEnvironment {
  readonly random: () => number;
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Called before each pause, e.g. to log. */
  readonly onRetry?: (info: { attempt: number; delayMs: number; error: HpoClientError }) => void;
}

/**
 * Runs `attempt` until it succeeds, fails with a non-retryable error, or `policy.maxAttempts` is spent (then the
 * last error is thrown). `attempt` receives the attempt number (1, 2, …); it must reuse one request id for all
 * attempts so that the server can recognise a retry.
 *
 * @example
 * ```ts
 * const requestId = newRequestId();
 * const res = await withRetry(DEFAULT_RETRY_POLICY, () => rpc.tell({ ...req, requestId }));
 * ```
 */
export async function withRetry<T>(
  policy: RetryPolicy,
  attempt: (attemptNumber: number) => Promise<T>,
  environment: RetryEnvironment = defaultRetryEnvironment,
  signal?: AbortSignal,
): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (error) {
      if (n >= policy.maxAttempts || !isRetryable(policy, error) || signal?.aborted) throw error;
      const delayMs = backoffDelayMs(policy, n, environment.random);
      environment.onRetry?.({ attempt: n, delayMs, error: error as HpoClientError });
      await environment.sleep(delayMs, signal);
    }
  }
}

/**
 * Real randomness and real timers.
 *
 * @example
 * ```ts
 * await withRetry(policy, call, defaultRetryEnvironment);
 * ```
 */
export const defaultRetryEnvironment: RetryEnvironment = {
  random: Math.random,
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      }
      signal?.addEventListener('abort', done, { once: true });
    }),
};
