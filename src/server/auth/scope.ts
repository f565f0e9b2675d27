import { InvalidArgumentError } from '../../core/errors.js';

/**
 * What a bearer token may do. Scopes are nested: `read` ⊂ `worker` ⊂ `admin`.
 *
 * - `read`: list and inspect studies and trials (what the inspection CLI and dashboards need).
 * - `worker`: everything `read` may, plus the trial life cycle a training job drives (ask, suggest, report,
 *   tell, heartbeat), enqueueing trials and setting user attributes. A worker has to read its study to run it
 *   (directions, best trial), hence the nesting.
 * - `admin`: everything, in particular creating and deleting studies (which studies exist at all).
 *
 * Enqueueing is a worker's right, not an admin's: Optuna scripts call `study.enqueue_trial` from the training
 * job itself, and a waiting trial gives no power a worker does not already have by asking and telling.
 */
export type Scope = 'read' | 'worker' | 'admin';

/** Every scope, weakest first. */
export const SCOPES: readonly Scope[] = ['read', 'worker', 'admin'];

const RANK: Readonly<Record<Scope, number>> = { read: 0, worker: 1, admin: 2 };

/** Whether a token holding `granted` may make a call that requires `required`. */
export function scopeGrants(granted: Scope, required: Scope): boolean {
  return RANK[granted] >= RANK[required];
}

export function isScope(value: string): value is Scope {
  return Object.hasOwn(RANK, value);
}

/** Parses a scope named by a user (tokens file, flag); `field` names where it came from. */
export function parseScope(value: string, field: string): Scope {
  if (!isScope(value)) throw new InvalidArgumentError(field, `unknown scope "${value}"; expected one of ${SCOPES.join(', ')}`);
  return value;
}
