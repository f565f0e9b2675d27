/**
 * The one error family of hpo. Every failure the service reports is one of these; the gRPC layer maps
 * each `code` to a status in one table (src/server/error-status.ts) and the client maps it back.
 */
export type ErrorCode =
  | 'INVALID_ARGUMENT'
  | 'NOT_FOUND'
  | 'ALREADY_EXISTS'
  | 'FAILED_PRECONDITION'
  | 'RESOURCE_EXHAUSTED'
  | 'UNAVAILABLE'
  | 'UNAUTHENTICATED'
  | 'PERMISSION_DENIED'
  | 'ABORTED'
  | 'INTERNAL';

export abstract class HpoError extends Error {
  abstract readonly code: ErrorCode;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A request field is malformed or out of range; `field` names it (e.g. `search_space[1].distribution.low`). */
export class InvalidArgumentError extends HpoError {
  readonly code = 'INVALID_ARGUMENT' as const;
  constructor(
    readonly field: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${field}: ${message}`, options);
  }
}

/** A study or trial that does not exist. */
export class NotFoundError extends HpoError {
  readonly code = 'NOT_FOUND' as const;
  constructor(
    readonly entity: 'study' | 'trial',
    readonly key: string,
    options?: { cause?: unknown },
  ) {
    super(`${entity} ${key} not found`, options);
  }
}

/** Creating something that already exists (a study name, a parameter with a different distribution is not this). */
export class AlreadyExistsError extends HpoError {
  readonly code = 'ALREADY_EXISTS' as const;
}

/** The call is well-formed but the stored state does not allow it (tell on a finished trial, report after tell, …). */
export class FailedPreconditionError extends HpoError {
  readonly code = 'FAILED_PRECONDITION' as const;
}

/** A limit was exceeded (message size, parameters per trial, …). */
export class ResourceExhaustedError extends HpoError {
  readonly code = 'RESOURCE_EXHAUSTED' as const;
}

/** The storage is unreachable; the caller may retry. */
export class UnavailableError extends HpoError {
  readonly code = 'UNAVAILABLE' as const;
}

/** No or bad credentials. */
export class UnauthenticatedError extends HpoError {
  readonly code = 'UNAUTHENTICATED' as const;
}

/** Credentials without the scope the call needs. */
export class PermissionDeniedError extends HpoError {
  readonly code = 'PERMISSION_DENIED' as const;
}

/** A conflict with a concurrent writer (e.g. serialisation failure); the caller may retry. */
export class AbortedError extends HpoError {
  readonly code = 'ABORTED' as const;
}

/** A bug or an unexpected state; logged in full, reported without internals. */
export class InternalError extends HpoError {
  readonly code = 'INTERNAL' as const;
}
