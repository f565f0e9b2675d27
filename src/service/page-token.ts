import { InvalidArgumentError } from '../core/errors.js';

/**
 * Opaque page tokens: base64url JSON of where the next page starts and what it lists, so a token from
 * one listing is refused by another.
 */
export function encodePageToken(scope: string, after: number): string {
  return Buffer.from(JSON.stringify({ s: scope, a: after }), 'utf8').toString('base64url');
}

/** The position in a token, or `initial` when the token is empty. */
export function decodePageToken(token: string | undefined, scope: string, initial: number, field = 'page_token'): number {
  if (token === undefined || token === '') return initial;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidArgumentError(field, 'is not a page token returned by this listing');
  }
  const p = parsed as { s?: unknown; a?: unknown };
  if (typeof p !== 'object' || p === null || p.s !== scope || typeof p.a !== 'number' || !Number.isSafeInteger(p.a))
    throw new InvalidArgumentError(field, 'is not a page token returned by this listing');
  return p.a;
}
