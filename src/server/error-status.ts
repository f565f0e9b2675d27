import { randomUUID } from 'node:crypto';
import { Metadata, status as Status, type ServiceError } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { type ErrorCode, HpoError, InvalidArgumentError, NotFoundError } from '../core/errors.js';

/**
 * The single table from hpo's error codes to gRPC status codes. The client SDK maps the status (and the
 * `hpo-error` trailer) back to the same typed errors.
 */
export const GRPC_STATUS_OF: Readonly<Record<ErrorCode, Status>> = {
  INVALID_ARGUMENT: Status.INVALID_ARGUMENT,
  NOT_FOUND: Status.NOT_FOUND,
  ALREADY_EXISTS: Status.ALREADY_EXISTS,
  FAILED_PRECONDITION: Status.FAILED_PRECONDITION,
  RESOURCE_EXHAUSTED: Status.RESOURCE_EXHAUSTED,
  UNAVAILABLE: Status.UNAVAILABLE,
  UNAUTHENTICATED: Status.UNAUTHENTICATED,
  PERMISSION_DENIED: Status.PERMISSION_DENIED,
  ABORTED: Status.ABORTED,
  INTERNAL: Status.INTERNAL,
};

/** Trailing metadata keys that carry the typed error to clients. */
export const ERROR_CLASS_TRAILER = 'hpo-error';
export const ERROR_FIELD_TRAILER = 'hpo-field';

/**
 * Driver errors that escaped the storage layer untranslated, by SQLSTATE or Node error code: a retry may
 * succeed, so the client should hear UNAVAILABLE or ABORTED rather than INTERNAL. (The storage layer
 * should translate these itself; this is the safety net at the edge.)
 */
const RETRYABLE_DRIVER_CODES: Readonly<Record<string, Status>> = {
  ECONNREFUSED: Status.UNAVAILABLE,
  ECONNRESET: Status.UNAVAILABLE,
  ETIMEDOUT: Status.UNAVAILABLE,
  '08000': Status.UNAVAILABLE, // connection_exception
  '08001': Status.UNAVAILABLE,
  '08003': Status.UNAVAILABLE,
  '08006': Status.UNAVAILABLE,
  '57P01': Status.UNAVAILABLE, // admin_shutdown
  '57P03': Status.UNAVAILABLE, // cannot_connect_now
  '40001': Status.ABORTED, // serialization_failure
  '40P01': Status.ABORTED, // deadlock_detected
};

/**
 * The gRPC error for anything a handler threw. HpoErrors keep their message (it names the field and is
 * meant for the user); anything else is a bug or an outage: logged in full with an id, answered with
 * that id only, so no SQL, stack or connection string leaks to clients.
 */
export function toServiceError(error: unknown, logger: Logger, method: string): Partial<ServiceError> {
  const metadata = new Metadata();
  if (error instanceof HpoError) {
    metadata.set(ERROR_CLASS_TRAILER, error.name);
    if (error instanceof InvalidArgumentError) metadata.set(ERROR_FIELD_TRAILER, error.field);
    if (error instanceof NotFoundError) metadata.set(ERROR_FIELD_TRAILER, error.entity);
    if (error.code === 'INTERNAL') return internal(error, logger, method, metadata);
    return { code: GRPC_STATUS_OF[error.code], details: error.message, metadata };
  }
  const driverCode = (error as { code?: unknown } | null)?.code;
  if (typeof driverCode === 'string' && driverCode in RETRYABLE_DRIVER_CODES) {
    const errorId = randomUUID();
    logger.warn({ err: error, method, errorId }, 'storage error, answered as retryable');
    const code = RETRYABLE_DRIVER_CODES[driverCode];
    return {
      code,
      details: `${code === Status.ABORTED ? 'conflict with a concurrent call' : 'storage unavailable'}; retry (error id ${errorId})`,
      metadata,
    };
  }
  return internal(error, logger, method, metadata);
}

function internal(error: unknown, logger: Logger, method: string, metadata: Metadata): Partial<ServiceError> {
  const errorId = randomUUID();
  logger.error({ err: error, method, errorId }, 'internal error');
  return { code: Status.INTERNAL, details: `internal error (error id ${errorId}; details are in the server log)`, metadata };
}
