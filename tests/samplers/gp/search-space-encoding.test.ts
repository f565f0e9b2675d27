import { describe, expect, it } from 'vitest';
import type { SearchSpace } from '../../../src/core/distribution.js';
import { SearchSpaceEncoding } from '../../../samplers/gp/search-space-encoding.js';

const SPACE: SearchSpace = {
  lr: { kind: 'float', low: 1e-4, high: 1, log: true },
  x: { kind: 'float', low: -3, high: 5, log: false },
  drop: { kind: 'float', low: 0, high: 0.5, log: false, step: 0.1 },
  n: { kind: 'int', low: 1, high: 4, log: false, step: 1 },
  w: { kind: 'int', low: 2, high: 64, log: true, step: 1 },
  c: { kind: 'categorical', choices: ['a', 'b', 'c'] },
};

describe('SearchSpaceEncoding', () => {
  const enc = new SearchSpaceEncoding(SPACE);

  it('maps log distributions in log space and widens grids by half a step', () => {
    const out = new Float64Array(6);
    enc.encode({ lr: 1e-2, x: 1, drop: 0, n: 4, w: 2, c: 2 }, out);
    expect(out[0]).toBeCloseTo(0.5, 12);
    expect(out[1]).toBeCloseTo(0.5, 12);
    // 6 grid values over [-0.05, 0.55]: the first owns [0, 1/6).
    expect(out[2]).toBeCloseTo(1 / 12, 12);
    expect(out[3]).toBeCloseTo(7 / 8, 12);
    expect(out[4]).toBeCloseTo((Math.log(2) - Math.log(1.5)) / (Math.log(64.5) - Math.log(1.5)), 12);
    expect(out[5]).toBe(2);
    expect(Array.from(enc.isCategorical)).toEqual([0, 0, 0, 0, 0, 1]);
  });

  it('decodes any point of the box onto legal grid values, and round-trips legal values', () => {
    const params = { lr: 0.003, x: -2.5, drop: 0.3, n: 2, w: 17, c: 1 };
    const out = new Float64Array(6);
    enc.encode(params, out);
    const back = enc.decode(out);
    expect(back.lr).toBeCloseTo(0.003, 12);
    expect(back.x).toBeCloseTo(-2.5, 12);
    expect({ ...back, lr: 0, x: 0, drop: 0 }).toEqual({ ...params, lr: 0, x: 0, drop: 0 });
    expect(back.drop).toBeCloseTo(0.3, 12);
    expect(enc.decode([0.999, 1, 0.99, 0.01, 0.5, 2.4])).toEqual({ lr: expect.closeTo(10 ** -0.004, 12), x: 5, drop: 0.5, n: 1, w: 10, c: 2 });
  });

  it('has a signature that changes with the space', () => {
    expect(new SearchSpaceEncoding(SPACE).signature).toBe(enc.signature);
    expect(new SearchSpaceEncoding({ ...SPACE, x: { kind: 'float', low: -3, high: 6, log: false } }).signature).not.toBe(enc.signature);
  });
});
