import { InvalidArgumentError } from './errors.js';

/** A parameter value as the user sees it. */
export type ParamValue = number | string | boolean | null;

/** A real parameter in [low, high], optionally log-scaled or on a step grid. */
export interface FloatDistribution {
  readonly kind: 'float';
  readonly low: number;
  readonly high: number;
  readonly log: boolean;
  /** Values are low + k * step when set. */
  readonly step?: number;
}

/** An integer parameter in [low, high] on a step grid (step 1 by default). */
export interface IntDistribution {
  readonly kind: 'int';
  readonly low: number;
  readonly high: number;
  readonly log: boolean;
  readonly step: number;
}

/** One of a fixed list of choices; the internal value is the choice's index. */
export interface CategoricalDistribution {
  readonly kind: 'categorical';
  readonly choices: readonly ParamValue[];
}

export type Distribution = FloatDistribution | IntDistribution | CategoricalDistribution;

/** Parameters by name, in declaration order. */
export type SearchSpace = Readonly<Record<string, Distribution>>;

export const MAX_CATEGORICAL_CHOICES = 10_000;

// Relative tolerance for "step divides the range" and "value is on the grid" with floats.
const GRID_TOLERANCE = 1e-8;

/**
 * Checks a distribution the user declared; throws InvalidArgumentError naming `field` otherwise.
 * Returns the distribution unchanged, so it can be used inline.
 */
export function validateDistribution<D extends Distribution>(d: D, field: string): D {
  switch (d.kind) {
    case 'float': {
      if (!Number.isFinite(d.low)) throw new InvalidArgumentError(`${field}.low`, `must be finite, got ${d.low}`);
      if (!Number.isFinite(d.high)) throw new InvalidArgumentError(`${field}.high`, `must be finite, got ${d.high}`);
      if (d.low > d.high) throw new InvalidArgumentError(`${field}.low`, `low (${d.low}) must be <= high (${d.high})`);
      if (d.log && d.low <= 0) throw new InvalidArgumentError(`${field}.low`, `must be > 0 for a log distribution, got ${d.low}`);
      if (d.step !== undefined) {
        if (d.log) throw new InvalidArgumentError(`${field}.step`, 'cannot be combined with log');
        if (!Number.isFinite(d.step) || d.step <= 0)
          throw new InvalidArgumentError(`${field}.step`, `must be a finite number > 0, got ${d.step}`);
        const k = (d.high - d.low) / d.step;
        if (Math.abs(k - Math.round(k)) > GRID_TOLERANCE * Math.max(1, Math.abs(k)))
          throw new InvalidArgumentError(`${field}.step`, `step ${d.step} does not divide the range [${d.low}, ${d.high}]`);
      }
      return d;
    }
    case 'int': {
      for (const key of ['low', 'high', 'step'] as const) {
        if (!Number.isSafeInteger(d[key]))
          throw new InvalidArgumentError(`${field}.${key}`, `must be an integer within ±2^53, got ${d[key]}`);
      }
      if (d.low > d.high) throw new InvalidArgumentError(`${field}.low`, `low (${d.low}) must be <= high (${d.high})`);
      if (d.step < 1) throw new InvalidArgumentError(`${field}.step`, `must be >= 1, got ${d.step}`);
      if (d.log && d.low < 1) throw new InvalidArgumentError(`${field}.low`, `must be >= 1 for a log distribution, got ${d.low}`);
      if (d.log && d.step !== 1) throw new InvalidArgumentError(`${field}.step`, 'must be 1 for a log distribution');
      if ((d.high - d.low) % d.step !== 0)
        throw new InvalidArgumentError(`${field}.step`, `step ${d.step} does not divide the range [${d.low}, ${d.high}]`);
      return d;
    }
    case 'categorical': {
      if (d.choices.length === 0) throw new InvalidArgumentError(`${field}.choices`, 'must not be empty');
      if (d.choices.length > MAX_CATEGORICAL_CHOICES)
        throw new InvalidArgumentError(`${field}.choices`, `at most ${MAX_CATEGORICAL_CHOICES} choices, got ${d.choices.length}`);
      const seen = new Set<string>();
      d.choices.forEach((c, i) => {
        if (typeof c === 'number' && !Number.isFinite(c))
          throw new InvalidArgumentError(`${field}.choices[${i}]`, `must be finite, got ${c}`);
        const key = choiceKey(c);
        if (seen.has(key)) throw new InvalidArgumentError(`${field}.choices[${i}]`, `duplicate choice ${JSON.stringify(c)}`);
        seen.add(key);
      });
      return d;
    }
  }
}

function choiceKey(c: ParamValue): string {
  return `${c === null ? 'null' : typeof c}:${String(c)}`;
}

/** Whether a distribution has exactly one possible value (samplers skip it). */
export function isSingle(d: Distribution): boolean {
  switch (d.kind) {
    case 'float':
      return d.low === d.high;
    case 'int':
      return d.low === d.high;
    case 'categorical':
      return d.choices.length === 1;
  }
}

/** Whether an internal value belongs to the distribution (in range, on the grid, a valid index). */
export function containsInternal(d: Distribution, x: number): boolean {
  if (!Number.isFinite(x)) return false;
  switch (d.kind) {
    case 'float': {
      if (x < d.low || x > d.high) return false;
      if (d.step === undefined) return true;
      const k = (x - d.low) / d.step;
      return Math.abs(k - Math.round(k)) <= GRID_TOLERANCE * Math.max(1, Math.abs(k));
    }
    case 'int':
      return Number.isInteger(x) && x >= d.low && x <= d.high && (x - d.low) % d.step === 0;
    case 'categorical':
      return Number.isInteger(x) && x >= 0 && x < d.choices.length;
  }
}

/** The user's value for an internal value. */
export function toExternal(d: Distribution, x: number): ParamValue {
  return d.kind === 'categorical' ? d.choices[x] : x;
}

/** The internal value for a user's value; throws InvalidArgumentError naming `field` when it is not in `d`. */
export function toInternal(d: Distribution, value: ParamValue, field: string): number {
  if (d.kind === 'categorical') {
    const key = choiceKey(value);
    const index = d.choices.findIndex((c) => choiceKey(c) === key);
    if (index < 0) throw new InvalidArgumentError(field, `${JSON.stringify(value)} is not one of the choices`);
    return index;
  }
  if (typeof value !== 'number') throw new InvalidArgumentError(field, `must be a number, got ${JSON.stringify(value)}`);
  if (!containsInternal(d, value))
    throw new InvalidArgumentError(field, `${value} is outside ${describeDistribution(d)}`);
  // Snap float grid values exactly onto the grid so equal values compare equal.
  return snapToDistribution(d, value);
}

/**
 * The nearest value of `d` to `x`: clipped to the range, rounded to the step (log distributions round in
 * value space). Samplers that work in a continuous space use this to land on legal values.
 */
export function snapToDistribution(d: Distribution, x: number): number {
  switch (d.kind) {
    case 'float': {
      const clipped = Math.min(d.high, Math.max(d.low, x));
      if (d.step === undefined) return clipped;
      const k = Math.round((clipped - d.low) / d.step);
      return Math.min(d.high, d.low + k * d.step);
    }
    case 'int': {
      const clipped = Math.min(d.high, Math.max(d.low, x));
      const k = Math.round((clipped - d.low) / d.step);
      return Math.min(d.high, d.low + k * d.step);
    }
    case 'categorical':
      return Math.min(d.choices.length - 1, Math.max(0, Math.round(x)));
  }
}

/** Structural equality: the same kind, bounds, scale, step and choices. */
export function distributionsEqual(a: Distribution, b: Distribution): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'categorical' && b.kind === 'categorical')
    return a.choices.length === b.choices.length && a.choices.every((c, i) => choiceKey(c) === choiceKey(b.choices[i]));
  if (a.kind === 'float' && b.kind === 'float')
    return a.low === b.low && a.high === b.high && a.log === b.log && a.step === b.step;
  if (a.kind === 'int' && b.kind === 'int')
    return a.low === b.low && a.high === b.high && a.log === b.log && a.step === b.step;
  return false;
}

/** A short human description, for error messages. */
export function describeDistribution(d: Distribution): string {
  switch (d.kind) {
    case 'float':
      return `float [${d.low}, ${d.high}]${d.log ? ' log' : ''}${d.step !== undefined ? ` step ${d.step}` : ''}`;
    case 'int':
      return `int [${d.low}, ${d.high}]${d.log ? ' log' : ''}${d.step !== 1 ? ` step ${d.step}` : ''}`;
    case 'categorical':
      return `categorical ${JSON.stringify(d.choices)}`;
  }
}
