import { AbortedError, HpoError, UnavailableError } from '../core/errors.js';

// Postgres SQLSTATEs: 40001 serialization_failure, 40P01 deadlock_detected (a retry may succeed).
const CONFLICT_CODES = new Set(['40001', '40P01']);
// 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now, 53300 too_many_connections.
// 57014 query_canceled: statement_timeout fired (a database too slow or stuck to answer is unavailable to us).
const UNAVAILABLE_CODES = new Set(['57P01', '57P02', '57P03', '53300', '57014']);
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'EAI_AGAIN']);
const UNAVAILABLE_MESSAGES = [
  /connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /Connection terminated unexpectedly/i,
  /Client has encountered a connection error/i,
  /the embedded database is closed/i,
  // kysely, once the store was closed (shutdown under way).
  /driver has already been destroyed/i,
  /Cannot use a pool after calling end/i,
  /Query read timeout/i,
  /Client was closed and is not queryable/i,
  /Connection terminated due to connection timeout/i,
];

function codeOf(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = (error as { code: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

/** Whether the error is a transient conflict between concurrent transactions (safe to retry the transaction). */
export function isConflict(error: unknown): boolean {
  const code = codeOf(error);
  return code !== undefined && CONFLICT_CODES.has(code);
}

/** Whether the error says the database could not be reached (or went away mid-call). */
export function isUnavailable(error: unknown): boolean {
  const code = codeOf(error);
  if (code !== undefined && (UNAVAILABLE_CODES.has(code) || NETWORK_CODES.has(code) || code.startsWith('08'))) return true;
  if (error instanceof AggregateError) return error.errors.some(isUnavailable);
  const message = error instanceof Error ? error.message : '';
  return UNAVAILABLE_MESSAGES.some((re) => re.test(message));
}

/** Whether the error is a unique-constraint violation, optionally of a named constraint. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  if (codeOf(error) !== '23505') return false;
  if (constraint === undefined) return true;
  return (error as { constraint?: string }).constraint === constraint;
}

/**
 * Turns a driver error into the HpoError family where one applies (UNAVAILABLE, ABORTED); HpoErrors and
 * anything unknown pass through unchanged (unknown errors become INTERNAL at the edge).
 */
export function mapStorageError(error: unknown): unknown {
  if (error instanceof HpoError) return error;
  if (isUnavailable(error)) return new UnavailableError('the database is unavailable; retry later', { cause: error });
  if (isConflict(error)) return new AbortedError('the call conflicted with a concurrent one; retry it', { cause: error });
  return error;
}
