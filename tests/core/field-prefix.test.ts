import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, NotFoundError } from '../../src/core/errors.js';
import { prefixField, underField } from '../../src/core/field-prefix.js';

describe('prefixField', () => {
  it('names an invalid field under the enclosing message, keeping the message once and the original as cause', () => {
    const original = new InvalidArgumentError('values[1]', 'must be finite, got NaN');
    const prefixed = prefixField('tell', original) as InvalidArgumentError;
    expect(prefixed).toBeInstanceOf(InvalidArgumentError);
    expect(prefixed.field).toBe('tell.values[1]');
    expect(prefixed.message).toBe('tell.values[1]: must be finite, got NaN');
    expect(prefixed.cause).toBe(original);
  });

  it('passes other errors through unchanged', () => {
    const notFound = new NotFoundError('study', 's');
    expect(prefixField('ask', notFound)).toBe(notFound);
    const plain = new Error('x');
    expect(prefixField('ask', plain)).toBe(plain);
  });

  it('underField returns the value, or throws the prefixed error', () => {
    expect(underField('ask', () => 3)).toBe(3);
    expect(() =>
      underField('ask', () => {
        throw new InvalidArgumentError('study_name', 'is required');
      }),
    ).toThrow('ask.study_name: is required');
  });
});
