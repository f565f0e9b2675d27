import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Direction } from '../../../src/core/study.js';
import type { SearchSpace } from '../../../src/core/distribution.js';
import { sampleTrialStart } from '../../../src/core/sample-params.js';
import type { FrozenTrial } from '../../../src/core/trial.js';
import type { TpeOptions } from '../../../samplers/sampler-spec.js';
import { TpeSampler } from '../../../samplers/tpe/tpe-sampler.js';
import { makeStudy, makeTrial } from '../../support/make-trial.js';

/**
 * Suggestion streams of seeded studies, hashed. The digests were produced by the TPE before its cost rework
 * (issue 4, commit c50704a); the rework (certified argmax, observation table, cheaper constants) must not change
 * a single suggestion. A deliberate change of the algorithm updates the digests and says so in its commit.
 */
const spaces: Record<string, SearchSpace> = {
  floats: { x: { kind: 'float', low: -5, high: 10, log: false }, y: { kind: 'float', low: 0, high: 15, log: false } },
  throughput: {
    x: { kind: 'float', low: -10, high: 10, log: false },
    y: { kind: 'float', low: -10, high: 10, log: false },
    n: { kind: 'int', low: 0, high: 10, log: false, step: 1 },
  },
  mixed: {
    x: { kind: 'float', low: -5, high: 5, log: false },
    lr: { kind: 'float', low: 1e-5, high: 1, log: true },
    layers: { kind: 'int', low: 1, high: 8, log: false, step: 1 },
    opt: { kind: 'categorical', choices: ['a', 'b', 'c'] },
    st: { kind: 'float', low: 0, high: 1, log: false, step: 0.1 },
  },
  five: Object.fromEntries([0, 1, 2, 3, 4].map((i) => [`x${i}`, { kind: 'float', low: -5, high: 5, log: false }])),
};

function objective(p: Readonly<Record<string, number>>): number {
  return Object.values(p).reduce((s, v, i) => s + (v - 0.3 * i) ** 2 + Math.sin(3 * v), 0);
}

/** A study run by `workers` workers (the oldest running trial is told each time), some trials pruned or failed. */
function stream(space: SearchSpace, options: TpeOptions, seed: number, trials: number, workers: number, directions: Direction[] = ['minimize']): string[] {
  const sampler = new TpeSampler(options);
  const history: FrozenTrial[] = [];
  const running: number[] = [];
  const out: string[] = [];
  for (let t = 0; t < trials; t++) {
    const trial = makeTrial({ number: t, state: 'RUNNING' });
    const chosen = sampleTrialStart(sampler, makeStudy(history.slice(), { seed, directions }), trial, space);
    out.push(JSON.stringify(chosen.internal));
    history.push({ ...trial, internalParams: chosen.internal, distributions: space, systemAttrs: chosen.systemAttrs });
    running.push(t);
    while (running.length > workers - 1) {
      const k = running.shift()!;
      const v = objective(history[k].internalParams);
      history[k] =
        k % 5 === 3
          ? { ...history[k], state: 'PRUNED', intermediateValues: new Map([[1, v + 1], [k % 3, v]]) }
          : k % 17 === 9
            ? { ...history[k], state: 'FAIL' }
            : { ...history[k], state: 'COMPLETE', values: directions.length === 2 ? [v, (k % 7) - v] : [v] };
    }
  }
  return out;
}

/** A few asks on a 2,000-trial history (g with thousands of components, a few trials still running). */
function largeHistory(space: SearchSpace, options: TpeOptions): string[] {
  let s = 12345;
  const rand = () => ((s = (s * 16807) % 2147483647) / 2147483647);
  const trials: FrozenTrial[] = [];
  for (let i = 0; i < 2000; i++) {
    const ip: Record<string, number> = {};
    for (const [name, d] of Object.entries(space)) {
      if (d.kind === 'categorical') ip[name] = Math.floor(rand() * d.choices.length);
      else if (d.kind === 'int') ip[name] = d.low + d.step * Math.floor(rand() * ((d.high - d.low) / d.step + 1));
      else if (d.step) ip[name] = Math.min(d.high, d.low + d.step * Math.floor(rand() * ((d.high - d.low) / d.step + 1)));
      else ip[name] = d.log ? Math.exp(Math.log(d.low) + rand() * Math.log(d.high / d.low)) : d.low + rand() * (d.high - d.low);
    }
    const state = i % 50 === 7 ? 'RUNNING' : 'COMPLETE';
    trials.push(makeTrial({ number: i, state, internalParams: ip, distributions: space, values: state === 'COMPLETE' ? [objective(ip)] : null }));
  }
  const sampler = new TpeSampler(options);
  return Array.from({ length: 6 }, (_, a) =>
    JSON.stringify(sampleTrialStart(sampler, makeStudy(trials, { seed: 7 }), makeTrial({ number: 2000 + a, state: 'RUNNING' }), space).internal),
  );
}

const digest = (lines: string[]) => createHash('sha256').update(lines.join('\n')).digest('hex').slice(0, 16);

describe('TPE suggestions', () => {
  it('are those of the TPE before the cost rework, on seeded studies of several spaces and modes', () => {
    const streams = {
      floats: digest(stream(spaces.floats, {}, 1, 80, 4)),
      throughput: digest(stream(spaces.throughput, {}, 2, 80, 8)),
      mixed: digest(stream(spaces.mixed, {}, 3, 80, 2)),
      mixedUnivariate: digest(stream(spaces.mixed, { multivariate: false }, 4, 60, 1)),
      fiveOptuna: digest(stream(spaces.five, { multivariate: false, constantLiar: false, bandwidth: 'optuna', marginalCandidates: 0, localFraction: 0 }, 5, 60, 3)),
      twoObjectives: digest(stream(spaces.floats, {}, 6, 40, 1, ['minimize', 'minimize'])),
      // The whole bad group, as before the window (aboveWindow, default 1,000) existed.
      largeThroughput: digest(largeHistory(spaces.throughput, { aboveWindow: 0 })),
      largeMixed: digest(largeHistory(spaces.mixed, { aboveWindow: 0 })),
      // The defaults: g from the newest 1,000 bad trials (pinned when the window was introduced).
      largeThroughputWindow: digest(largeHistory(spaces.throughput, {})),
    };
    expect(streams).toEqual(EXPECTED);
  });
});

const EXPECTED = {
  floats: 'c2d8ec3ad90a18ae',
  throughput: '6909bbb04222b6e6',
  mixed: 'd2756f08aa50e041',
  mixedUnivariate: '94ffcb20be03aaaf',
  fiveOptuna: '7c04fb19ef554bc0',
  twoObjectives: '27425de7138f5420',
  largeThroughput: 'fe8661a3df54a397',
  largeMixed: '15843b02a63b741b',
  largeThroughputWindow: '7d806f0dbc791dd2',
};
