import { Metadata, status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';

/**
 * The status name of a failed call, as gRPC spells it.
 *
 * @example
 * ```ts
 * try { await client.loadStudy('nope'); } catch (e) { if (e instanceof HpoClientError) console.log(e.code); } // 'NOT_FOUND'
 * ```
 */
export type StatusCode =
  | 'CANCELLED'
  | 'UNKNOWN'
  | 'INVALID_ARGUMENT'
  | 'DEADLINE_EXCEEDED'
  | 'NOT_FOUND'
  | 'ALREADY_EXISTS'
  | 'PERMISSION_DENIED'
  | 'RESOURCE_EXHAUSTED'
  | 'FAILED_PRECONDITION'
  | 'ABORTED'
  | 'OUT_OF_RANGE'
  | 'UNIMPLEMENTED'
  | 'INTERNAL'
  | 'UNAVAILABLE'
  | 'DATA_LOSS'
  | 'UNAUTHENTICATED';

/**
 * The base of every error a call to the hpo service can fail with. `message` is the server's own message;
 * `code` is the gRPC status name, `grpcCode` its number, `method` the RPC that failed.
 *
 * @example
 * ```ts
 * import { HpoClientError } from '@hpo/client';
 * try { await study.tell(trial, NaN); }
 * catch (e) { if (e instanceof HpoClientError) console.error(e.code, e.message); }
 * ```
 */
export class HpoClientError extends Error {
  /** The gRPC status name. */
  readonly code: StatusCode;
  /** The gRPC status number. */
  readonly grpcCode: number;
  /** The RPC that failed, e.g. `Tell`; empty for errors raised by the SDK itself. */
  readonly method: string;
  /** Trailing metadata the server sent with the status. */
  readonly metadata: Metadata;

  constructor(
    code: StatusCode,
    message: string,
    details: { method?: string; metadata?: Metadata; cause?: unknown } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.code = code;
    this.grpcCode = GrpcStatus[code];
    this.method = details.method ?? '';
    this.metadata = details.metadata ?? new Metadata();
  }
}

/**
 * A study or trial that does not exist (the base of {@link StudyNotFound} and {@link TrialNotFound}).
 *
 * @example
 * ```ts
 * if (e instanceof NotFound) console.log('gone:', e.message);
 * ```
 */
export class NotFound extends HpoClientError {}

/**
 * The named study does not exist.
 *
 * @example
 * ```ts
 * const study = await client.loadStudy('resnet-lr').catch((e) => (e instanceof StudyNotFound ? null : Promise.reject(e)));
 * ```
 */
export class StudyNotFound extends NotFound {}

/**
 * The trial does not exist (or its study was deleted).
 *
 * @example
 * ```ts
 * if (e instanceof TrialNotFound) console.log('trial was deleted with its study');
 * ```
 */
export class TrialNotFound extends NotFound {}

/**
 * A request field is malformed or out of range; the message names the field.
 *
 * @example
 * ```ts
 * await trial.suggestFloat('lr', 0, 1, { log: true }); // throws InvalidArgument: ... must be > 0 for a log distribution
 * ```
 */
export class InvalidArgument extends HpoClientError {
  /**
   * The offending request field as the server named it (its `hpo-field` trailer), e.g. `values[0]`; '' when unknown.
   *
   * @example
   * ```ts
   * catch (e) { if (e instanceof InvalidArgument) console.error(`bad ${e.field}: ${e.message}`); }
   * ```
   */
  get field(): string {
    return String(this.metadata.get('hpo-field')[0] ?? '');
  }
}

/**
 * The call is well-formed but the stored state forbids it (telling a finished trial, reporting after tell, …).
 *
 * @example
 * ```ts
 * await study.tell(trial, 1); await study.tell(trial, 2).catch((e) => e instanceof FailedPrecondition); // true
 * ```
 */
export class FailedPrecondition extends HpoClientError {}

/**
 * Creating something that already exists, e.g. a study name without `loadIfExists`.
 *
 * @example
 * ```ts
 * await client.createStudy({ name: 'x', direction: 'minimize' }).catch((e) => e instanceof AlreadyExists);
 * ```
 */
export class AlreadyExists extends HpoClientError {}

/**
 * The server (or its storage) could not be reached. Retried automatically by the SDK; thrown once retries are spent.
 *
 * @example
 * ```ts
 * if (e instanceof Unavailable) console.error('is `hpo serve` running?');
 * ```
 */
export class Unavailable extends HpoClientError {}

/**
 * The call did not finish within its deadline (`deadlineMs`). Retried automatically, like {@link Unavailable}.
 *
 * @example
 * ```ts
 * const client = await connect('localhost:50051', { deadlineMs: 5_000 });
 * ```
 */
export class DeadlineExceeded extends HpoClientError {}

/**
 * A server-side limit was exceeded (message size, parameters per trial, …).
 *
 * @example
 * ```ts
 * if (e instanceof ResourceExhausted) console.error(e.message);
 * ```
 */
export class ResourceExhausted extends HpoClientError {}

/**
 * Missing or bad credentials.
 *
 * @example
 * ```ts
 * await connect('hpo:443', { tls: true, metadata: { authorization: `Bearer ${token}` } });
 * ```
 */
export class Unauthenticated extends HpoClientError {}

/**
 * Credentials without the permission the call needs.
 *
 * @example
 * ```ts
 * if (e instanceof PermissionDenied) console.error('read-only token');
 * ```
 */
export class PermissionDenied extends HpoClientError {}

/**
 * The server gave up because of a concurrent writer; safe to retry (add `'ABORTED'` to `retry.retryOn`).
 *
 * @example
 * ```ts
 * await connect(address, { retry: { retryOn: ['UNAVAILABLE', 'DEADLINE_EXCEEDED', 'ABORTED'] } });
 * ```
 */
export class Aborted extends HpoClientError {}

/**
 * The call was cancelled (by the client, e.g. an AbortSignal, or by the server shutting down).
 *
 * @example
 * ```ts
 * if (e instanceof Cancelled) return;
 * ```
 */
export class Cancelled extends HpoClientError {}

/**
 * The server does not implement this RPC (an older server).
 *
 * @example
 * ```ts
 * if (e instanceof Unimplemented) console.error('upgrade the hpo server');
 * ```
 */
export class Unimplemented extends HpoClientError {}

/**
 * A bug or unexpected state in the server; its log has the details.
 *
 * @example
 * ```ts
 * if (e instanceof Internal) console.error('server error:', e.message);
 * ```
 */
export class Internal extends HpoClientError {}

/**
 * Any other status (UNKNOWN, OUT_OF_RANGE, DATA_LOSS).
 *
 * @example
 * ```ts
 * if (e instanceof UnknownError) console.error(e.code, e.message);
 * ```
 */
export class UnknownError extends HpoClientError {}

/**
 * Thrown from an objective to stop the trial early: `optimize` tells it PRUNED (with the last reported value).
 * Not an RPC error.
 *
 * @example
 * ```ts
 * if (await trial.report(loss, epoch)) throw new TrialPruned();
 * ```
 */
export class TrialPruned extends Error {
  constructor(message = 'trial pruned') {
    super(message);
    this.name = 'TrialPruned';
  }
}

const CODE_NAMES = new Map<number, StatusCode>(
  Object.entries(GrpcStatus)
    .filter((entry): entry is [StatusCode, number] => typeof entry[1] === 'number' && entry[0] !== 'OK')
    .map(([name, code]) => [code, name]),
);

type ErrorClass = new (code: StatusCode, message: string, details?: ConstructorParameters<typeof HpoClientError>[2]) => HpoClientError;

// One table, the mirror of the server's error -> status table (src/server/error-status.ts).
const CLASS_BY_CODE: Readonly<Partial<Record<StatusCode, ErrorClass>>> = {
  INVALID_ARGUMENT: InvalidArgument,
  OUT_OF_RANGE: InvalidArgument,
  NOT_FOUND: NotFound,
  ALREADY_EXISTS: AlreadyExists,
  FAILED_PRECONDITION: FailedPrecondition,
  UNAVAILABLE: Unavailable,
  DEADLINE_EXCEEDED: DeadlineExceeded,
  RESOURCE_EXHAUSTED: ResourceExhausted,
  UNAUTHENTICATED: Unauthenticated,
  PERMISSION_DENIED: PermissionDenied,
  ABORTED: Aborted,
  CANCELLED: Cancelled,
  UNIMPLEMENTED: Unimplemented,
  INTERNAL: Internal,
};

/**
 * The typed error for a failed gRPC call: the status picks the class, the server's message is kept as is.
 * NOT_FOUND becomes {@link StudyNotFound} or {@link TrialNotFound} from the server's message (`study X not found`,
 * `trial X not found`), or from the `hpo-field` trailer the server sends with it.
 *
 * @example
 * ```ts
 * grpcClient.getStudy({ studyName: 'x' }, (err, res) => { if (err) throw errorFromStatus(err, 'GetStudy'); });
 * ```
 */
export function errorFromStatus(error: Pick<ServiceError, 'code' | 'details' | 'message'> & { metadata?: Metadata }, method = ''): HpoClientError {
  const code = CODE_NAMES.get(error.code) ?? 'UNKNOWN';
  // grpc-js puts "<code> <NAME>: <details>" in message; details is the server's own text.
  const message = error.details || error.message || code;
  const details = { method, metadata: error.metadata, cause: error };
  if (code === 'NOT_FOUND') {
    const entity = String(error.metadata?.get('hpo-field')[0] ?? '') || /^(study|trial)\b/i.exec(message)?.[1]?.toLowerCase();
    if (entity === 'study') return new StudyNotFound(code, message, details);
    if (entity === 'trial') return new TrialNotFound(code, message, details);
  }
  const ErrorClass = CLASS_BY_CODE[code] ?? UnknownError;
  return new ErrorClass(code, message, details);
}

/**
 * Thrown by `study.ask` when the study hands out no more trials (its `maxTrials` budget is spent, or the grid is
 * used up). `optimize` treats it as the normal end. Not an RPC error: the server answered, with "done".
 *
 * @example
 * ```ts
 * try { trial = await study.ask(); } catch (e) { if (e instanceof StudyDone) return; throw e; }
 * ```
 */
export class StudyDone extends Error {
  constructor(
    readonly studyName: string,
    readonly reason: string,
  ) {
    super(`study ${studyName} is done${reason ? `: ${reason}` : ''}`);
    this.name = 'StudyDone';
  }
}
