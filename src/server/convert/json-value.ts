import { InvalidArgumentError } from '../../core/errors.js';
import type { Json } from '../../core/json.js';
import type { Attribute } from '../../generated/hpo/v1/distribution.js';
import { MAX_NAME_LENGTH, requireName, requireUnique } from './wire-checks.js';

/** How deep a JSON attribute may nest; deeper values are almost certainly a client bug. */
const MAX_JSON_DEPTH = 32;

/**
 * A google.protobuf.Value (ts-proto hands it over already unwrapped to plain JS) as Json. Unset values are
 * rejected rather than turned into null, and numbers must be finite: Postgres jsonb cannot keep NaN.
 */
export function jsonFromWire(value: unknown, field: string, depth = 0): Json {
  if (depth > MAX_JSON_DEPTH) throw new InvalidArgumentError(field, `nests deeper than ${MAX_JSON_DEPTH} levels`);
  if (value === undefined) throw new InvalidArgumentError(field, 'must be set (use null_value for null)');
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new InvalidArgumentError(field, `must be a finite number, got ${value}`);
    return value;
  }
  if (Array.isArray(value)) return value.map((v, i) => jsonFromWire(v, `${field}[${i}]`, depth + 1));
  if (typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, jsonFromWire(v, `${field}.${k}`, depth + 1)]),
    );
  }
  throw new InvalidArgumentError(field, `is not a JSON value (${typeof value})`);
}

/** Json as what ts-proto wraps into a google.protobuf.Value: the plain value itself. */
export function jsonToWire(value: Json): unknown {
  return value;
}

/** Attributes as a record; keys checked for length and duplicates. */
export function attributesFromWire(attrs: readonly Attribute[], field: string): Record<string, Json> {
  const entries = attrs.map((a, i): [string, Json] => [
    requireName(a.key, `${field}[${i}].key`, MAX_NAME_LENGTH),
    jsonFromWire(a.value, `${field}[${i}].value`),
  ]);
  requireUnique(entries, ([k]) => k, (i) => `${field}[${i}].key`, 'key');
  return Object.fromEntries(entries);
}

export function attributesToWire(attrs: Readonly<Record<string, Json>>): Attribute[] {
  return Object.entries(attrs).map(([key, value]) => ({ key, value: jsonToWire(value) }));
}
