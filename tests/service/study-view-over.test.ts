import { describe, expect, it } from 'vitest';
import { studyViewOf } from '../../src/core/study.js';
import { blankTrial, type FrozenTrial, type TrialState } from '../../src/core/trial.js';
import { studyViewOver, type TrialsByState } from '../../src/service/study-cache.js';

const BASE = { id: 1, name: 's', directions: ['minimize'] as const, seed: 1 };

function trial(number: number, state: TrialState): FrozenTrial {
  return blankTrial({ id: number + 1, number, state, values: state === 'COMPLETE' ? [number] : null });
}

function byStateOf(trials: readonly FrozenTrial[]): TrialsByState {
  const of = (s: TrialState) => trials.filter((t) => t.state === s);
  return { WAITING: of('WAITING'), RUNNING: of('RUNNING'), COMPLETE: of('COMPLETE'), PRUNED: of('PRUNED'), FAIL: of('FAIL') };
}

describe('studyViewOver', () => {
  const cached = [trial(0, 'COMPLETE'), trial(1, 'PRUNED'), trial(2, 'WAITING'), trial(3, 'COMPLETE'), trial(4, 'RUNNING'), trial(5, 'FAIL')];
  const stateSets: Array<readonly TrialState[] | undefined> = [undefined, ['COMPLETE', 'PRUNED'], ['PRUNED', 'COMPLETE', 'RUNNING'], ['WAITING'], ['RUNNING']];

  it('lists the same trials in the same order as a filtered view of the list with the overrides put in', () => {
    // A WAITING trial taken (same number, now RUNNING), a new trial, then the new trial again with its params.
    const overrides = [trial(2, 'RUNNING'), trial(6, 'RUNNING'), { ...trial(6, 'RUNNING'), params: { x: 1 } }];
    const full = [...cached.filter((t) => t.number !== 2), overrides[0], overrides[2]].sort((a, b) => a.number - b.number);
    const expected = studyViewOf(BASE, full);
    const view = studyViewOver(BASE, byStateOf(cached), overrides);
    for (const states of stateSets) expect(view.getTrials(states)).toEqual(expected.getTrials(states));
  });

  it('merges several states lists into the same number order as a filtered view, wherever their trials interleave', () => {
    // Seeded mix: long runs of finished trials with RUNNING, PRUNED, WAITING and FAIL trials scattered among them
    // and at both ends, so each list can start first and the merge's copied prefix can be empty or everything.
    const states: TrialState[] = ['COMPLETE', 'COMPLETE', 'COMPLETE', 'PRUNED', 'RUNNING', 'WAITING', 'FAIL'];
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let round = 0; round < 50; round++) {
      const n = 1 + Math.floor(next() * 60);
      const all = Array.from({ length: n }, (_, i) => trial(i, states[Math.floor(next() * states.length)]));
      const expected = studyViewOf(BASE, all);
      const fresh = trial(n + Math.floor(next() * 3), 'RUNNING');
      const view = studyViewOver(BASE, byStateOf(all), []);
      const withFresh = studyViewOver(BASE, byStateOf(all), [fresh]);
      const expectedWithFresh = studyViewOf(BASE, [...all, fresh]);
      for (const s of [...stateSets, ['COMPLETE', 'RUNNING'] as const, ['FAIL', 'WAITING', 'RUNNING'] as const]) {
        expect(view.getTrials(s).map((t) => t.number)).toEqual(expected.getTrials(s).map((t) => t.number));
        expect(withFresh.getTrials(s)).toEqual(expectedWithFresh.getTrials(s));
      }
    }
  });

  it('hands out the cached list itself when no override is in the requested states', () => {
    const byState = byStateOf([trial(0, 'COMPLETE'), trial(1, 'COMPLETE')]);
    const view = studyViewOver(BASE, byState, [trial(2, 'RUNNING')]);
    expect(view.getTrials(['COMPLETE', 'PRUNED'])).toBe(byState.COMPLETE);
    expect(view.getTrials(['COMPLETE', 'RUNNING']).map((t) => t.number)).toEqual([0, 1, 2]);
    expect(byState.COMPLETE.map((t) => t.number)).toEqual([0, 1]);
  });
});
