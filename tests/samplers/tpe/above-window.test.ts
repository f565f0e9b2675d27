import { describe, expect, it } from 'vitest';
import type { SearchSpace } from '../../../src/core/distribution.js';
import { sampleTrialStart } from '../../../src/core/sample-params.js';
import type { FrozenTrial } from '../../../src/core/trial.js';
import type { TpeOptions } from '../../../samplers/sampler-spec.js';
import { TpeSampler } from '../../../samplers/tpe/tpe-sampler.js';
import { makeStudy, makeTrial } from '../../support/make-trial.js';

const SPACE: SearchSpace = {
  x: { kind: 'float', low: -10, high: 10, log: false },
  n: { kind: 'int', low: 0, high: 10, log: false, step: 1 },
};

/**
 * 1,600 finished trials: the first 800 all poor (values 100+, as if the objective was broken then) and crowded
 * where the later ones find the optimum, the later 800 spread over the box. The good group (gamma: the best 25)
 * lies wholly among the later ones and the oldest trials are all in the bad group, where they weigh on g exactly
 * where the candidates are drawn.
 */
function history(): FrozenTrial[] {
  let s = 987;
  const rand = () => ((s = (s * 16807) % 2147483647) / 2147483647);
  return Array.from({ length: 1600 }, (_, i) => {
    const x = i < 800 ? 2 * rand() : -10 + 20 * rand();
    const n = i < 800 ? Math.floor(2 * rand()) : Math.floor(11 * rand());
    const value = i < 800 ? 100 + x * x : (x - 1) ** 2 + n;
    return makeTrial({ number: i, state: 'COMPLETE', internalParams: { x, n }, distributions: SPACE, values: [value] });
  });
}

function suggest(trials: FrozenTrial[], options: TpeOptions): Record<string, number> {
  const sampler = new TpeSampler(options);
  return sampleTrialStart(sampler, makeStudy(trials, { seed: 11 }), makeTrial({ number: 1600, state: 'RUNNING' }), SPACE).internal;
}

describe('TPE aboveWindow', () => {
  it('builds g from the newest window of the bad group: the oldest bad trials beyond it change nothing', () => {
    const all = history();
    // 1,575 bad trials; a window of 1,000 leaves out the oldest 575, all among the first 800.
    const withoutOldest = all.slice(575);
    const windowed = suggest(all, { aboveWindow: 1000 });
    expect(windowed).toEqual(suggest(withoutOldest, { aboveWindow: 1000 }));
    expect(windowed).toEqual(suggest(withoutOldest, { aboveWindow: 0 }));
  });

  it('uses the whole bad group with aboveWindow 0, and the old trials then do change the suggestion', () => {
    const all = history();
    expect(suggest(all, { aboveWindow: 0 })).not.toEqual(suggest(all.slice(575), { aboveWindow: 0 }));
  });

  it('refuses a negative or fractional window, naming the field', () => {
    expect(() => new TpeSampler({ aboveWindow: -1 })).toThrow(/sampler\.tpe\.above_window/);
    expect(() => new TpeSampler({ aboveWindow: 2.5 })).toThrow(/sampler\.tpe\.above_window/);
  });
});
