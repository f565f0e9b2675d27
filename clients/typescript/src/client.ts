import { type ChannelOptions, credentials as grpcCredentials } from '@grpc/grpc-js';
import {
  attrsToWire,
  directionToWire,
  prunerToWire,
  samplerToWire,
  studyFromWire,
  usageError,
} from './conversions.js';
import { HpoServiceClient } from './generated/hpo/v1/hpo_service.js';
import { heartbeatIntervalMs } from './heartbeat.js';
import { defaultWorkerId, newRequestId } from './identity.js';
import { resolveRetryOptions, type RetryEnvironment, type RetryOptions } from './retry-policy.js';
import { Study } from './study.js';
import { type CallSettings, Transport } from './transport.js';
import type { CreateStudyOptions, StudyInfo } from './types.js';

/**
 * TLS material, as PEM strings or buffers. `ca` verifies the server; `cert` and `key` authenticate the client (mTLS).
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * await connect('hpo.internal:443', { tls: { ca: readFileSync('ca.pem') } });
 * ```
 */
export interface TlsOptions {
  readonly ca?: string | Buffer;
  readonly cert?: string | Buffer;
  readonly key?: string | Buffer;
}

/**
 * Options of {@link connect}.
 *
 * @example
 * ```ts
 * const client = await connect('localhost:50051', {
 *   deadlineMs: 10_000, token: process.env.HPO_TOKEN, retry: { maxAttempts: 5 },
 * });
 * ```
 */
export interface ConnectOptions {
  /** TLS: `true` for the system's root certificates, or explicit material; plaintext when unset. */
  readonly tls?: true | TlsOptions;
  /** Deadline of each attempt of each call (default 30 000 ms). */
  readonly deadlineMs?: number;
  /** Sent with every call. */
  readonly metadata?: Readonly<Record<string, string>>;
  /**
   * Bearer token of a server started with `--auth tokens`: sent as `authorization: Bearer <token>` with every call.
   * Use TLS for any server not on this machine, or the token crosses the network in clear text.
   */
  readonly token?: string;
  /** Retry policy for UNAVAILABLE and DEADLINE_EXCEEDED; `false` disables retries. */
  readonly retry?: RetryOptions | false;
  /** Names this process in trials it runs (default host:pid:random). */
  readonly workerId?: string;
  /** Heartbeat period of running trials; default a third of the study's grace period. 0 disables. */
  readonly heartbeatIntervalMs?: number;
  /** Extra grpc-js channel options. */
  readonly channelOptions?: ChannelOptions;
  /** @internal Tests replace randomness and sleeping of the retry loop. */
  readonly retryEnvironment?: RetryEnvironment;
}

/**
 * A connection to an hpo server: creates, loads, lists and deletes studies. Close it when done.
 *
 * @example
 * ```ts
 * const client = await connect('localhost:50051');
 * const study = await client.createStudy({ name: 'quadratic', direction: 'minimize', loadIfExists: true });
 * await client.close();
 * ```
 */
export class HpoClient {
  /** The id this process's trials carry. */
  readonly workerId: string;

  /** @internal Use {@link connect}. */
  constructor(
    private readonly transport: Transport,
    private readonly options: ConnectOptions,
  ) {
    this.workerId = options.workerId ?? defaultWorkerId();
  }

  /**
   * Creates a study, or with `loadIfExists` loads the existing one of that name (its directions must match).
   *
   * @example
   * ```ts
   * const study = await client.createStudy({
   *   name: 'resnet-lr', direction: 'minimize', seed: 42, loadIfExists: true, maxTrials: 200,
   *   sampler: { tpe: { nStartupTrials: 10 } }, pruner: { successiveHalving: { reductionFactor: 4 } },
   * });
   * ```
   */
  async createStudy(options: CreateStudyOptions): Promise<Study> {
    if (options.direction !== undefined && options.directions !== undefined)
      throw usageError('directions', 'give direction or directions, not both');
    const directions = options.directions ?? [options.direction ?? 'minimize'];
    const response = await this.transport.call('createStudy', {
      name: options.name,
      directions: directions.map((d, i) => directionToWire(d, `directions[${i}]`)),
      sampler: options.sampler ? samplerToWire(options.sampler) : undefined,
      pruner: options.pruner ? prunerToWire(options.pruner) : undefined,
      seed: options.seed,
      userAttrs: attrsToWire(options.userAttrs),
      loadIfExists: options.loadIfExists ?? false,
      maxTrials: options.maxTrials,
      failurePolicy: options.failurePolicy
        ? {
            heartbeatGraceSeconds: options.failurePolicy.heartbeatGraceSeconds,
            maxRetries: options.failurePolicy.maxRetries,
            countFailedTrials: options.failurePolicy.countFailedTrials,
          }
        : undefined,
      requestId: newRequestId(),
    });
    return this.studyHandle(studyFromWire(response.study!), response.created);
  }

  /**
   * A handle on an existing study; throws StudyNotFound when there is none of that name.
   *
   * @example
   * ```ts
   * const study = await client.loadStudy('resnet-lr');
   * ```
   */
  async loadStudy(name: string, settings?: CallSettings): Promise<Study> {
    const response = await this.transport.call('getStudy', { studyName: name }, settings);
    return this.studyHandle(studyFromWire(response.study!));
  }

  /**
   * Deletes a study and all its trials.
   *
   * @example
   * ```ts
   * await client.deleteStudy('scratch');
   * ```
   */
  async deleteStudy(name: string): Promise<void> {
    await this.transport.call('deleteStudy', { studyName: name, requestId: newRequestId() });
  }

  /**
   * Every study, by name (paged through behind the scenes).
   *
   * @example
   * ```ts
   * for (const s of await client.listStudies()) console.log(s.name, s.trialCounts.complete);
   * ```
   */
  async listStudies(settings?: CallSettings): Promise<StudyInfo[]> {
    const out: StudyInfo[] = [];
    let pageToken = '';
    do {
      const response = await this.transport.call('listStudies', { pageSize: 1000, pageToken }, settings);
      out.push(...response.studies.map(studyFromWire));
      pageToken = response.nextPageToken;
    } while (pageToken);
    return out;
  }

  /**
   * Closes the connection. Trials still running in this process stop sending heartbeats.
   *
   * @example
   * ```ts
   * await client.close();
   * ```
   */
  async close(): Promise<void> {
    this.transport.close();
  }

  private studyHandle(info: StudyInfo, created = false): Study {
    const interval = this.options.heartbeatIntervalMs ?? heartbeatIntervalMs(info.failurePolicy.heartbeatGraceSeconds);
    return new Study({ transport: this.transport, workerId: this.workerId, heartbeatIntervalMs: interval }, info, created);
  }
}

/**
 * Connects to an hpo server. The channel is opened lazily: an unreachable server shows up on the first call (as
 * `Unavailable`, once retries are spent), so workers may start before the server does.
 *
 * @example
 * ```ts
 * import { connect } from '@hpo/client';
 * const client = await connect('localhost:50051');
 * const secure = await connect('hpo.example.com:443', { tls: true, token: process.env.HPO_TOKEN });
 * ```
 */
export async function connect(address: string, options: ConnectOptions = {}): Promise<HpoClient> {
  const metadata = withToken(options.metadata ?? {}, options.token);
  const credentials =
    options.tls === undefined
      ? grpcCredentials.createInsecure()
      : options.tls === true
        ? grpcCredentials.createSsl()
        : grpcCredentials.createSsl(toBuffer(options.tls.ca), toBuffer(options.tls.key), toBuffer(options.tls.cert));
  const grpc = new HpoServiceClient(address, credentials, {
    // Reconnect quickly after a server restart: grpc-js's default backoff grows to two minutes.
    'grpc.initial_reconnect_backoff_ms': 100,
    'grpc.max_reconnect_backoff_ms': 2_000,
    // Per-call channelz bookkeeping that no one reads (a worker makes thousands of short calls).
    'grpc.enable_channelz': 0,
    ...options.channelOptions,
  });
  const transport = new Transport(grpc, {
    deadlineMs: options.deadlineMs ?? 30_000,
    metadata,
    retry: resolveRetryOptions(options.retry),
    retryEnvironment: options.retryEnvironment,
  });
  return new HpoClient(transport, options);
}

function withToken(metadata: Readonly<Record<string, string>>, token: string | undefined): Readonly<Record<string, string>> {
  if (token === undefined || token === '') return metadata;
  if (Object.keys(metadata).some((key) => key.toLowerCase() === 'authorization'))
    throw usageError('token', 'give token or an authorization metadata entry, not both');
  if (!/^[A-Za-z0-9\-._~+/]+=*$/.test(token)) throw usageError('token', 'must be a bearer token (letters, digits, - . _ ~ + /)');
  return { ...metadata, authorization: `Bearer ${token}` };
}

function toBuffer(pem: string | Buffer | undefined): Buffer | null {
  if (pem === undefined) return null;
  return typeof pem === 'string' ? Buffer.from(pem) : pem;
}
