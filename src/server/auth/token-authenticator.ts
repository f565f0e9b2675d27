import type { Scope } from './scope.js';
import { digestsEqual, hashToken } from './token-hash.js';
import type { TokenEntry } from './tokens-file.js';

/** Who made a call, as far as the server knows: a token's name and scope (never the token). */
export interface Principal {
  readonly tokenName: string;
  readonly scope: Scope;
}

export type Authentication =
  | { readonly ok: true; readonly principal: Principal }
  | { readonly ok: false; readonly reason: 'missing' | 'malformed' | 'unknown_token'; readonly message: string };

/** RFC 6750 §2.1: the scheme is case-insensitive; the token is one b64token. */
const BEARER_PATTERN = /^bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

/**
 * Finds which token, if any, an `authorization` metadata value carries. The presented token is hashed at once
 * and compared with every known digest in constant time, without stopping at a match, so the time taken says
 * nothing about which digest came close.
 */
export function createTokenAuthenticator(entries: readonly TokenEntry[]): (authorization: readonly (string | Buffer)[]) => Authentication {
  const known = entries.map((entry) => ({ ...entry, sha256: Buffer.from(entry.sha256) }));
  return (authorization) => {
    if (authorization.length === 0)
      return { ok: false, reason: 'missing', message: 'no credentials: send the metadata "authorization: Bearer <token>"' };
    if (authorization.length > 1) return { ok: false, reason: 'malformed', message: 'more than one authorization metadata entry' };
    const value = authorization[0];
    const match = typeof value === 'string' ? BEARER_PATTERN.exec(value) : null;
    if (match === null) return { ok: false, reason: 'malformed', message: 'the authorization metadata must be "Bearer <token>"' };
    const presented = hashToken(match[1]);
    let found: TokenEntry | undefined;
    for (const entry of known) {
      if (digestsEqual(entry.sha256, presented) && found === undefined) found = entry;
    }
    if (found === undefined) return { ok: false, reason: 'unknown_token', message: 'the bearer token is not valid' };
    return { ok: true, principal: { tokenName: found.name, scope: found.scope } };
  };
}
