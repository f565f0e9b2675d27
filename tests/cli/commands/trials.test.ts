import type { FrozenTrial } from '@hpo/client';
import { describe, expect, it } from 'vitest';
import { sortTrials } from '../../../src/cli/commands/trials.js';
import { parseParamValue } from '../../../src/cli/commands/enqueue.js';

function trial(number: number, value: number | null, durationMs: number | null = null): FrozenTrial {
  const startedAt = new Date(1_000_000);
  return {
    id: number + 100,
    studyName: 's',
    number,
    state: value === null ? 'RUNNING' : 'COMPLETE',
    params: {},
    distributions: {},
    values: value === null ? null : [value],
    value,
    intermediateValues: [],
    constraints: null,
    userAttrs: {},
    startedAt,
    completedAt: durationMs === null ? null : new Date(startedAt.getTime() + durationMs),
    lastHeartbeatAt: null,
    workerId: '',
    retryOf: null,
  };
}

describe('sortTrials', () => {
  const trials = [trial(0, 3, 50), trial(1, null), trial(2, 1, 10), trial(3, 2, 90)];

  it('puts the best value first in the study direction, and trials without a value last', () => {
    expect(sortTrials(trials, 'value', ['minimize']).map((t) => t.number)).toEqual([2, 3, 0, 1]);
    expect(sortTrials(trials, 'value', ['maximize']).map((t) => t.number)).toEqual([0, 3, 2, 1]);
    expect(sortTrials(trials, '-value', ['minimize']).map((t) => t.number)).toEqual([0, 3, 2, 1]);
  });

  it('sorts by duration and by number, reversed with a leading -', () => {
    expect(sortTrials(trials.filter((t) => t.completedAt), 'duration', ['minimize']).map((t) => t.number)).toEqual([2, 0, 3]);
    expect(sortTrials(trials, '-number', ['minimize']).map((t) => t.number)).toEqual([3, 2, 1, 0]);
  });
});

describe('enqueue --param values', () => {
  it('reads JSON scalars as themselves and anything else as text', () => {
    expect(parseParamValue('1e-3')).toBe(0.001);
    expect(parseParamValue('true')).toBe(true);
    expect(parseParamValue('null')).toBe(null);
    expect(parseParamValue('"42"')).toBe('42');
    expect(parseParamValue('adam')).toBe('adam');
    expect(parseParamValue('[1,2]')).toBe('[1,2]');
  });
});
