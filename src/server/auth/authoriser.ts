import { CREATE_STUDY_PATH, LOAD_EXISTING_STUDY_SCOPE, requirementOf } from './rpc-scopes.js';
import { scopeGrants } from './scope.js';
import { type Principal, createTokenAuthenticator } from './token-authenticator.js';
import type { TokenEntry } from './tokens-file.js';

/** Why a call was refused, in the words of the audit log. */
export type RefusalReason = 'missing' | 'malformed' | 'unknown_token' | 'insufficient_scope' | 'unknown_method';

export type AuthDecision =
  | {
      readonly allowed: true;
      /** Null when auth is off or the method is open. */
      readonly principal: Principal | null;
      /**
       * Set when the call may proceed only if it changes nothing: a CreateStudy by a worker must carry
       * load_if_exists and name an existing study (see LOAD_EXISTING_STUDY_SCOPE).
       */
      readonly condition?: 'load-existing-study-only';
    }
  | {
      readonly allowed: false;
      readonly code: 'UNAUTHENTICATED' | 'PERMISSION_DENIED';
      readonly reason: RefusalReason;
      /** What the caller is told; never holds a token. */
      readonly message: string;
      /** The token's name when the token was valid but not enough. */
      readonly principal: Principal | null;
    };

/** Decides whether a call to a method path (`/hpo.v1.HpoService/Ask`) with its `authorization` metadata may proceed. */
export interface Authoriser {
  readonly mode: 'none' | 'tokens';
  authorise(path: string, authorization: readonly (string | Buffer)[]): AuthDecision;
}

/** `--auth none`: every call proceeds, as on a trusted network. */
export function createOpenAuthoriser(): Authoriser {
  return { mode: 'none', authorise: () => ({ allowed: true, principal: null }) };
}

/** `--auth tokens`: bearer tokens with scopes; open services (health) need none, unknown methods are refused. */
export function createTokenAuthoriser(entries: readonly TokenEntry[]): Authoriser {
  const authenticate = createTokenAuthenticator(entries);
  return {
    mode: 'tokens',
    authorise(path, authorization) {
      const requirement = requirementOf(path);
      if (requirement.kind === 'open') return { allowed: true, principal: null };
      const authentication = authenticate(authorization);
      if (!authentication.ok)
        return { allowed: false, code: 'UNAUTHENTICATED', reason: authentication.reason, message: authentication.message, principal: null };
      const { principal } = authentication;
      if (requirement.kind === 'unknown')
        return {
          allowed: false,
          code: 'PERMISSION_DENIED',
          reason: 'unknown_method',
          message: `${path} has no scope defined, so no token may call it`,
          principal,
        };
      if (!scopeGrants(principal.scope, requirement.scope)) {
        if (path === CREATE_STUDY_PATH && scopeGrants(principal.scope, LOAD_EXISTING_STUDY_SCOPE))
          return { allowed: true, principal, condition: 'load-existing-study-only' };
        return {
          allowed: false,
          code: 'PERMISSION_DENIED',
          reason: 'insufficient_scope',
          message: `token "${principal.tokenName}" has scope ${principal.scope}; ${path} needs ${requirement.scope}`,
          principal,
        };
      }
      return { allowed: true, principal };
    },
  };
}
