import { createHash, timingSafeEqual } from 'node:crypto';

/** SHA-256 of a token's UTF-8 bytes: the only form in which a token is kept in memory. */
export function hashToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/**
 * Compares two SHA-256 digests in time independent of where they differ (both are always 32 bytes, so
 * `timingSafeEqual` never throws on length).
 */
export function digestsEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
