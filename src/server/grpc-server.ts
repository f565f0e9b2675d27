import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  Server,
  ServerCredentials,
  type ServerOptions,
  type ServiceDefinition,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { loadSync, type PackageDefinition } from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { HealthImplementation, protoPath as healthProtoPath } from 'grpc-health-check';
import type { Logger } from 'pino';
import { HpoServiceService } from '../generated/hpo/v1/hpo_service.js';
import type { HpoService } from '../service/hpo-service.js';
import { createHpoServiceHandlers } from './hpo-service-handlers.js';
import { withLinkedFileDescriptors } from './reflection-descriptors.js';
import { decodeRequest } from './request-decoding.js';

/** gRPC's own default; a study's trials page at 10,000 trials fits well below it. */
export const DEFAULT_MAX_MESSAGE_BYTES = 4 * 1024 * 1024;
/** The name health checks ask about; '' is the whole server. */
export const HPO_SERVICE_NAME = 'hpo.v1.HpoService';

const PROTO_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'proto');

export interface GrpcServerOptions {
  readonly service: HpoService;
  readonly host: string;
  /** 0 picks a free port (tests). */
  readonly port: number;
  readonly logger: Logger;
  /** Largest request or response, in bytes (default 4 MiB). Larger requests get RESOURCE_EXHAUSTED. */
  readonly maxMessageBytes?: number;
  /** Transport credentials (TLS); insecure when absent. */
  readonly credentials?: ServerCredentials;
  /** Extra grpc-js server options (e.g. the security interceptor); its keys win over the size limits above. */
  readonly serverOptions?: ServerOptions;
}

export interface RunningGrpcServer {
  /** The port actually bound. */
  readonly port: number;
  /** host:port, for logs and clients. */
  readonly address: string;
  /**
   * Stops taking new calls (health turns NOT_SERVING first), lets calls in flight finish for up to
   * `graceMs`, then cancels whatever is left. Resolves when the server is closed.
   */
  shutdown(graceMs: number): Promise<void>;
}

/** The proto-loader view of the contract, for server reflection (ts-proto's output carries no descriptors). */
export function loadReflectionPackageDefinition(): PackageDefinition {
  const healthRoot = join(dirname(healthProtoPath), '..', '..');
  const definition = loadSync(['hpo/v1/hpo_service.proto', 'health/v1/health.proto'], {
    includeDirs: [PROTO_DIR, healthRoot],
    keepCase: true,
    longs: String,
    enums: String,
    defaults: true,
    oneofs: true,
  });
  return withLinkedFileDescriptors(definition);
}

/**
 * The service definition with requests decoded by decodeRequest, so a request that cannot be decoded
 * (an int64 beyond 2^53) is answered INVALID_ARGUMENT naming the field instead of grpc-js's INTERNAL.
 */
function withCheckedDecoding(definition: typeof HpoServiceService): ServiceDefinition {
  return Object.fromEntries(
    Object.entries(definition).map(([method, attrs]) => [
      method,
      { ...attrs, requestDeserialize: (bytes: Buffer) => decodeRequest(method, bytes, attrs.requestDeserialize as (b: Buffer) => unknown) },
    ]),
  ) as ServiceDefinition;
}

function formatAddress(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Starts the hpo gRPC server with health checking and reflection. */
export async function startGrpcServer(options: GrpcServerOptions): Promise<RunningGrpcServer> {
  const { service, host, logger } = options;
  const maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  const server = new Server({
    'grpc.max_receive_message_length': maxMessageBytes,
    'grpc.max_send_message_length': maxMessageBytes,
    // Channelz stays on (grpc-js's default) although nothing reads it: with it off, grpc-js 1.14 does not track
    // sessions for forceShutdown, and calls still running when the grace period ends were never cancelled.
    ...options.serverOptions,
  });
  server.addService(
    withCheckedDecoding(HpoServiceService),
    createHpoServiceHandlers(service, logger) as unknown as UntypedServiceImplementation,
  );

  const health = new HealthImplementation({ '': 'NOT_SERVING', [HPO_SERVICE_NAME]: 'NOT_SERVING' });
  health.addToServer(server);
  new ReflectionService(loadReflectionPackageDefinition()).addToServer(server);

  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(formatAddress(host, options.port), options.credentials ?? ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    );
  });
  health.setStatus('', 'SERVING');
  health.setStatus(HPO_SERVICE_NAME, 'SERVING');

  let closing: Promise<void> | undefined;
  const shutdown = (graceMs: number): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      health.setStatus('', 'NOT_SERVING');
      health.setStatus(HPO_SERVICE_NAME, 'NOT_SERVING');
      const force = setTimeout(() => {
        logger.warn({ graceMs }, 'calls still in flight after the grace period; cancelling them');
        server.forceShutdown();
      }, graceMs);
      server.tryShutdown(() => {
        clearTimeout(force);
        resolve();
      });
    });
    return closing;
  };

  return { port, address: formatAddress(host, port), shutdown };
}
