import { LIMITS as SERVICE_LIMITS } from '../service/limits.js';
import { MAX_OBJECTIVES } from './convert/study.js';
import { MAX_ID_LENGTH, MAX_NAME_LENGTH, MAX_PARAM_NAME_LENGTH } from './convert/wire-checks.js';

/**
 * Every limit on what a caller may send, listed in one place with its default and the layer that enforces it.
 * Each protects the server or the database from one careless or hostile client; none should bind an honest
 * study. Each is enforced once, at the layer that can see it:
 *
 *   limit                                   default     enforced by                           status
 *   message size (request and response)     4 MiB       grpc-js (config --max-message-bytes)  RESOURCE_EXHAUSTED
 *   categorical choices / grid axis values  10,000      request-limits.ts (this layer)        INVALID_ARGUMENT
 *   a string parameter value                1,024 ch.   request-limits.ts                     INVALID_ARGUMENT
 *   grid axes                               1,000       request-limits.ts                     INVALID_ARGUMENT
 *   parameters in one enqueued trial        1,000       request-limits.ts                     INVALID_ARGUMENT
 *   constraint values of one tell           64          request-limits.ts                     INVALID_ARGUMENT
 *   user attributes in one request          256         request-limits.ts                     INVALID_ARGUMENT
 *   states in one ListTrials filter         16          request-limits.ts                     INVALID_ARGUMENT
 *   study name, attribute key               256 ch.     convert/wire-checks.ts                INVALID_ARGUMENT
 *   parameter name                          128 ch.     convert/wire-checks.ts                INVALID_ARGUMENT
 *   worker id, request id                   256 ch.     convert/wire-checks.ts                INVALID_ARGUMENT
 *   page token                              1,024 ch.   convert/requests.ts                   INVALID_ARGUMENT
 *   attribute nesting                       32 levels   convert/json-value.ts                 INVALID_ARGUMENT
 *   pruners wrapped in each other           4           convert/pruner-spec.ts                INVALID_ARGUMENT
 *   parameters per trial (ask, suggest)     1,000       service/limits.ts (and suggest.ts)    RESOURCE_EXHAUSTED
 *   intermediate values per trial           100,000     service/limits.ts (report.ts)         RESOURCE_EXHAUSTED
 *   objectives                              16          service/limits.ts (convert/study.ts)    INVALID_ARGUMENT
 *   one attribute value as JSON             64 KiB      service/limits.ts                     INVALID_ARGUMENT
 *   fail_reason                             4,096 ch.   service/limits.ts                     INVALID_ARGUMENT
 *   ListStudies / ListTrials page_size      1,000 / 10,000  service/limits.ts                 INVALID_ARGUMENT
 *
 * This layer (the security interceptor, before any conversion) bounds only what nothing behind it bounds: the
 * counts and sizes inside one request that would otherwise reach a sampler or a row. INVALID_ARGUMENT there
 * means "this request is malformed as sent"; RESOURCE_EXHAUSTED means "the stored whole would grow too large".
 */
export interface Limits {
  /** Largest request or response, in bytes; gRPC's own default. */
  readonly maxMessageBytes: number;
  /** Choices of one categorical distribution, and values of one grid axis. */
  readonly maxCategoricalChoices: number;
  /** A string value of a parameter: a categorical choice, a grid value, an enqueued value. */
  readonly maxStringValueLength: number;
  /** Parameters of one trial: grid axes, an enqueued trial (the service holds ask and suggest to the same number). */
  readonly maxParamsPerTrial: number;
  /** Constraint values of one tell. */
  readonly maxConstraints: number;
  /** User attributes in one request (create study, enqueue trial). */
  readonly maxUserAttrsPerRequest: number;
  /** States in one ListTrials filter (there are five; repeats are harmless, thousands are not). */
  readonly maxStateFilters: number;
}

export const DEFAULT_LIMITS: Limits = Object.freeze({
  maxMessageBytes: 4 * 1024 * 1024,
  maxCategoricalChoices: 10_000,
  maxStringValueLength: 1024,
  maxParamsPerTrial: SERVICE_LIMITS.paramsPerTrial,
  maxConstraints: 64,
  maxUserAttrsPerRequest: 256,
  maxStateFilters: 16,
});

/** The limits enforced behind this layer, re-exported so that a reader (or a test) finds every number here. */
export { SERVICE_LIMITS };
export const CONVERSION_LIMITS = Object.freeze({
  nameLength: MAX_NAME_LENGTH,
  paramNameLength: MAX_PARAM_NAME_LENGTH,
  idLength: MAX_ID_LENGTH,
  objectives: MAX_OBJECTIVES,
});

/** The grpc-js server (or client) options that enforce `maxMessageBytes` in both directions. */
export function grpcMessageSizeOptions(limits: Pick<Limits, 'maxMessageBytes'>): Record<string, number> {
  return {
    'grpc.max_receive_message_length': limits.maxMessageBytes,
    'grpc.max_send_message_length': limits.maxMessageBytes,
  };
}
