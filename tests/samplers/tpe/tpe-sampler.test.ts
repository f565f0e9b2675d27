import { describe, expect, it } from 'vitest';
import { containsInternal, type Distribution, type SearchSpace } from '../../../src/core/distribution.js';
import { InvalidArgumentError } from '../../../src/core/errors.js';
import { sampleTrialStart } from '../../../src/core/sample-params.js';
import type { FrozenTrial } from '../../../src/core/trial.js';
import { createSampler } from '../../../samplers/create-sampler.js';
import { TpeSampler } from '../../../samplers/tpe/tpe-sampler.js';
import { makeStudy, makeTrial } from '../../support/make-trial.js';

const space: SearchSpace = {
  x: { kind: 'float', low: -5, high: 5, log: false },
  lr: { kind: 'float', low: 1e-5, high: 1, log: true },
  layers: { kind: 'int', low: 1, high: 8, log: false, step: 1 },
  opt: { kind: 'categorical', choices: ['adam', 'sgd', 'rmsprop'] },
};

/** A history of `n` complete trials whose value is best near x = 2 with opt = sgd. */
function history(n: number, seed = 1): FrozenTrial[] {
  const trials: FrozenTrial[] = [];
  let s = seed;
  const rand = () => ((s = (s * 16807) % 2147483647) / 2147483647);
  for (let i = 0; i < n; i++) {
    const x = -5 + 10 * rand();
    const lr = Math.exp(Math.log(1e-5) + rand() * Math.log(1e5));
    const layers = 1 + Math.floor(rand() * 8);
    const opt = Math.floor(rand() * 3);
    trials.push(
      makeTrial({
        number: i,
        values: [(x - 2) ** 2 + (opt === 1 ? 0 : 3)],
        paramsWith: { x: [space.x, x], lr: [space.lr, lr], layers: [space.layers, layers], opt: [space.opt, opt] },
      }),
    );
  }
  return trials;
}

function ask(sampler: TpeSampler, trials: FrozenTrial[], number = trials.length, declared: SearchSpace = space) {
  const trial = makeTrial({ number, state: 'RUNNING' });
  return sampleTrialStart(sampler, makeStudy(trials, { seed: 42 }), trial, declared).internal;
}

describe('TpeSampler', () => {
  it('gives the same suggestion for the same seed and history', () => {
    const trials = history(40);
    expect(ask(new TpeSampler(), trials)).toEqual(ask(new TpeSampler(), trials));
    expect(ask(new TpeSampler({ multivariate: false }), trials)).toEqual(ask(new TpeSampler({ multivariate: false }), trials));
  });

  it('gives different suggestions to different trial numbers', () => {
    const trials = history(40);
    expect(ask(new TpeSampler(), trials, 40)).not.toEqual(ask(new TpeSampler(), trials, 41));
  });

  it('returns values inside every distribution, in both modes', () => {
    for (const multivariate of [true, false]) {
      const sampler = new TpeSampler({ multivariate });
      const trials = history(30);
      for (let n = 30; n < 60; n++) {
        const internal = ask(sampler, trials, n);
        for (const [name, d] of Object.entries(space)) expect(containsInternal(d as Distribution, internal[name])).toBe(true);
      }
    }
  });

  it('samples at random until n_startup_trials trials have finished', () => {
    const sampler = new TpeSampler({ nStartupTrials: 10 });
    const trial = makeTrial({ number: 9, state: 'RUNNING' });
    expect(sampler.sampleRelative(makeStudy(history(9)), trial, space)).toEqual({ params: {} });
    expect(Object.keys(sampler.sampleRelative(makeStudy(history(10)), makeTrial({ number: 10, state: 'RUNNING' }), space).params)).toHaveLength(4);
  });

  it('concentrates suggestions where the good trials are', () => {
    const trials = history(60);
    const sampler = new TpeSampler();
    const xs: number[] = [];
    let sgd = 0;
    for (let n = 60; n < 120; n++) {
      const internal = ask(sampler, trials, n);
      xs.push(internal.x);
      if (internal.opt === 1) sgd++;
    }
    const nearTwo = xs.filter((x) => Math.abs(x - 2) < 1.5).length;
    // Uniform sampling would put 30% of x within 1.5 of 2 and a third on sgd.
    expect(nearTwo / xs.length).toBeGreaterThan(0.6);
    expect(sgd / xs.length).toBeGreaterThan(0.6);
  });

  it('moves away from points other workers are running (constant liar)', () => {
    const x: Distribution = { kind: 'float', low: 0, high: 1, log: false };
    const oneD = { x };
    const trials = Array.from({ length: 20 }, (_, i) => makeTrial({ number: i, values: [Math.abs(i / 19 - 0.3)], paramsWith: { x: [x, i / 19] } }));
    const running = Array.from({ length: 15 }, (_, i) =>
      makeTrial({ number: 20 + i, state: 'RUNNING', paramsWith: { x: [x, 0.26 + i * 0.005] } }),
    );
    const near = (constantLiar: boolean) => {
      const sampler = new TpeSampler({ constantLiar, multivariate: false });
      let count = 0;
      for (let n = 35; n < 95; n++) {
        const v = ask(sampler, [...trials, ...running], n, oneD).x;
        if (v > 0.25 && v < 0.34) count++;
      }
      return count;
    };
    expect(near(true)).toBeLessThan(near(false));
  });

  it('models define-by-run groups jointly when group is on', () => {
    const a: Distribution = { kind: 'float', low: 0, high: 1, log: false };
    const trials = Array.from({ length: 20 }, (_, i) =>
      makeTrial({
        number: i,
        values: [i],
        paramsWith: i % 2 === 0 ? { a: [a, i / 20], b: [a, 0.5] } : { a: [a, i / 20], c: [a, 0.1] },
      }),
    );
    const sampler = new TpeSampler({ group: true });
    const inferred = sampler.inferRelativeSearchSpace(makeStudy(trials), makeTrial({ number: 20, state: 'RUNNING' }), {});
    expect(Object.keys(inferred).sort()).toEqual(['a', 'b', 'c']);
    const { params } = sampler.sampleRelative(makeStudy(trials), makeTrial({ number: 20, state: 'RUNNING' }), inferred);
    expect(Object.keys(params).sort()).toEqual(['a', 'b', 'c']);
    // Without group, only the parameter every trial has is modelled jointly.
    expect(Object.keys(new TpeSampler().inferRelativeSearchSpace(makeStudy(trials), makeTrial({ number: 20, state: 'RUNNING' }), {}))).toEqual(['a']);
  });

  it('handles a two-objective study', () => {
    const x: Distribution = { kind: 'float', low: 0, high: 1, log: false };
    const trials = Array.from({ length: 30 }, (_, i) => {
      const v = (i * 7919) % 30 / 29;
      return makeTrial({ number: i, values: [v, (1 - v) ** 2], paramsWith: { x: [x, v] } });
    });
    const trial = makeTrial({ number: 30, state: 'RUNNING' });
    const out = sampleTrialStart(new TpeSampler(), makeStudy(trials, { directions: ['minimize', 'minimize'] }), trial, { x });
    expect(containsInternal(x, out.internal.x)).toBe(true);
  });

  it('is built by name and validates options, naming the field', () => {
    expect(createSampler({ kind: 'tpe', options: {} })).toBeInstanceOf(TpeSampler);
    const bad = (options: object) => () => createSampler({ kind: 'tpe', options });
    expect(bad({ nStartupTrials: -1 })).toThrow(InvalidArgumentError);
    expect(bad({ nStartupTrials: 1.5 })).toThrow(/sampler\.tpe\.n_startup_trials/);
    expect(bad({ nEiCandidates: 0 })).toThrow(/sampler\.tpe\.n_ei_candidates/);
    expect(bad({ priorWeight: 0 })).toThrow(/sampler\.tpe\.prior_weight/);
    expect(bad({ gamma: 'median' })).toThrow(/sampler\.tpe\.gamma/);
    expect(bad({ gammaFraction: 2 })).toThrow(/sampler\.tpe\.gamma_fraction/);
    expect(bad({ group: true, multivariate: false })).toThrow(/sampler\.tpe\.group/);
  });
});
