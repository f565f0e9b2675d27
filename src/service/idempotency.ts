import { InvalidArgumentError } from '../core/errors.js';
import { findRequestResponse, lockRequestKey, saveRequestResponse } from '../storage/request-repository.js';
import type { Tx } from './service-context.js';

/**
 * Request ids make retries safe: a mutating call with a request id stores a small response (ids, never
 * full records, so no NaN ever reaches jsonb) in the same transaction as its writes; a retry finds it and
 * answers the same. The key is locked first, so concurrent retries of one call run one after the other.
 */
export async function recallResponse<T>(trx: Tx, method: string, requestId: string | undefined): Promise<T | undefined> {
  if (requestId === undefined) return undefined;
  await lockRequestKey(trx, method, requestId);
  const stored = await findRequestResponse(trx, method, requestId);
  return stored as T | undefined;
}

export async function rememberResponse(trx: Tx, method: string, requestId: string | undefined, response: unknown): Promise<void> {
  if (requestId === undefined) return;
  await saveRequestResponse(trx, method, requestId, response);
}

/** A stored response that does not belong to this call (same request id, different target). */
export function requestIdReused(what: string): InvalidArgumentError {
  return new InvalidArgumentError('request_id', `was already used for a different ${what}; use a new request id per call`);
}
