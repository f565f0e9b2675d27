import { describe, expect, it } from 'vitest';
import { createTokenAuthenticator } from '../../../src/server/auth/token-authenticator.js';
import { parseTokensFile } from '../../../src/server/auth/tokens-file.js';
import { hashToken } from '../../../src/server/auth/token-hash.js';

const READ = 'read-token-aaaaaaaaaaaa';
const ADMIN = 'admin-token-bbbbbbbbbbb';
const authenticate = createTokenAuthenticator(
  parseTokensFile(`reader:read:${READ}\nroot:admin:sha256:${hashToken(ADMIN).toString('hex')}`, 'tokens.txt'),
);

describe('the token authenticator', () => {
  it('names the token and its scope for a known bearer token, plain or hashed in the file', () => {
    expect(authenticate([`Bearer ${READ}`])).toEqual({ ok: true, principal: { tokenName: 'reader', scope: 'read' } });
    expect(authenticate([`bearer ${ADMIN}`])).toEqual({ ok: true, principal: { tokenName: 'root', scope: 'admin' } });
    expect(authenticate([`BEARER  ${ADMIN} `])).toMatchObject({ ok: true });
  });

  it('tells missing, malformed and unknown credentials apart', () => {
    expect(authenticate([])).toMatchObject({ ok: false, reason: 'missing' });
    expect(authenticate([READ])).toMatchObject({ ok: false, reason: 'malformed' });
    expect(authenticate([`Basic ${READ}`])).toMatchObject({ ok: false, reason: 'malformed' });
    expect(authenticate([`Bearer ${READ} extra`])).toMatchObject({ ok: false, reason: 'malformed' });
    expect(authenticate([`Bearer ${READ}`, `Bearer ${ADMIN}`])).toMatchObject({ ok: false, reason: 'malformed' });
    expect(authenticate([Buffer.from(`Bearer ${READ}`)])).toMatchObject({ ok: false, reason: 'malformed' });
    expect(authenticate([`Bearer ${READ}x`])).toMatchObject({ ok: false, reason: 'unknown_token' });
    expect(authenticate([`Bearer ${hashToken(ADMIN).toString('hex')}`])).toMatchObject({ ok: false, reason: 'unknown_token' });
  });

  it('never puts the presented token in its answer', () => {
    for (const value of [`Bearer ${READ}`, `Bearer ${READ}x`, READ, `Basic ${READ}`])
      expect(JSON.stringify(authenticate([value]))).not.toContain(READ);
  });
});
