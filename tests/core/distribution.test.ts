import { describe, expect, it } from 'vitest';
import {
  containsInternal,
  distributionsEqual,
  snapToDistribution,
  toExternal,
  toInternal,
  validateDistribution,
  type Distribution,
} from '../../src/core/distribution.js';
import { InvalidArgumentError } from '../../src/core/errors.js';

function fieldOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof InvalidArgumentError) return e.field;
    throw e;
  }
  return undefined;
}

describe('validateDistribution', () => {
  it('accepts well-formed float, int and categorical distributions', () => {
    expect(() => validateDistribution({ kind: 'float', low: 1e-5, high: 1, log: true }, 'x')).not.toThrow();
    expect(() => validateDistribution({ kind: 'float', low: 0, high: 1, log: false, step: 0.25 }, 'x')).not.toThrow();
    expect(() => validateDistribution({ kind: 'int', low: 2, high: 10, log: false, step: 2 }, 'x')).not.toThrow();
    expect(() => validateDistribution({ kind: 'categorical', choices: ['a', 1, true, null] }, 'x')).not.toThrow();
  });

  it.each<[string, Distribution, string]>([
    ['low > high', { kind: 'float', low: 2, high: 1, log: false }, 'p.low'],
    ['NaN low', { kind: 'float', low: NaN, high: 1, log: false }, 'p.low'],
    ['infinite high', { kind: 'float', low: 0, high: Infinity, log: false }, 'p.high'],
    ['log with low <= 0', { kind: 'float', low: 0, high: 1, log: true }, 'p.low'],
    ['step not dividing the range', { kind: 'float', low: 0, high: 1, log: false, step: 0.3 }, 'p.step'],
    ['negative step', { kind: 'float', low: 0, high: 1, log: false, step: -0.5 }, 'p.step'],
    ['log with step', { kind: 'float', low: 1, high: 2, log: true, step: 0.5 }, 'p.step'],
    ['int step not dividing', { kind: 'int', low: 0, high: 10, log: false, step: 3 }, 'p.step'],
    ['int log with low 0', { kind: 'int', low: 0, high: 10, log: true, step: 1 }, 'p.low'],
    ['int non-integer bound', { kind: 'int', low: 0.5, high: 10, log: false, step: 1 }, 'p.low'],
    ['empty choices', { kind: 'categorical', choices: [] }, 'p.choices'],
    ['duplicate choices', { kind: 'categorical', choices: ['a', 'a'] }, 'p.choices[1]'],
  ])('rejects %s naming the field', (_label, d, field) => {
    expect(fieldOf(() => validateDistribution(d, 'p'))).toBe(field);
  });

  it('treats the number 1 and the string "1" as different choices', () => {
    expect(() => validateDistribution({ kind: 'categorical', choices: [1, '1'] }, 'p')).not.toThrow();
  });
});

describe('internal representation', () => {
  const cat: Distribution = { kind: 'categorical', choices: ['adam', 'sgd', null, false] };

  it('maps categorical values to their index and back', () => {
    expect(toInternal(cat, null, 'p')).toBe(2);
    expect(toInternal(cat, false, 'p')).toBe(3);
    expect(toExternal(cat, 1)).toBe('sgd');
  });

  it('rejects values outside the distribution naming the field', () => {
    expect(fieldOf(() => toInternal(cat, 'rmsprop', 'params.opt'))).toBe('params.opt');
    expect(fieldOf(() => toInternal({ kind: 'float', low: 0, high: 1, log: false }, 1.5, 'params.x'))).toBe('params.x');
    expect(fieldOf(() => toInternal({ kind: 'int', low: 0, high: 10, log: false, step: 2 }, 3, 'params.n'))).toBe('params.n');
    expect(fieldOf(() => toInternal({ kind: 'float', low: 0, high: 1, log: false }, 'a', 'params.x'))).toBe('params.x');
  });

  it('knows which internal values are on a float step grid', () => {
    const d: Distribution = { kind: 'float', low: 0, high: 1, log: false, step: 0.1 };
    expect(containsInternal(d, 0.30000000000000004)).toBe(true);
    expect(containsInternal(d, 0.35)).toBe(false);
    expect(containsInternal(d, NaN)).toBe(false);
  });

  it('snaps continuous values onto the grid and into the range', () => {
    expect(snapToDistribution({ kind: 'int', low: 1, high: 9, log: false, step: 2 }, 4.2)).toBe(5);
    expect(snapToDistribution({ kind: 'float', low: 0, high: 1, log: false, step: 0.25 }, 1.3)).toBe(1);
    expect(snapToDistribution({ kind: 'float', low: 0, high: 1, log: false }, -3)).toBe(0);
  });

  it('compares distributions structurally', () => {
    expect(distributionsEqual({ kind: 'float', low: 0, high: 1, log: false }, { kind: 'float', low: 0, high: 1, log: false })).toBe(true);
    expect(distributionsEqual({ kind: 'float', low: 0, high: 1, log: false }, { kind: 'float', low: 0, high: 1, log: true })).toBe(false);
    expect(distributionsEqual(cat, { kind: 'categorical', choices: ['adam', 'sgd', null, 'false'] })).toBe(false);
  });
});
