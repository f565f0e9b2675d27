import { Writable } from 'node:stream';
import { status as Status } from '@grpc/grpc-js';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
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
} from '../../src/core/errors.js';
import { ERROR_CLASS_TRAILER, ERROR_FIELD_TRAILER, toServiceError } from '../../src/server/error-status.js';

function capturingLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), lines };
}

describe('toServiceError', () => {
  it('maps each HpoError to its gRPC status and keeps its message', () => {
    const { logger } = capturingLogger();
    const cases: Array<[Error, Status]> = [
      [new InvalidArgumentError('values[0]', 'must be finite'), Status.INVALID_ARGUMENT],
      [new NotFoundError('study', 'mnist'), Status.NOT_FOUND],
      [new AlreadyExistsError('study mnist exists'), Status.ALREADY_EXISTS],
      [new FailedPreconditionError('trial 3 is COMPLETE'), Status.FAILED_PRECONDITION],
      [new ResourceExhaustedError('too many params'), Status.RESOURCE_EXHAUSTED],
      [new UnavailableError('database down'), Status.UNAVAILABLE],
      [new UnauthenticatedError('no token'), Status.UNAUTHENTICATED],
      [new PermissionDeniedError('read-only token'), Status.PERMISSION_DENIED],
      [new AbortedError('conflict'), Status.ABORTED],
    ];
    for (const [error, code] of cases) {
      const status = toServiceError(error, logger, 'tell');
      expect(status.code).toBe(code);
      expect(status.details).toBe(error.message);
      expect(status.metadata?.get(ERROR_CLASS_TRAILER)).toEqual([error.name]);
    }
    expect(toServiceError(new InvalidArgumentError('values[0]', 'x'), logger, 'tell').metadata?.get(ERROR_FIELD_TRAILER)).toEqual([
      'values[0]',
    ]);
  });

  it('answers unknown errors INTERNAL without their message, and logs them in full with the same id', () => {
    const { logger, lines } = capturingLogger();
    const status = toServiceError(new Error('relation "trials" does not exist at postgres://u:secret@db'), logger, 'ask');
    expect(status.code).toBe(Status.INTERNAL);
    expect(status.details).not.toContain('secret');
    expect(status.details).not.toContain('relation');
    const id = /error id ([0-9a-f-]+)/.exec(status.details ?? '')?.[1];
    expect(id).toBeDefined();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 50, method: 'ask', errorId: id });
    expect(JSON.stringify(lines[0].err)).toContain('relation');
  });

  it('hides the message of an InternalError too', () => {
    const { logger } = capturingLogger();
    const status = toServiceError(new InternalError('invariant broken: row 12'), logger, 'ask');
    expect(status.code).toBe(Status.INTERNAL);
    expect(status.details).not.toContain('row 12');
  });

  it('answers untranslated driver errors as retryable', () => {
    const { logger } = capturingLogger();
    expect(toServiceError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), logger, 'ask').code).toBe(
      Status.UNAVAILABLE,
    );
    expect(toServiceError(Object.assign(new Error('could not serialize'), { code: '40001' }), logger, 'ask').code).toBe(Status.ABORTED);
    expect(toServiceError(Object.assign(new Error('syntax error'), { code: '42601' }), logger, 'ask').code).toBe(Status.INTERNAL);
  });
});
