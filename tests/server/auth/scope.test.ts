import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../src/core/errors.js';
import { SCOPES, parseScope, scopeGrants } from '../../../src/server/auth/scope.js';

describe('scopes', () => {
  it('nest read inside worker inside admin', () => {
    const grants = SCOPES.flatMap((granted) => SCOPES.map((required) => `${granted}→${required}:${scopeGrants(granted, required)}`));
    expect(grants).toEqual([
      'read→read:true',
      'read→worker:false',
      'read→admin:false',
      'worker→read:true',
      'worker→worker:true',
      'worker→admin:false',
      'admin→read:true',
      'admin→worker:true',
      'admin→admin:true',
    ]);
  });

  it('parses the three names and rejects others, naming the field', () => {
    expect(parseScope('worker', 'x')).toBe('worker');
    expect(() => parseScope('root', 'scope')).toThrow(InvalidArgumentError);
    expect(() => parseScope('Admin', 'scope')).toThrow(/scope: unknown scope "Admin"/);
    expect(() => parseScope('toString', 'scope')).toThrow(InvalidArgumentError);
  });
});
