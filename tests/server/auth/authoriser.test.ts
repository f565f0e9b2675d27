import { describe, expect, it } from 'vitest';
import { HpoServiceService } from '../../../src/generated/hpo/v1/hpo_service.js';
import { createOpenAuthoriser, createTokenAuthoriser } from '../../../src/server/auth/authoriser.js';
import { type HpoRpcName, RPC_SCOPES } from '../../../src/server/auth/rpc-scopes.js';
import { SCOPES, scopeGrants } from '../../../src/server/auth/scope.js';
import { parseTokensFile } from '../../../src/server/auth/tokens-file.js';

const TOKENS = { read: 'read-token-0123456789', worker: 'worker-token-0123456789', admin: 'admin-token-0123456789' };
const authoriser = createTokenAuthoriser(
  parseTokensFile(SCOPES.map((scope) => `${scope}-bot:${scope}:${TOKENS[scope]}`).join('\n'), 'tokens.txt'),
);
const bearer = (token: string) => [`Bearer ${token}`];
const RPCS = Object.keys(HpoServiceService) as HpoRpcName[];

describe('the token authoriser', () => {
  it.each(RPCS)('lets %s through exactly for the scopes that include its requirement', (rpc) => {
    const path = HpoServiceService[rpc].path;
    for (const scope of SCOPES) {
      const decision = authoriser.authorise(path, bearer(TOKENS[scope]));
      if (scopeGrants(scope, RPC_SCOPES[rpc])) expect(decision).toEqual({ allowed: true, principal: { tokenName: `${scope}-bot`, scope } });
      else if (rpc === 'createStudy' && scope === 'worker')
        expect(decision).toEqual({ allowed: true, principal: { tokenName: 'worker-bot', scope }, condition: 'load-existing-study-only' });
      else
        expect(decision).toMatchObject({
          allowed: false,
          code: 'PERMISSION_DENIED',
          reason: 'insufficient_scope',
          principal: { tokenName: `${scope}-bot` },
          message: `token "${scope}-bot" has scope ${scope}; ${path} needs ${RPC_SCOPES[rpc]}`,
        });
    }
    expect(authoriser.authorise(path, [])).toMatchObject({ allowed: false, code: 'UNAUTHENTICATED', reason: 'missing', principal: null });
    expect(authoriser.authorise(path, bearer('not-a-known-token-at-all'))).toMatchObject({
      allowed: false,
      code: 'UNAUTHENTICATED',
      reason: 'unknown_token',
    });
  });

  it('lets a worker call CreateStudy only on condition that it loads an existing study, and a reader not at all', () => {
    const path = HpoServiceService.createStudy.path;
    expect(authoriser.authorise(path, bearer(TOKENS.worker))).toMatchObject({ allowed: true, condition: 'load-existing-study-only' });
    expect(authoriser.authorise(path, bearer(TOKENS.admin))).toEqual({ allowed: true, principal: { tokenName: 'admin-bot', scope: 'admin' } });
    expect(authoriser.authorise(path, bearer(TOKENS.read))).toMatchObject({ allowed: false, code: 'PERMISSION_DENIED' });
  });

  it('keeps health checking open to callers without a token or with a bad one', () => {
    expect(authoriser.authorise('/grpc.health.v1.Health/Check', [])).toEqual({ allowed: true, principal: null });
    expect(authoriser.authorise('/grpc.health.v1.Health/Watch', ['garbage'])).toEqual({ allowed: true, principal: null });
  });

  it('refuses a method no table knows, even to admin, after authenticating', () => {
    expect(authoriser.authorise('/other.Service/Do', bearer(TOKENS.admin))).toMatchObject({
      allowed: false,
      code: 'PERMISSION_DENIED',
      reason: 'unknown_method',
    });
    expect(authoriser.authorise('/other.Service/Do', [])).toMatchObject({ allowed: false, code: 'UNAUTHENTICATED' });
  });

  it('never mentions a token in a refusal', () => {
    for (const token of Object.values(TOKENS)) {
      for (const rpc of RPCS) expect(JSON.stringify(authoriser.authorise(HpoServiceService[rpc].path, bearer(token)))).not.toContain(token);
      expect(JSON.stringify(authoriser.authorise('/x/Y', bearer(`${token}z`)))).not.toContain(token);
    }
  });
});

describe('the open authoriser (--auth none)', () => {
  it('lets every call through without a principal', () => {
    const open = createOpenAuthoriser();
    expect(open.mode).toBe('none');
    for (const rpc of RPCS) expect(open.authorise(HpoServiceService[rpc].path, [])).toEqual({ allowed: true, principal: null });
  });
});
