import { status as Status } from '@grpc/grpc-js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { FrozenTrial } from '../../src/core/trial.js';
import { TrialState } from '../../src/generated/hpo/v1/trial.js';
import { createPruner } from '../../pruners/create-pruner.js';
import type { PrunerSpec } from '../../pruners/pruner-spec.js';
import { createRequest, floatDist, serveStore, spec, type ServedStore } from '../server/e2e-support.js';
import { rejectionOf } from '../support/grpc-client.js';
import { makeStudy, makeTrial } from '../support/make-trial.js';
import { describeStores, type TestStore } from '../support/test-database.js';

const ASHA: PrunerSpec = { kind: 'successiveHalving', options: { minResource: 1, reductionFactor: 3 } };
const WIRE_ASHA = { kind: { $case: 'successiveHalving' as const, value: { minResource: 1, reductionFactor: 3 } } };
const MAX_STEPS = 27;

/** A learning curve per trial number: different speeds, so curves cross and rungs have real decisions to make. */
const curve = (number: number, step: number): number => {
  const final = ((number * 7919) % 97) / 97;
  const tau = 1 + ((number * 31) % 13);
  return final + 2 * Math.exp(-step / tau);
};

type Event =
  | { readonly kind: 'report'; readonly number: number; readonly step: number; readonly value: number; readonly prune: boolean }
  | { readonly kind: 'tell'; readonly number: number; readonly state: 'COMPLETE' | 'PRUNED'; readonly value: number };

describeStores('ASHA through the server', (stores) => {
  let store: TestStore;
  let served: ServedStore;

  beforeAll(async () => {
    store = await stores.open();
    served = await serveStore(store);
  });

  afterAll(async () => {
    await served?.close();
    await store?.close();
  });

  it('gives 8 concurrent workers the decisions the pruner alone gives on the same history', async () => {
    const { hpo } = served;
    const studyName = 'asha-8-workers';
    await hpo.createStudy(createRequest(studyName, { pruner: WIRE_ASHA, seed: 3 }));
    // Asks overlap freely; reports and tells go through one queue, so the test knows the order in which the
    // server saw them (which worker gets there first is still up to the 8 workers' interleaving).
    let queue: Promise<unknown> = Promise.resolve();
    const serial = <T>(call: () => Promise<T>): Promise<T> => {
      const next = queue.then(call);
      queue = next.catch(() => undefined);
      return next;
    };
    const events: Event[] = [];
    let asked = 0;
    const worker = async (w: number) => {
      while (asked < 48) {
        asked++;
        const { trial } = await hpo.ask({ studyName, searchSpace: [spec('x', floatDist(0, 1))], workerId: `w${w}`, requestId: '' });
        const t = trial!;
        let last = Number.NaN;
        let pruned = false;
        for (let step = 1; step <= MAX_STEPS && !pruned; step++) {
          last = curve(t.number, step);
          const value = last;
          const r = await serial(async () => {
            const answer = await hpo.report({ trialId: t.trialId, step, value, workerId: `w${w}`, requestId: '' });
            events.push({ kind: 'report', number: t.number, step, value, prune: answer.shouldPrune });
            return answer;
          });
          pruned = r.shouldPrune;
        }
        const state = pruned ? 'PRUNED' : 'COMPLETE';
        await serial(async () => {
          await hpo.tell({
            trialId: t.trialId,
            state: pruned ? TrialState.TRIAL_STATE_PRUNED : TrialState.TRIAL_STATE_COMPLETE,
            values: pruned ? [] : [last],
            constraints: [],
            workerId: `w${w}`,
            requestId: '',
            failReason: '',
          });
          events.push({ kind: 'tell', number: t.number, state, value: last });
        });
      }
    };
    await Promise.all(Array.from({ length: 8 }, (_, w) => worker(w)));

    // The same history, replayed through the pruner alone (system attributes applied as the service does).
    const pruner = createPruner(ASHA, 1);
    const trials = new Map<number, FrozenTrial>();
    const view = () => makeStudy([...trials.values()].sort((a, b) => a.number - b.number));
    const alone: boolean[] = [];
    const server: boolean[] = [];
    for (const e of events) {
      const t = trials.get(e.number) ?? makeTrial({ number: e.number, state: 'RUNNING' });
      if (e.kind === 'tell') {
        trials.set(e.number, { ...t, state: e.state, values: [e.value] });
        continue;
      }
      const next = { ...t, intermediateValues: new Map(t.intermediateValues).set(e.step, e.value) };
      trials.set(e.number, next);
      const d = pruner.prune(view(), next, e.step);
      if (d.systemAttrs) trials.set(e.number, { ...next, systemAttrs: { ...next.systemAttrs, ...d.systemAttrs } });
      alone.push(d.prune);
      server.push(e.prune);
    }
    expect(server).toEqual(alone);
    // The run exercised the pruner: some trials stopped at each of the first rungs, some ran to the end.
    const tells = events.filter((e): e is Extract<Event, { kind: 'tell' }> => e.kind === 'tell');
    expect(tells.filter((e) => e.state === 'PRUNED').length).toBeGreaterThan(10);
    expect(tells.filter((e) => e.state === 'COMPLETE').length).toBeGreaterThan(0);
    const stoppedAt = new Set(events.flatMap((e) => (e.kind === 'report' && e.prune ? [e.step] : [])));
    expect([...stoppedAt].sort((a, b) => a - b).slice(0, 3)).toEqual([1, 3, 9]);
  });

  it('answers a re-report with the same decision, refuses a different value, takes steps out of order, and refuses a report after tell', async () => {
    const { hpo } = served;
    const studyName = 'asha-report-semantics';
    await hpo.createStudy(createRequest(studyName, { pruner: WIRE_ASHA, seed: 5 }));
    const ask = async () => (await hpo.ask({ studyName, searchSpace: [], workerId: '', requestId: '' })).trial!;
    const report = (trialId: number, step: number, value: number) => hpo.report({ trialId, step, value, workerId: '', requestId: '' });
    const leader = await ask();
    expect((await report(leader.trialId, 1, 0)).shouldPrune).toBe(false);
    const loser = await ask();
    const first = await report(loser.trialId, 1, 5);
    expect(first.shouldPrune).toBe(true);
    expect((await report(loser.trialId, 1, 5)).shouldPrune).toBe(true);
    expect((await rejectionOf(report(loser.trialId, 1, 6))).code).toBe(Status.FAILED_PRECONDITION);
    // Out of order: step 9 then step 2 for the leader; the late lower step decides nothing new.
    expect((await report(leader.trialId, 9, 0)).shouldPrune).toBe(false);
    expect((await report(leader.trialId, 2, 100)).shouldPrune).toBe(false);
    await hpo.tell({ trialId: loser.trialId, state: TrialState.TRIAL_STATE_PRUNED, values: [], constraints: [], workerId: '', requestId: '', failReason: '' });
    expect((await rejectionOf(report(loser.trialId, 2, 5))).code).toBe(Status.FAILED_PRECONDITION);
  });
});
