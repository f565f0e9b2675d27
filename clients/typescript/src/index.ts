/**
 * The TypeScript client of hpo: connect to a server, create or load a study, and optimise.
 *
 * @example
 * ```ts
 * import { connect, TrialPruned } from '@hpo/client';
 * const client = await connect('localhost:50051');
 * const study = await client.createStudy({ name: 'quadratic', direction: 'minimize', loadIfExists: true });
 * await study.optimize(async (trial) => (await trial.suggestFloat('x', -10, 10)) ** 2, { nTrials: 20 });
 * console.log(await study.bestTrial());
 * await client.close();
 * ```
 *
 * @packageDocumentation
 */
export { connect, HpoClient, type ConnectOptions, type TlsOptions } from './client.js';
export { Study, type TellOptions, type TellResult, type TrialsQuery } from './study.js';
export { Trial, type NumberSuggestOptions } from './trial.js';
export type {
  CatchOption,
  Objective,
  OptimizeCallback,
  OptimizeOptions,
  OptimizeProgress,
  OptimizeResult,
} from './optimize.js';
export {
  Aborted,
  AlreadyExists,
  Cancelled,
  DeadlineExceeded,
  errorFromStatus,
  FailedPrecondition,
  HpoClientError,
  Internal,
  InvalidArgument,
  NotFound,
  PermissionDenied,
  ResourceExhausted,
  StudyDone,
  StudyNotFound,
  TrialNotFound,
  TrialPruned,
  Unauthenticated,
  Unavailable,
  Unimplemented,
  UnknownError,
  type StatusCode,
} from './errors.js';
export {
  backoffDelayMs,
  DEFAULT_RETRY_POLICY,
  isRetryable,
  resolveRetryOptions,
  withRetry,
  type RetryEnvironment,
  type RetryOptions,
  type RetryPolicy,
} from './retry-policy.js';
export { heartbeatIntervalMs } from './heartbeat.js';
export { newRequestId, defaultWorkerId } from './identity.js';
export type * from './types.js';
