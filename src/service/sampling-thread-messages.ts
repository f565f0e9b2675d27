import type { SearchSpace } from '../core/distribution.js';
import {
  AbortedError,
  AlreadyExistsError,
  FailedPreconditionError,
  InternalError,
  InvalidArgumentError,
  NotFoundError,
  PermissionDeniedError,
  ResourceExhaustedError,
  UnauthenticatedError,
  UnavailableError,
} from '../core/errors.js';
import type { Json } from '../core/json.js';
import { SamplerExhausted } from '../core/sampler.js';
import type { Direction } from '../core/study.js';
import type { FrozenTrial } from '../core/trial.js';
import type { PrunerSpec } from '../../pruners/pruner-spec.js';
import type { SamplerSpec } from '../../samplers/sampler-spec.js';
import type { TrialsByState } from './study-cache.js';

/** What the sampling thread needs to build a study's sampler, pruner and views. */
export interface StudySetup {
  readonly base: { readonly id: number; readonly name: string; readonly directions: readonly Direction[]; readonly seed: number };
  readonly sampler: SamplerSpec;
  readonly pruner: PrunerSpec;
}

/**
 * To the sampling thread. A sample request brings the study's mirror up to the version it samples over: the
 * whole study (with `setup`, replacing any mirror of it), or the trial versions changed since the last request.
 */
export type ToSamplingThread =
  | {
      readonly kind: 'sample';
      readonly id: number;
      readonly studyId: number;
      readonly setup?: StudySetup;
      readonly full?: TrialsByState;
      readonly changes?: readonly FrozenTrial[];
      /**
       * The overrides are the previous request's first `keep` ones (of this study) followed by `overrides`: a
       * batch's asks each add the trial the previous one took, so each request sends two trials, not all taken.
       */
      readonly keep: number;
      readonly overrides: readonly WireOverride[];
      readonly fresh: FrozenTrial;
      readonly space: SearchSpace;
    }
  | { readonly kind: 'forget'; readonly studyId: number };

/** An override as sent: a trial, or the trial an earlier request of the study sampled (answered or not yet). */
export type WireOverride = FrozenTrial | { readonly ref: number };

/** What sampling chose for the fresh trial. */
export interface SampledParams {
  readonly params: FrozenTrial['params'];
  readonly internalParams: FrozenTrial['internalParams'];
  readonly distributions: FrozenTrial['distributions'];
  readonly systemAttrs: Readonly<Record<string, Json>>;
}

export type FromSamplingThread = { readonly id: number; readonly ok: SampledParams } | { readonly id: number; readonly error: SerializedError };

/** An error as it crosses threads: structured clone keeps neither the class nor its own fields. */
export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
  readonly field?: string;
  readonly reason?: string;
  readonly entity?: 'study' | 'trial';
  readonly key?: string;
}

export function serializeError(error: unknown): SerializedError {
  if (error instanceof SamplerExhausted) return { name: 'SamplerExhausted', message: error.message, stack: error.stack, reason: error.reason };
  if (error instanceof InvalidArgumentError) return { name: 'InvalidArgumentError', message: error.message, stack: error.stack, field: error.field };
  if (error instanceof NotFoundError) return { name: 'NotFoundError', message: error.message, stack: error.stack, entity: error.entity, key: error.key };
  if (error instanceof Error) return { name: error.name, message: error.message, stack: error.stack };
  return { name: 'Error', message: String(error) };
}

const PLAIN: Record<string, new (message: string) => Error> = {
  AlreadyExistsError,
  FailedPreconditionError,
  ResourceExhaustedError,
  UnavailableError,
  UnauthenticatedError,
  PermissionDeniedError,
  AbortedError,
  InternalError,
};

/** The error of the class serializeError saw (HpoError subclasses and SamplerExhausted; others as plain Errors). */
export function deserializeError(s: SerializedError): Error {
  let error: Error;
  if (s.name === 'SamplerExhausted') error = new SamplerExhausted(s.reason ?? s.message);
  else if (s.name === 'InvalidArgumentError' && s.field !== undefined) {
    const prefix = `${s.field}: `;
    error = new InvalidArgumentError(s.field, s.message.startsWith(prefix) ? s.message.slice(prefix.length) : s.message);
  } else if (s.name === 'NotFoundError' && s.entity !== undefined && s.key !== undefined) error = new NotFoundError(s.entity, s.key);
  else if (PLAIN[s.name]) error = new PLAIN[s.name](s.message);
  else {
    error = new Error(s.message);
    error.name = s.name;
  }
  // The sampler's own stack (in the sampling thread) is what a log of this error should show.
  if (s.stack !== undefined) error.stack = s.stack;
  return error;
}
