import { join } from 'node:path';
import {
  credentials,
  Metadata,
  type handleUnaryCall,
  loadPackageDefinition,
  makeClientConstructor,
  type Client,
  type ServiceError,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { service as healthService } from 'grpc-health-check';
import { HpoServiceClient, type HpoServiceServer, type HpoServiceService } from '../../src/generated/hpo/v1/hpo_service.js';

/** The generated client's unary methods, as promises: `await hpo.ask(request)`. */
export type HpoCaller = {
  [K in keyof HpoServiceService]: HpoServiceServer[K] extends handleUnaryCall<infer Req, infer Res> ? (request: Req) => Promise<Res> : never;
} & {
  readonly raw: HpoServiceClient;
  close(): void;
};

/** A generated grpc-js client for `address`, with promise-returning methods (`hpo.ask({...})`). */
export function connectHpo(address: string, options: Record<string, number> = {}): HpoCaller {
  const raw = new HpoServiceClient(address, credentials.createInsecure(), options);
  return new Proxy({} as HpoCaller, {
    get(_target, name: string) {
      if (name === 'raw') return raw;
      if (name === 'close') return () => raw.close();
      const method = (raw as unknown as Record<string, Function>)[name];
      if (typeof method !== 'function') return undefined;
      return (request: unknown) =>
        new Promise((resolve, reject) => {
          method.call(raw, request, (error: ServiceError | null, response: unknown) => (error ? reject(error) : resolve(response)));
        });
    },
  });
}

/** The ServiceError a promise rejects with (fails when it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<ServiceError> {
  try {
    await promise;
  } catch (error) {
    return error as ServiceError;
  }
  throw new Error('expected the call to fail');
}

/** grpc.health.v1.Health/Check for `service` ('' = the whole server): 'SERVING', 'NOT_SERVING', … */
export function checkHealth(address: string, service = ''): Promise<string> {
  const HealthClient = makeClientConstructor(healthService, 'grpc.health.v1.Health');
  const client = new HealthClient(address, credentials.createInsecure()) as unknown as Client & {
    check(req: { service: string }, cb: (e: ServiceError | null, r: { status: string }) => void): void;
  };
  return new Promise((resolve, reject) =>
    client.check({ service }, (error, response) => {
      client.close();
      if (error) reject(error);
      else resolve(response.status);
    }),
  );
}

/**
 * Watches grpc.health.v1.Health for the whole server; resolves with the statuses seen once `until` arrives
 * (then cancels the stream, so it does not hold a shutting-down server open).
 */
export function watchHealthUntil(address: string, until: string, onFirst: () => void): Promise<string[]> {
  const HealthClient = makeClientConstructor(healthService, 'grpc.health.v1.Health');
  const client = new HealthClient(address, credentials.createInsecure()) as unknown as Client & {
    watch(req: { service: string }): NodeJS.ReadableStream & { cancel(): void };
  };
  const seen: string[] = [];
  return new Promise((resolve, reject) => {
    const stream = client.watch({ service: '' });
    stream.on('data', (response: { status: string }) => {
      seen.push(response.status);
      if (seen.length === 1) onFirst();
      if (response.status === until) {
        stream.cancel();
        client.close();
        resolve(seen);
      }
    });
    stream.on('error', (error: ServiceError) => {
      if (error.code !== 1) reject(error);
    });
  });
}

/** Sends one server reflection (grpc.reflection.v1) request and resolves with its response (metadata: e.g. a token). */
export function askReflection(address: string, request: Record<string, unknown>, metadata?: Metadata): Promise<Record<string, any>> {
  const protoDir = join(import.meta.dirname, '..', '..', 'node_modules', '@grpc', 'reflection', 'build', 'proto');
  const definition = loadSync('grpc/reflection/v1/reflection.proto', { includeDirs: [protoDir], keepCase: true, oneofs: true });
  const pkg = loadPackageDefinition(definition) as unknown as {
    grpc: { reflection: { v1: { ServerReflection: new (address: string, creds: ReturnType<typeof credentials.createInsecure>) => Client } } };
  };
  const client = new pkg.grpc.reflection.v1.ServerReflection(address, credentials.createInsecure()) as Client & {
    ServerReflectionInfo(metadata?: Metadata): NodeJS.ReadWriteStream & { write(m: unknown): void; end(): void };
  };
  return new Promise((resolve, reject) => {
    const stream = metadata ? client.ServerReflectionInfo(metadata) : client.ServerReflectionInfo();
    stream.on('data', (response: Record<string, any>) => {
      resolve(response);
      stream.end();
      client.close();
    });
    stream.on('error', reject);
    stream.write(request);
  });
}

/** The services listed by server reflection (grpc.reflection.v1). */
export async function listServicesByReflection(address: string, metadata?: Metadata): Promise<string[]> {
  const response = await askReflection(address, { list_services: '' }, metadata);
  return ((response.list_services_response?.service ?? []) as Array<{ name: string }>).map((s) => s.name).sort();
}

/** The file descriptors (serialized FileDescriptorProto) reflection returns for a symbol. */
export async function fileDescriptorsByReflection(address: string, symbol: string): Promise<Buffer[]> {
  const response = await askReflection(address, { file_containing_symbol: symbol });
  if (response.error_response) throw new Error(String(response.error_response.error_message));
  return response.file_descriptor_response.file_descriptor_proto as Buffer[];
}
