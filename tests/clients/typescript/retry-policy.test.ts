import { describe, expect, it } from 'vitest';
import {
  backoffDelayMs,
  DEFAULT_RETRY_POLICY,
  FailedPrecondition,
  InvalidArgument,
  resolveRetryOptions,
  Unavailable,
  DeadlineExceeded,
  Aborted,
  withRetry,
  type RetryEnvironment,
} from '@hpo/client';

/** A retry environment that records pauses instead of sleeping, with a fixed "random" draw. */
function recordingEnvironment(draw = 1): RetryEnvironment & { pauses: number[] } {
  const pauses: number[] = [];
  return { pauses, random: () => draw, sleep: async (ms) => void pauses.push(ms) };
}

/** An attempt function failing with the given errors in turn, then returning 'ok'. */
function failingWith(...errors: Error[]) {
  const calls: number[] = [];
  const attempt = async (n: number) => {
    calls.push(n);
    const error = errors[n - 1];
    if (error) throw error;
    return 'ok';
  };
  return { attempt, calls };
}

const unavailable = () => new Unavailable('UNAVAILABLE', 'connection refused');

describe('backoffDelayMs', () => {
  it('doubles the bound from initialDelayMs and caps it at maxDelayMs', () => {
    const policy = resolveRetryOptions({ initialDelayMs: 100, maxDelayMs: 1_000, multiplier: 2 });
    const bounds = [1, 2, 3, 4, 5, 6].map((retry) => backoffDelayMs(policy, retry, () => 1));
    expect(bounds).toEqual([100, 200, 400, 800, 1_000, 1_000]);
  });

  it('draws uniformly below the bound (full jitter)', () => {
    const policy = resolveRetryOptions({ initialDelayMs: 100 });
    expect(backoffDelayMs(policy, 3, () => 0)).toBe(0);
    expect(backoffDelayMs(policy, 3, () => 0.25)).toBe(100);
  });
});

describe('withRetry', () => {
  it('retries UNAVAILABLE and DEADLINE_EXCEEDED until the call succeeds', async () => {
    const env = recordingEnvironment();
    const { attempt, calls } = failingWith(unavailable(), new DeadlineExceeded('DEADLINE_EXCEEDED', 'slow'));
    await expect(withRetry(DEFAULT_RETRY_POLICY, attempt, env)).resolves.toBe('ok');
    expect(calls).toEqual([1, 2, 3]);
    expect(env.pauses).toEqual([100, 200]);
  });

  it.each([
    ['INVALID_ARGUMENT', new InvalidArgument('INVALID_ARGUMENT', 'values[0]: must be finite')],
    ['FAILED_PRECONDITION', new FailedPrecondition('FAILED_PRECONDITION', 'trial 3 is already finished')],
    ['ABORTED (not in the default list)', new Aborted('ABORTED', 'conflict')],
    ['a plain Error', new Error('bug in the caller')],
  ])('does not retry %s', async (_name, error) => {
    const env = recordingEnvironment();
    const { attempt, calls } = failingWith(error);
    await expect(withRetry(DEFAULT_RETRY_POLICY, attempt, env)).rejects.toBe(error);
    expect(calls).toEqual([1]);
    expect(env.pauses).toEqual([]);
  });

  it('throws the last error once maxAttempts are spent', async () => {
    const env = recordingEnvironment();
    const errors = [unavailable(), unavailable(), unavailable()];
    const { attempt, calls } = failingWith(...errors);
    await expect(withRetry(resolveRetryOptions({ maxAttempts: 3 }), attempt, env)).rejects.toBe(errors[2]);
    expect(calls).toEqual([1, 2, 3]);
  });

  it('retries other statuses when they are listed in retryOn', async () => {
    const { attempt, calls } = failingWith(new Aborted('ABORTED', 'serialization failure'));
    const policy = resolveRetryOptions({ retryOn: ['ABORTED'] });
    await expect(withRetry(policy, attempt, recordingEnvironment())).resolves.toBe('ok');
    expect(calls).toEqual([1, 2]);
  });

  it('stops retrying once the signal is aborted', async () => {
    const controller = new AbortController();
    const env: RetryEnvironment = {
      random: () => 1,
      sleep: async () => controller.abort(),
    };
    const { attempt, calls } = failingWith(unavailable(), unavailable(), unavailable());
    await expect(withRetry(DEFAULT_RETRY_POLICY, attempt, env, controller.signal)).rejects.toBeInstanceOf(Unavailable);
    expect(calls).toEqual([1, 2]);
  });

  it('is disabled by retry: false', async () => {
    const { attempt, calls } = failingWith(unavailable());
    await expect(withRetry(resolveRetryOptions(false), attempt, recordingEnvironment())).rejects.toBeInstanceOf(Unavailable);
    expect(calls).toEqual([1]);
  });
});

describe('resolveRetryOptions', () => {
  it('rejects a maxAttempts below 1', () => {
    expect(() => resolveRetryOptions({ maxAttempts: 0 })).toThrow(/maxAttempts/);
  });

  it('keeps defaults for options given as undefined', () => {
    expect(resolveRetryOptions({ maxAttempts: undefined }).maxAttempts).toBe(DEFAULT_RETRY_POLICY.maxAttempts);
  });
});
