import { describe, expect, it } from 'vitest';
import { NullValue } from '../../../src/generated/google/protobuf/struct.js';
import type { Distribution as WireDistribution, ParamSpec } from '../../../src/generated/hpo/v1/distribution.js';
import { fieldOf } from './field-of.js';
import { distributionFromWire, distributionToWire, searchSpaceFromWire } from '../../../src/server/convert/distribution.js';

const float = (low: number, high: number, extra: { log?: boolean; step?: number } = {}): WireDistribution => ({
  kind: { $case: 'float', value: { low, high, log: extra.log ?? false, step: extra.step } },
});
const int = (low: number, high: number, extra: { log?: boolean; step?: number } = {}): WireDistribution => ({
  kind: { $case: 'int', value: { low, high, log: extra.log ?? false, step: extra.step } },
});

describe('distributionFromWire', () => {
  it('turns each kind into the domain distribution, int step defaulting to 1', () => {
    expect(distributionFromWire(float(0, 1), 'd')).toEqual({ kind: 'float', low: 0, high: 1, log: false });
    expect(distributionFromWire(float(0, 1, { step: 0.25 }), 'd')).toEqual({ kind: 'float', low: 0, high: 1, log: false, step: 0.25 });
    expect(distributionFromWire(int(1, 9), 'd')).toEqual({ kind: 'int', low: 1, high: 9, log: false, step: 1 });
    expect(
      distributionFromWire(
        {
          kind: {
            $case: 'categorical',
            value: {
              choices: [
                { kind: { $case: 'stringValue', value: 'adam' } },
                { kind: { $case: 'numberValue', value: 3 } },
                { kind: { $case: 'boolValue', value: true } },
                { kind: { $case: 'nullValue', value: NullValue.NULL_VALUE } },
              ],
            },
          },
        },
        'd',
      ),
    ).toEqual({ kind: 'categorical', choices: ['adam', 3, true, null] });
  });

  it('names the proto field of every malformed distribution', () => {
    expect(fieldOf(() => distributionFromWire(undefined, 'search_space[2].distribution'))).toBe('search_space[2].distribution');
    expect(fieldOf(() => distributionFromWire({ kind: undefined }, 'p.distribution'))).toBe('p.distribution');
    expect(fieldOf(() => distributionFromWire(float(2, 1), 'd'))).toBe('d.float.low');
    expect(fieldOf(() => distributionFromWire(float(NaN, 1), 'd'))).toBe('d.float.low');
    expect(fieldOf(() => distributionFromWire(float(0, Infinity), 'd'))).toBe('d.float.high');
    expect(fieldOf(() => distributionFromWire(float(0, 1, { log: true }), 'd'))).toBe('d.float.low');
    expect(fieldOf(() => distributionFromWire(float(0, 1, { step: 0.3 }), 'd'))).toBe('d.float.step');
    expect(fieldOf(() => distributionFromWire(int(0, 10, { step: 3 }), 'd'))).toBe('d.int.step');
    expect(fieldOf(() => distributionFromWire(int(0, 10, { log: true }), 'd'))).toBe('d.int.low');
    expect(fieldOf(() => distributionFromWire({ kind: { $case: 'categorical', value: { choices: [] } } }, 'd'))).toBe(
      'd.categorical.choices',
    );
    expect(
      fieldOf(() => distributionFromWire({ kind: { $case: 'categorical', value: { choices: [{ kind: undefined }] } } }, 'd')),
    ).toBe('d.categorical.choices[0]');
    expect(
      fieldOf(() =>
        distributionFromWire(
          { kind: { $case: 'categorical', value: { choices: [{ kind: { $case: 'numberValue', value: NaN } }] } } },
          'd',
        ),
      ),
    ).toBe('d.categorical.choices[0].number_value');
  });

  it('round-trips through distributionToWire', () => {
    for (const wire of [float(1e-5, 1, { log: true }), float(0, 1, { step: 0.5 }), int(2, 64, { step: 2 })]) {
      const domain = distributionFromWire(wire, 'd');
      expect(distributionFromWire(distributionToWire(domain), 'd')).toEqual(domain);
    }
  });
});

describe('searchSpaceFromWire', () => {
  const spec = (name: string, distribution: WireDistribution = float(0, 1)): ParamSpec => ({ name, distribution });

  it('keeps declaration order', () => {
    expect(Object.keys(searchSpaceFromWire([spec('b'), spec('a'), spec('c')], 'search_space'))).toEqual(['b', 'a', 'c']);
  });

  it('rejects a duplicate name at its second occurrence, empty names and names over 128 characters', () => {
    expect(fieldOf(() => searchSpaceFromWire([spec('x'), spec('y'), spec('x')], 'search_space'))).toBe('search_space[2].name');
    expect(fieldOf(() => searchSpaceFromWire([spec('')], 'search_space'))).toBe('search_space[0].name');
    expect(fieldOf(() => searchSpaceFromWire([spec('x'.repeat(129))], 'search_space'))).toBe('search_space[0].name');
    expect(Object.keys(searchSpaceFromWire([spec('x'.repeat(128))], 'search_space'))).toHaveLength(1);
  });

  it('keeps a parameter called __proto__ as a parameter rather than a prototype', () => {
    const space = searchSpaceFromWire([spec('__proto__')], 'search_space');
    expect(Object.keys(space)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(space)).toBe(Object.prototype);
  });
});
