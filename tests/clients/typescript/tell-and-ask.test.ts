import { type Interceptor, InterceptingCall, type Metadata, type StatusObject, status } from '@grpc/grpc-js';
import { expect, it } from 'vitest';
import { connect, InvalidArgument, type SearchSpace } from '@hpo/client';
import { describeStores } from '../../support/test-database.js';
import { useServedSdk } from './served-store.js';

const SPACE: SearchSpace = { x: { kind: 'float', low: 0, high: 1 } };

/** A client interceptor that counts the calls of each method that reach the server (heartbeats aside). */
function countCalls(counts: Map<string, number>): Interceptor {
  return (options, nextCall) => {
    const method = options.method_definition.path.split('/').pop()!;
    if (method !== 'Heartbeat') counts.set(method, (counts.get(method) ?? 0) + 1);
    return new InterceptingCall(nextCall(options));
  };
}

/** Lets the server do the work but loses the reply of the first `count` calls of `method` (the client sees UNAVAILABLE). */
function loseReplies(method: string, count: number, lost: string[]): Interceptor {
  let left = count;
  return (options, nextCall) => {
    const called = options.method_definition.path.split('/').pop()!;
    if (called !== method || left === 0) return new InterceptingCall(nextCall(options));
    left--;
    return new InterceptingCall(nextCall(options), {
      start(metadata, listener, next) {
        next(metadata, {
          onReceiveMetadata: (md: Metadata) => listener.onReceiveMetadata(md),
          onReceiveMessage: (_message: unknown) => void lost.push(called),
          onReceiveStatus: (s: StatusObject) => listener.onReceiveStatus({ ...s, code: status.UNAVAILABLE, details: `reply of ${called} lost (test)` }),
        } as never);
      },
    });
  };
}

describeStores('SDK tellAndAsk against a real server', (stores) => {
  const sdk = useServedSdk(stores);


  it('optimize without callbacks makes one call per trial: each lane asks once, then tells and asks together', async () => {
    const counts = new Map<string, number>();
    const counted = await connect(sdk.server.address, { channelOptions: { interceptors: [countCalls(counts)] } as never });
    try {
      const study = await counted.createStudy({ name: 'one-call-per-trial', direction: 'minimize', sampler: { random: {} } });
      counts.clear();
      const result = await study.optimize((trial) => Number(trial.params.x), { nTrials: 12, concurrency: 3, searchSpace: SPACE });
      expect(result).toMatchObject({ started: 12, complete: 12, stoppedBy: 'nTrials' });
      // 12 trials, 3 lanes: 3 first asks, 9 tell-and-asks, and the last tell of each lane alone.
      expect(Object.fromEntries(counts)).toEqual({ Ask: 3, TellAndAsk: 9, Tell: 3 });
      const trials = await study.trials();
      expect(trials.map((t) => t.state)).toEqual(Array(12).fill('COMPLETE'));
    } finally {
      await counted.close();
    }
  });

  it('optimize with callbacks asks after them (two calls per trial), so stop() from a callback starts no new trial', async () => {
    const counts = new Map<string, number>();
    const counted = await connect(sdk.server.address, { channelOptions: { interceptors: [countCalls(counts)] } as never });
    try {
      const study = await counted.createStudy({ name: 'callbacks-then-ask', direction: 'minimize', sampler: { random: {} } });
      counts.clear();
      const result = await study.optimize((trial) => Number(trial.params.x), {
        nTrials: 10,
        searchSpace: SPACE,
        callbacks: [(s, t) => (t.number >= 2 ? s.stop() : undefined)],
      });
      expect(result).toMatchObject({ started: 3, stoppedBy: 'stopped' });
      expect(Object.fromEntries(counts)).toEqual({ Ask: 3, Tell: 3 });
    } finally {
      await counted.close();
    }
  });

  it('stores the told trial and starts the next one RUNNING, sampled from the search space', async () => {
    const study = await sdk.client.createStudy({ name: 'told-and-next', direction: 'minimize', sampler: { random: {} } });
    const first = await study.ask(SPACE);
    const { told, next } = await study.tellAndAsk(first, 0.25, SPACE);
    expect(told).toMatchObject({ number: 0, state: 'COMPLETE', value: 0.25 });
    expect(next).not.toBeNull();
    expect(next!.number).toBe(1);
    expect(next!.params.x).toBeGreaterThanOrEqual(0);
    expect(next!.params.x).toBeLessThanOrEqual(1);
    expect((await study.trial(0)).state).toBe('COMPLETE');
    expect((await study.trial(1)).state).toBe('RUNNING');
    await study.tell(next!, 0.5);
  });

  it('a TellAndAsk whose reply was lost is retried with the same request ids: the same next trial, no other created', async () => {
    const lost: string[] = [];
    const lossy = await connect(sdk.server.address, {
      channelOptions: { interceptors: [loseReplies('TellAndAsk', 2, lost)] } as never,
      retry: { initialDelayMs: 1, maxDelayMs: 5 },
    });
    try {
      const study = await lossy.createStudy({ name: 'lost-tell-and-ask', direction: 'minimize', sampler: { random: {} } });
      const first = await study.ask(SPACE);
      const { told, next } = await study.tellAndAsk(first, 0.75, SPACE);
      expect(lost).toEqual(['TellAndAsk', 'TellAndAsk']);
      expect(told).toMatchObject({ number: 0, state: 'COMPLETE', value: 0.75 });
      expect(next!.number).toBe(1);
      const trials = await study.trials();
      expect(trials.map((t) => [t.number, t.state])).toEqual([
        [0, 'COMPLETE'],
        [1, 'RUNNING'],
      ]);
      expect(trials[1].params.x).toBe(next!.params.x);
    } finally {
      await lossy.close();
    }
  });

  it('a refused tell fails the call with INVALID_ARGUMENT naming tell.values, and asks for nothing', async () => {
    const study = await sdk.client.createStudy({ name: 'refused-tell', direction: 'minimize', sampler: { random: {} } });
    const first = await study.ask(SPACE);
    const error = await study.tellAndAsk(first, [1, 2], SPACE).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidArgument);
    expect((error as InvalidArgument).field).toBe('tell.values');
    expect((error as InvalidArgument).message).toMatch(/exactly 1 value/);
    expect((await study.trials()).map((t) => [t.number, t.state])).toEqual([[0, 'RUNNING']]);
    // Nothing was stored: the trial is still running and can be told correctly.
    const { told, next } = await study.tellAndAsk(first, 3, SPACE);
    expect(told).toMatchObject({ number: 0, state: 'COMPLETE', value: 3 });
    expect(next!.number).toBe(1);
    await study.tell(next!, 'FAIL');
  });

  it('an ask half the wire already shows invalid is refused, named under ask., before anything is told', async () => {
    const study = await sdk.client.createStudy({ name: 'refused-ask', direction: 'minimize', sampler: { random: {} } });
    const first = await study.ask(SPACE);
    const error = await study.tellAndAsk(first, 1, { x: { kind: 'float', low: 2, high: 1 } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidArgument);
    expect((error as InvalidArgument).field).toMatch(/^ask\.search_space\[0\]/);
    expect((await study.trials()).map((t) => [t.number, t.state])).toEqual([[0, 'RUNNING']]);
  });

  it('returns next null when the study is done, and optimize ends with studyDone and the exact budget', async () => {
    const study = await sdk.client.createStudy({ name: 'done-after-tell', direction: 'minimize', maxTrials: 1, sampler: { random: {} } });
    const first = await study.ask(SPACE);
    const { told, next } = await study.tellAndAsk(first, 0.1, SPACE);
    expect(told.state).toBe('COMPLETE');
    expect(next).toBeNull();
    expect(await study.trials()).toHaveLength(1);

    const budget = await sdk.client.createStudy({ name: 'done-in-optimize', direction: 'minimize', maxTrials: 7, sampler: { random: {} } });
    const result = await budget.optimize((trial) => Number(trial.params.x), { concurrency: 3, searchSpace: SPACE });
    expect(result).toMatchObject({ stoppedBy: 'studyDone', started: 7, complete: 7 });
    const trials = await budget.trials();
    expect(trials.map((t) => t.state)).toEqual(Array(7).fill('COMPLETE'));
  });
});
