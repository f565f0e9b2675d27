import { InvalidArgumentError } from '../../core/errors.js';
import { LIMITS } from '../../service/limits.js';

/**
 * Small checks shared by the wire conversions. Each names the field in proto style
 * (`search_space[2].distribution.float.low`), since that is what a client's author sees in the .proto file.
 */

// The numbers are the service's (src/service/limits.ts); checked here as well so the error names the wire field.
/** Parameter names (proto: 1..128 characters). */
export const MAX_PARAM_NAME_LENGTH = LIMITS.paramNameLength;
/** Study names and attribute keys (proto: 1..256 characters). */
export const MAX_NAME_LENGTH = LIMITS.studyNameLength;
/** Worker ids and request ids: free text, but bounded so a bad client cannot store megabytes per trial. */
export const MAX_ID_LENGTH = LIMITS.requestIdLength;

export function requireName(value: string, field: string, max: number): string {
  if (value.length === 0) throw new InvalidArgumentError(field, 'must not be empty');
  if (value.length > max) throw new InvalidArgumentError(field, `must be at most ${max} characters, got ${value.length}`);
  return value;
}

/** An optional free-text id: empty means unset. */
export function optionalId(value: string, field: string): string | undefined {
  if (value.length === 0) return undefined;
  if (value.length > MAX_ID_LENGTH)
    throw new InvalidArgumentError(field, `must be at most ${MAX_ID_LENGTH} characters, got ${value.length}`);
  return value;
}

export function requireFinite(value: number, field: string): number {
  if (!Number.isFinite(value)) throw new InvalidArgumentError(field, `must be a finite number, got ${value}`);
  return value;
}

export function optionalFinite(value: number | undefined, field: string): number | undefined {
  return value === undefined ? undefined : requireFinite(value, field);
}

/** A trial id: int64 on the wire, a positive safe integer here. */
export function requireTrialId(value: number, field: string): number {
  if (!Number.isSafeInteger(value) || value <= 0) throw new InvalidArgumentError(field, `must be a positive trial id, got ${value}`);
  return value;
}

/** Names the first repeated entry whose key was seen before. */
export function requireUnique<T>(items: readonly T[], keyOf: (item: T) => string, field: (i: number) => string, what: string): void {
  const seen = new Map<string, number>();
  items.forEach((item, i) => {
    const key = keyOf(item);
    const first = seen.get(key);
    if (first !== undefined) throw new InvalidArgumentError(field(i), `duplicate ${what} "${key}" (first at index ${first})`);
    seen.set(key, i);
  });
}
