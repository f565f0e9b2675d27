import { Metadata, status } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import {
  AlreadyExists,
  DeadlineExceeded,
  errorFromStatus,
  FailedPrecondition,
  HpoClientError,
  Internal,
  InvalidArgument,
  NotFound,
  StudyNotFound,
  TrialNotFound,
  Unavailable,
  UnknownError,
} from '@hpo/client';

function serviceError(code: status, details: string, trailers: Record<string, string> = {}) {
  const metadata = new Metadata();
  for (const [k, v] of Object.entries(trailers)) metadata.set(k, v);
  return { code, details, message: `${code} ${status[code]}: ${details}`, metadata };
}

describe('errorFromStatus', () => {
  it.each([
    [status.INVALID_ARGUMENT, InvalidArgument, 'INVALID_ARGUMENT'],
    [status.FAILED_PRECONDITION, FailedPrecondition, 'FAILED_PRECONDITION'],
    [status.ALREADY_EXISTS, AlreadyExists, 'ALREADY_EXISTS'],
    [status.UNAVAILABLE, Unavailable, 'UNAVAILABLE'],
    [status.DEADLINE_EXCEEDED, DeadlineExceeded, 'DEADLINE_EXCEEDED'],
    [status.INTERNAL, Internal, 'INTERNAL'],
    [status.DATA_LOSS, UnknownError, 'DATA_LOSS'],
  ] as const)('maps status %i to %o with code %s', (code, ErrorClass, name) => {
    const error = errorFromStatus(serviceError(code, 'the server said so'), 'Tell');
    expect(error).toBeInstanceOf(ErrorClass);
    expect(error).toBeInstanceOf(HpoClientError);
    expect(error.code).toBe(name);
    expect(error.grpcCode).toBe(code);
    expect(error.method).toBe('Tell');
  });

  it("keeps the server's message, not grpc-js's prefixed one", () => {
    const error = errorFromStatus(serviceError(status.INVALID_ARGUMENT, 'values[0]: must be finite, got NaN'));
    expect(error.message).toBe('values[0]: must be finite, got NaN');
  });

  it('tells a missing study from a missing trial by the hpo-field trailer', () => {
    expect(errorFromStatus(serviceError(status.NOT_FOUND, 'not here', { 'hpo-field': 'study' }))).toBeInstanceOf(StudyNotFound);
    expect(errorFromStatus(serviceError(status.NOT_FOUND, 'not here', { 'hpo-field': 'trial' }))).toBeInstanceOf(TrialNotFound);
  });

  it('falls back on the message when there is no trailer', () => {
    expect(errorFromStatus(serviceError(status.NOT_FOUND, 'study resnet not found'))).toBeInstanceOf(StudyNotFound);
    expect(errorFromStatus(serviceError(status.NOT_FOUND, 'trial 42 not found'))).toBeInstanceOf(TrialNotFound);
    const other = errorFromStatus(serviceError(status.NOT_FOUND, 'no such thing'));
    expect(other).toBeInstanceOf(NotFound);
    expect(other).not.toBeInstanceOf(StudyNotFound);
  });

  it('exposes the field an INVALID_ARGUMENT names', () => {
    const error = errorFromStatus(serviceError(status.INVALID_ARGUMENT, 'x', { 'hpo-field': 'search_space[1].distribution.low' }));
    expect((error as InvalidArgument).field).toBe('search_space[1].distribution.low');
  });
});
