import { type Distribution, type ParamValue, type SearchSpace, validateDistribution } from '../core/distribution.js';
import { InvalidArgumentError, ResourceExhaustedError } from '../core/errors.js';
import type { Json } from '../core/json.js';
import type { Direction } from '../core/study.js';
import type { TrialState } from '../core/trial.js';

/** The limits every input is held to (issue 2 item 7). */
export const LIMITS = {
  studyNameLength: 256,
  paramNameLength: 128,
  paramsPerTrial: 1000,
  /** Reported steps kept per trial: 100 epochs of 1,000 batches each. */
  intermediateValuesPerTrial: 100_000,
  attrKeyLength: 256,
  attrValueBytes: 64 * 1024,
  /** More objectives than this is a client bug, not a study. */
  objectives: 16,
  requestIdLength: 256,
  workerIdLength: 256,
  failReasonLength: 4096,
  listTrialsDefaultPageSize: 1000,
  listTrialsMaxPageSize: 10_000,
  listStudiesDefaultPageSize: 100,
  listStudiesMaxPageSize: 1000,
  maxRetries: 100,
  maxHeartbeatGraceSeconds: 7 * 24 * 3600,
} as const;

export const TRIAL_STATES: readonly TrialState[] = ['WAITING', 'RUNNING', 'COMPLETE', 'PRUNED', 'FAIL'];

export function validateStudyName(name: unknown, field = 'name'): string {
  if (typeof name !== 'string' || name.length === 0)
    throw new InvalidArgumentError(field, 'must be a non-empty string');
  if (name.length > LIMITS.studyNameLength)
    throw new InvalidArgumentError(field, `must be at most ${LIMITS.studyNameLength} characters, got ${name.length}`);
  return name;
}

export function validateDirections(directions: unknown, field = 'directions'): Direction[] {
  if (!Array.isArray(directions) || directions.length === 0)
    throw new InvalidArgumentError(field, 'must list at least one direction (minimize or maximize)');
  if (directions.length > LIMITS.objectives)
    throw new InvalidArgumentError(field, `at most ${LIMITS.objectives} objectives, got ${directions.length}`);
  directions.forEach((d, i) => {
    if (d !== 'minimize' && d !== 'maximize')
      throw new InvalidArgumentError(`${field}[${i}]`, `must be minimize or maximize, got ${JSON.stringify(d)}`);
  });
  return directions as Direction[];
}

export function validateParamName(name: unknown, field: string): string {
  if (typeof name !== 'string' || name.length === 0) throw new InvalidArgumentError(field, 'must be a non-empty string');
  if (name.length > LIMITS.paramNameLength)
    throw new InvalidArgumentError(field, `must be at most ${LIMITS.paramNameLength} characters, got ${name.length}`);
  return name;
}

/** A declared search space: names, count and every distribution. */
export function validateSearchSpace(space: SearchSpace | undefined, field = 'search_space'): SearchSpace {
  if (space === undefined || space === null) return {};
  const names = Object.keys(space);
  if (names.length > LIMITS.paramsPerTrial)
    throw new ResourceExhaustedError(`${field}: at most ${LIMITS.paramsPerTrial} parameters, got ${names.length}`);
  for (const name of names) {
    validateParamName(name, `${field}.${name}`);
    validateDistributionShape(space[name], `${field}.${name}`);
  }
  return space;
}

/** A distribution as decoded from the wire: its shape, then its values (validateDistribution). */
export function validateDistributionShape(d: Distribution, field: string): Distribution {
  if (typeof d !== 'object' || d === null) throw new InvalidArgumentError(field, 'must be a distribution');
  if (d.kind !== 'float' && d.kind !== 'int' && d.kind !== 'categorical')
    throw new InvalidArgumentError(`${field}.kind`, 'must be float, int or categorical');
  if (d.kind === 'categorical' && !Array.isArray(d.choices))
    throw new InvalidArgumentError(`${field}.choices`, 'must be a list');
  if (d.kind === 'categorical') {
    d.choices.forEach((c, i) => validateParamValue(c, `${field}.choices[${i}]`));
  } else {
    if (typeof d.low !== 'number') throw new InvalidArgumentError(`${field}.low`, 'must be a number');
    if (typeof d.high !== 'number') throw new InvalidArgumentError(`${field}.high`, 'must be a number');
    if (typeof d.log !== 'boolean') throw new InvalidArgumentError(`${field}.log`, 'must be a boolean');
  }
  return validateDistribution(d, field);
}

/** A user's parameter value: a finite number, string, boolean or null. */
export function validateParamValue(value: unknown, field: string): ParamValue {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new InvalidArgumentError(field, `must be finite, got ${value}`);
    return value;
  }
  throw new InvalidArgumentError(field, 'must be a number, string, boolean or null');
}

/** A JSON value (no NaN/Infinity, which JSON cannot hold), serialized; at most `maxBytes`. */
export function serializeJson(value: unknown, field: string, maxBytes: number = LIMITS.attrValueBytes): string {
  assertJson(value, field, 0);
  const text = JSON.stringify(value);
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > maxBytes)
    throw new InvalidArgumentError(field, `must be at most ${maxBytes} bytes serialized, got ${bytes}`);
  return text;
}

function assertJson(value: unknown, field: string, depth: number): asserts value is Json {
  if (depth > 64) throw new InvalidArgumentError(field, 'is nested too deeply');
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new InvalidArgumentError(field, `must not hold ${value} (not representable in JSON)`);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => assertJson(v, `${field}[${i}]`, depth + 1));
    return;
  }
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const [k, v] of Object.entries(value)) assertJson(v, `${field}.${k}`, depth + 1);
    return;
  }
  throw new InvalidArgumentError(field, 'must be a JSON value');
}

export function validateAttrKey(key: unknown, field = 'key'): string {
  if (typeof key !== 'string' || key.length === 0) throw new InvalidArgumentError(field, 'must be a non-empty string');
  if (key.length > LIMITS.attrKeyLength)
    throw new InvalidArgumentError(field, `must be at most ${LIMITS.attrKeyLength} characters, got ${key.length}`);
  return key;
}

/** A map of user attributes: keys and values checked; returns it serialized. */
export function serializeUserAttrs(attrs: unknown, field = 'user_attrs'): string {
  if (attrs === undefined || attrs === null) return '{}';
  if (typeof attrs !== 'object' || Array.isArray(attrs)) throw new InvalidArgumentError(field, 'must be a map');
  for (const [k, v] of Object.entries(attrs)) {
    validateAttrKey(k, `${field} key`);
    serializeJson(v, `${field}.${k}`);
  }
  return serializeJson(attrs, field, LIMITS.attrValueBytes * 16);
}

/** Optional request id: '' (the wire default) means none. */
export function validateRequestId(id: string | undefined, field = 'request_id'): string | undefined {
  if (id === undefined || id === '') return undefined;
  if (typeof id !== 'string') throw new InvalidArgumentError(field, 'must be a string');
  if (id.length > LIMITS.requestIdLength)
    throw new InvalidArgumentError(field, `must be at most ${LIMITS.requestIdLength} characters, got ${id.length}`);
  return id;
}

/** Optional worker id: '' means none. */
export function validateWorkerId(id: string | undefined, field = 'worker_id'): string | undefined {
  if (id === undefined || id === '') return undefined;
  if (typeof id !== 'string') throw new InvalidArgumentError(field, 'must be a string');
  if (id.length > LIMITS.workerIdLength)
    throw new InvalidArgumentError(field, `must be at most ${LIMITS.workerIdLength} characters, got ${id.length}`);
  return id;
}

export function validateTrialId(id: unknown, field = 'trial_id'): number {
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0)
    throw new InvalidArgumentError(field, `must be a positive integer, got ${String(id)}`);
  return id;
}

/** A page size: undefined or 0 gives the default; above the max is an error. */
export function validatePageSize(size: number | undefined, defaultSize: number, maxSize: number, field = 'page_size'): number {
  if (size === undefined || size === 0) return defaultSize;
  if (!Number.isSafeInteger(size) || size < 0) throw new InvalidArgumentError(field, `must be a non-negative integer, got ${size}`);
  if (size > maxSize) throw new InvalidArgumentError(field, `must be at most ${maxSize}, got ${size}`);
  return size;
}

export function validateTrialStates(states: readonly TrialState[] | undefined, field = 'states'): TrialState[] | undefined {
  if (!states || states.length === 0) return undefined;
  states.forEach((s, i) => {
    if (!TRIAL_STATES.includes(s)) throw new InvalidArgumentError(`${field}[${i}]`, `unknown trial state ${JSON.stringify(s)}`);
  });
  return [...new Set(states)];
}
