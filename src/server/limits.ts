import { MAX_ID_LENGTH, MAX_NAME_LENGTH, MAX_PARAM_NAME_LENGTH } from './convert/wire-checks.js';

/**
 * Every limit on what a caller may send, in one place, with its default. Each one protects the server or the
 * database from a single careless or hostile client; none should bind an honest study.
 *
 * Who enforces what:
 * - `maxMessageBytes`: grpc-js itself (server options from `grpcMessageSizeOptions`), RESOURCE_EXHAUSTED.
 * - counts, attribute sizes and depth, page sizes: `checkRequestLimits` (request-limits.ts), run by the security
 *   interceptor on every decoded request before any handler sees it.
 * - name and id lengths: the wire conversions (convert/wire-checks.ts), which own those constants; they are
 *   re-exported here so that this file lists every limit. The conversions also bound attribute nesting
 *   (32 levels, convert/json-value.ts), pruner nesting (4, convert/pruner-spec.ts) and page tokens (1024
 *   characters, convert/requests.ts).
 * - per-trial totals that depend on stored state (parameters, intermediate values): the service, inside the
 *   transaction that would exceed them.
 */
export interface Limits {
  /** Largest request or response, in bytes. gRPC's own default, 4 MiB; a grid of 10,000 points fits easily. */
  readonly maxMessageBytes: number;
  /** Parameters of one trial: a declared search space, one suggest, an enqueued trial, grid axes, and a trial's total. */
  readonly maxParamsPerTrial: number;
  /** Intermediate values (reported steps) kept per trial: 100 epochs of 1,000 batches each. */
  readonly maxIntermediateValuesPerTrial: number;
  /** Choices of one categorical distribution, and values of one grid axis. */
  readonly maxCategoricalChoices: number;
  /** Objectives (directions) of a study, and values of one tell. */
  readonly maxObjectives: number;
  /** Constraint values of one tell. */
  readonly maxConstraints: number;
  /** User attributes in one request (create study, enqueue trial). */
  readonly maxUserAttrsPerRequest: number;
  /** A string value of a parameter: a categorical choice, a grid value, an enqueued value. */
  readonly maxStringValueLength: number;
  /** One attribute value, serialised as JSON, in bytes. */
  readonly maxAttrValueBytes: number;
  /** A tell's fail_reason, in characters. */
  readonly maxFailReasonLength: number;
  /** States in one ListTrials filter (there are five; repeats are harmless, thousands are not). */
  readonly maxStateFilters: number;
  /** ListStudies page_size (the proto documents 1000). */
  readonly maxStudiesPageSize: number;
  /** ListTrials page_size (the proto documents 10000). */
  readonly maxTrialsPageSize: number;
  /** Study names and attribute keys (enforced by the wire conversions). */
  readonly maxNameLength: number;
  /** Parameter names (enforced by the wire conversions). */
  readonly maxParamNameLength: number;
  /** Worker ids and request ids (enforced by the wire conversions). */
  readonly maxIdLength: number;
}

export const DEFAULT_LIMITS: Limits = Object.freeze({
  maxMessageBytes: 4 * 1024 * 1024,
  maxParamsPerTrial: 1000,
  maxIntermediateValuesPerTrial: 100_000,
  maxCategoricalChoices: 10_000,
  maxObjectives: 16,
  maxConstraints: 64,
  maxUserAttrsPerRequest: 256,
  maxStringValueLength: 1024,
  maxAttrValueBytes: 64 * 1024,
  maxFailReasonLength: 4096,
  maxStateFilters: 16,
  maxStudiesPageSize: 1000,
  maxTrialsPageSize: 10_000,
  maxNameLength: MAX_NAME_LENGTH,
  maxParamNameLength: MAX_PARAM_NAME_LENGTH,
  maxIdLength: MAX_ID_LENGTH,
});

/** The grpc-js server (or client) options that enforce `maxMessageBytes` in both directions. */
export function grpcMessageSizeOptions(limits: Pick<Limits, 'maxMessageBytes'>): Record<string, number> {
  return {
    'grpc.max_receive_message_length': limits.maxMessageBytes,
    'grpc.max_send_message_length': limits.maxMessageBytes,
  };
}
