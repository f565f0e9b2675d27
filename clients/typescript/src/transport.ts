import { Metadata, status as GrpcStatus, type CallOptions, type ClientUnaryCall, type ServiceError } from '@grpc/grpc-js';
import { Cancelled, errorFromStatus, Unavailable } from './errors.js';
import type * as wire from './generated/hpo/v1/hpo_service.js';
import type { HpoServiceClient } from './generated/hpo/v1/hpo_service.js';
import { defaultRetryEnvironment, type RetryEnvironment, type RetryPolicy, withRetry } from './retry-policy.js';

/** Every RPC of hpo.v1.HpoService: request and response types by the generated client's method name. */
export interface HpoMethods {
  createStudy: [wire.CreateStudyRequest, wire.CreateStudyResponse];
  getStudy: [wire.GetStudyRequest, wire.GetStudyResponse];
  listStudies: [wire.ListStudiesRequest, wire.ListStudiesResponse];
  deleteStudy: [wire.DeleteStudyRequest, wire.DeleteStudyResponse];
  setStudyUserAttr: [wire.SetStudyUserAttrRequest, wire.SetStudyUserAttrResponse];
  ask: [wire.AskRequest, wire.AskResponse];
  suggest: [wire.SuggestRequest, wire.SuggestResponse];
  report: [wire.ReportRequest, wire.ReportResponse];
  tell: [wire.TellRequest, wire.TellResponse];
  tellAndAsk: [wire.TellAndAskRequest, wire.TellAndAskResponse];
  heartbeat: [wire.HeartbeatRequest, wire.HeartbeatResponse];
  enqueueTrial: [wire.EnqueueTrialRequest, wire.EnqueueTrialResponse];
  getTrial: [wire.GetTrialRequest, wire.GetTrialResponse];
  listTrials: [wire.ListTrialsRequest, wire.ListTrialsResponse];
  getBestTrials: [wire.GetBestTrialsRequest, wire.GetBestTrialsResponse];
  setTrialUserAttr: [wire.SetTrialUserAttrRequest, wire.SetTrialUserAttrResponse];
}

export type HpoMethod = keyof HpoMethods;

/** Per-call options on top of the connection's. */
export interface CallSettings {
  /** Cancels the call (and its retries); the call then fails with Cancelled. */
  readonly signal?: AbortSignal;
  /** Overrides the connection's deadline for this call. */
  readonly deadlineMs?: number;
}

export interface TransportOptions {
  readonly deadlineMs: number;
  readonly metadata: Readonly<Record<string, string>>;
  readonly retry: RetryPolicy;
  readonly retryEnvironment?: RetryEnvironment;
}

/**
 * Unary calls to the service as promises: the connection's deadline and metadata on every attempt, the gRPC
 * status mapped to a typed error, and retries per the policy. The request object is the same for every attempt,
 * so a request id set by the caller survives retries.
 */
export class Transport {
  constructor(
    private readonly grpc: HpoServiceClient,
    private readonly options: TransportOptions,
  ) {}

  call<M extends HpoMethod>(method: M, request: HpoMethods[M][0], settings: CallSettings = {}): Promise<HpoMethods[M][1]> {
    return withRetry(
      this.options.retry,
      () => this.attempt(method, request, settings),
      this.options.retryEnvironment ?? defaultRetryEnvironment,
      settings.signal,
    );
  }

  close(): void {
    this.closed = true;
    this.grpc.close();
  }

  private closed = false;

  private attempt<M extends HpoMethod>(method: M, request: HpoMethods[M][0], settings: CallSettings): Promise<HpoMethods[M][1]> {
    const rpcName = method[0].toUpperCase() + method.slice(1);
    return new Promise((resolve, reject) => {
      if (this.closed) {
        reject(new Cancelled('CANCELLED', `${rpcName}: the client was closed`, { method: rpcName }));
        return;
      }
      if (settings.signal?.aborted) {
        reject(errorFromStatus({ code: 1, details: `${rpcName} cancelled before it started`, message: '' }, rpcName));
        return;
      }
      const metadata = new Metadata();
      for (const [key, value] of Object.entries(this.options.metadata)) metadata.set(key, value);
      const callOptions: Partial<CallOptions> = {
        deadline: Date.now() + (settings.deadlineMs ?? this.options.deadlineMs),
      };
      const onAbort = () => call.cancel();
      const invoke = this.grpc[method] as unknown as (
        req: HpoMethods[M][0],
        md: Metadata,
        opts: Partial<CallOptions>,
        cb: (error: ServiceError | null, response: HpoMethods[M][1]) => void,
      ) => ClientUnaryCall;
      const call = invoke.call(this.grpc, request, metadata, callOptions, (error, response) => {
        settings.signal?.removeEventListener('abort', onAbort);
        if (!error) return resolve(response);
        if (error.code === GrpcStatus.CANCELLED && !settings.signal?.aborted) {
          // Not cancelled by us: the server cut the call off (a shutdown, or a proxy giving up). For the caller that
          // is the server being unavailable, and as retryable: the request id makes the retry safe.
          return reject(
            new Unavailable('UNAVAILABLE', `${rpcName} was cancelled by the server (${error.details}); it may be restarting`, {
              method: rpcName,
              metadata: error.metadata,
              cause: error,
            }),
          );
        }
        reject(errorFromStatus(error, rpcName));
      });
      settings.signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}
