import { describe, expect, it } from 'vitest';
import { Value } from '../../../src/generated/google/protobuf/struct.js';
import { Attribute } from '../../../src/generated/hpo/v1/distribution.js';
import { attributesFromWire, attributesToWire, jsonFromWire } from '../../../src/server/convert/json-value.js';
import { fieldOf } from './field-of.js';

describe('JSON attributes', () => {
  it('survive encoding to google.protobuf.Value and back', () => {
    const attrs = { n: 1.5, s: 'x', b: false, z: null, list: [1, 'two', [true]], obj: { a: { b: [] } } };
    const bytes = attributesToWire(attrs).map((a) => Attribute.encode(a).finish());
    const decoded = bytes.map((b) => Attribute.decode(b));
    expect(attributesFromWire(decoded, 'user_attrs')).toEqual(attrs);
  });

  it('rejects unset values, non-finite numbers (jsonb cannot keep them) and deep nesting, naming the path', () => {
    const unset = Attribute.decode(Attribute.encode({ key: 'k', value: undefined }).finish());
    expect(fieldOf(() => attributesFromWire([unset], 'user_attrs'))).toBe('user_attrs[0].value');
    expect(fieldOf(() => jsonFromWire({ a: [1, NaN] }, 'value'))).toBe('value.a[1]');
    expect(fieldOf(() => jsonFromWire(Infinity, 'value'))).toBe('value');
    let deep: unknown = 1;
    for (let i = 0; i < 40; i++) deep = [deep];
    expect(fieldOf(() => jsonFromWire(deep, 'value'))).toMatch(/^value(\[0\])+$/);
    expect(Value.unwrap(Value.wrap(null))).toBeNull();
  });

  it('rejects empty and over-long keys', () => {
    expect(fieldOf(() => attributesFromWire([{ key: '', value: 1 }], 'user_attrs'))).toBe('user_attrs[0].key');
    expect(fieldOf(() => attributesFromWire([{ key: 'k'.repeat(257), value: 1 }], 'user_attrs'))).toBe('user_attrs[0].key');
  });
});
