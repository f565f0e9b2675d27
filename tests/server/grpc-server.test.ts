import { create, createFileRegistry, fromBinary } from '@bufbuild/protobuf';
import { type FileDescriptorProto, FileDescriptorProtoSchema, FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import { status as Status } from '@grpc/grpc-js';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { BinaryWriter } from '@bufbuild/protobuf/wire';
import { NotFoundError } from '../../src/core/errors.js';
import { Direction } from '../../src/generated/hpo/v1/study.js';
import type { HpoService, StudyRecord } from '../../src/service/hpo-service.js';
import { ERROR_FIELD_TRAILER } from '../../src/server/error-status.js';
import { type RunningGrpcServer, startGrpcServer } from '../../src/server/grpc-server.js';
import {
  checkHealth,
  connectHpo,
  fileDescriptorsByReflection,
  listServicesByReflection,
  rejectionOf,
  watchHealthUntil,
} from '../support/grpc-client.js';

/**
 * The server layer on its own, over a real gRPC connection: a small stand-in HpoService (this is not a
 * storage test) whose getStudy can be held open, so that "a call in flight during shutdown" is a fact the
 * test controls rather than a race it hopes to win.
 */
const study: StudyRecord = {
  id: 1,
  name: 'held',
  directions: ['minimize'],
  sampler: { kind: 'random' },
  pruner: { kind: 'nop' },
  seed: 1,
  userAttrs: {},
  createdAt: new Date('2026-11-26T00:00:00Z'),
  maxTrials: null,
  failurePolicy: { heartbeatGraceSeconds: 60, maxRetries: 0, countFailedTrials: false },
  state: 'RUNNING',
  trialCounts: { WAITING: 0, RUNNING: 0, COMPLETE: 0, PRUNED: 0, FAIL: 0 },
};

function standInService() {
  let release: () => void = () => {};
  let entered: () => void = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  const enteredHeld = new Promise<void>((resolve) => (entered = resolve));
  const calls: string[] = [];
  const service = {
    async getStudy(name: string) {
      calls.push(`getStudy:${name}`);
      if (name === 'held') {
        entered();
        await held;
        return study;
      }
      if (name === 'boom') throw new Error('secret internals');
      throw new NotFoundError('study', name);
    },
    async createStudy() {
      calls.push('createStudy');
      return { study, created: true };
    },
    async report() {
      calls.push('report');
      return { shouldPrune: false, reason: '' };
    },
    async close() {},
  } as unknown as HpoService;
  return { service, release, enteredHeld, calls };
}

const logger = pino({ level: 'silent' });
let server: RunningGrpcServer | undefined;
afterEach(async () => {
  await server?.shutdown(0);
  server = undefined;
});

describe('startGrpcServer', () => {
  it('answers health checks SERVING, and reflection lists the hpo and health services', async () => {
    const { service } = standInService();
    server = await startGrpcServer({ service, host: '127.0.0.1', port: 0, logger });
    const address = `127.0.0.1:${server.port}`;
    expect(server.port).toBeGreaterThan(0);
    expect(await checkHealth(address)).toBe('SERVING');
    expect(await checkHealth(address, 'hpo.v1.HpoService')).toBe('SERVING');
    const services = await listServicesByReflection(address);
    expect(services).toEqual(expect.arrayContaining(['grpc.health.v1.Health', 'hpo.v1.HpoService']));
  });

  it('reflection hands out descriptors a client can link: every referenced type resolves through declared dependencies', async () => {
    const { service } = standInService();
    server = await startGrpcServer({ service, host: '127.0.0.1', port: 0, logger });
    const bytes = await fileDescriptorsByReflection(`127.0.0.1:${server.port}`, 'hpo.v1.HpoService');
    const byName = new Map(bytes.map((b) => fromBinary(FileDescriptorProtoSchema, b)).map((f) => [f.name, f]));
    // Dependencies first, as a client assembling a descriptor set does.
    const ordered: FileDescriptorProto[] = [];
    const add = (name: string) => {
      const file = byName.get(name);
      if (!file || ordered.includes(file)) return;
      file.dependency.forEach(add);
      ordered.push(file);
    };
    [...byName.keys()].forEach(add);
    // createFileRegistry links like protoc: a type from a file that is not a declared dependency fails.
    const registry = createFileRegistry(create(FileDescriptorSetSchema, { file: ordered }));
    const service_ = registry.getService('hpo.v1.HpoService');
    expect(service_?.methods.map((m) => m.name)).toContain('Ask');
    const attribute = registry.getMessage('hpo.v1.Attribute');
    expect(attribute?.fields.find((f) => f.name === 'value')?.message?.typeName).toBe('google.protobuf.Value');
  });

  it('lets a call in flight finish on shutdown, reports NOT_SERVING meanwhile, and refuses new calls', async () => {
    const { service, release, enteredHeld } = standInService();
    server = await startGrpcServer({ service, host: '127.0.0.1', port: 0, logger });
    const address = `127.0.0.1:${server.port}`;
    const client = connectHpo(address);
    const inFlight = client.getStudy({ studyName: 'held' });
    await enteredHeld;
    const watcher = connectHpo(address); // connected before shutdown, to observe the refusal of new calls
    await rejectionOf(watcher.getStudy({ studyName: 'absent' }));
    let startShutdown: () => void = () => {};
    const shutdownRequested = new Promise<void>((resolve) => (startShutdown = resolve));
    const health = watchHealthUntil(address, 'NOT_SERVING', startShutdown);
    await shutdownRequested;
    const stopped = server.shutdown(60_000);
    expect(await health).toEqual(['SERVING', 'NOT_SERVING']);
    const newCall = rejectionOf(watcher.getStudy({ studyName: 'absent-2' }));
    release();
    const response = await inFlight;
    expect(response.study?.name).toBe('held');
    await stopped;
    expect((await newCall).code).toBe(Status.UNAVAILABLE);
    client.close();
    watcher.close();
    server = undefined;
  });

  it('cancels calls still running when the grace period ends', async () => {
    const { service, enteredHeld } = standInService();
    server = await startGrpcServer({ service, host: '127.0.0.1', port: 0, logger });
    const client = connectHpo(`127.0.0.1:${server.port}`);
    const inFlight = rejectionOf(client.getStudy({ studyName: 'held' }));
    await enteredHeld;
    await server.shutdown(50);
    expect([Status.CANCELLED, Status.UNAVAILABLE]).toContain((await inFlight).code);
    client.close();
    server = undefined;
  });

  it('maps service errors through the status table and hides unknown errors', async () => {
    const { service } = standInService();
    server = await startGrpcServer({ service, host: '127.0.0.1', port: 0, logger });
    const client = connectHpo(`127.0.0.1:${server.port}`);
    const notFound = await rejectionOf(client.getStudy({ studyName: 'nope' }));
    expect(notFound.code).toBe(Status.NOT_FOUND);
    expect(notFound.details).toContain('nope');
    const internal = await rejectionOf(client.getStudy({ studyName: 'boom' }));
    expect(internal.code).toBe(Status.INTERNAL);
    expect(internal.details).not.toContain('secret');
    client.close();
  });

  it('rejects bad wire input before the service sees it, naming the field', async () => {
    const { service, calls } = standInService();
    server = await startGrpcServer({ service, host: '127.0.0.1', port: 0, logger });
    const client = connectHpo(`127.0.0.1:${server.port}`);
    const error = await rejectionOf(
      client.createStudy({ name: 's', directions: [Direction.DIRECTION_UNSPECIFIED], userAttrs: [], loadIfExists: false, requestId: '' }),
    );
    expect(error.code).toBe(Status.INVALID_ARGUMENT);
    expect(error.details).toContain('directions[0]');
    expect(error.metadata.get(ERROR_FIELD_TRAILER)).toEqual(['directions[0]']);
    expect(calls).toEqual([]);
    client.close();
  });

  it('answers an int64 beyond 2^53 INVALID_ARGUMENT naming the field, not INTERNAL', async () => {
    const { service, calls } = standInService();
    server = await startGrpcServer({ service, host: '127.0.0.1', port: 0, logger });
    const client = connectHpo(`127.0.0.1:${server.port}`);
    // The generated client cannot even encode such a number; send raw bytes through a pass-through serializer.
    const bytes = Buffer.from(new BinaryWriter().uint32(8).int64(1).uint32(16).int64(2n ** 60n).finish());
    const error = await new Promise<{ code: number; details: string }>((resolve) => {
      client.raw.makeUnaryRequest(
        '/hpo.v1.HpoService/Report',
        (b: Buffer) => b,
        (b: Buffer) => b,
        bytes,
        (e) => resolve(e as unknown as { code: number; details: string }),
      );
    });
    expect(error.code).toBe(Status.INVALID_ARGUMENT);
    expect(error.details).toContain('step');
    expect(calls).toEqual([]);
    client.close();
  });

  it('answers a request over the size limit RESOURCE_EXHAUSTED without calling the service', async () => {
    const { service, calls } = standInService();
    server = await startGrpcServer({ service, host: '127.0.0.1', port: 0, logger, maxMessageBytes: 64 * 1024 });
    const client = connectHpo(`127.0.0.1:${server.port}`);
    const error = await rejectionOf(
      client.createStudy({
        name: 's',
        directions: [Direction.DIRECTION_MINIMIZE],
        userAttrs: [{ key: 'blob', value: 'x'.repeat(100 * 1024) }],
        loadIfExists: false,
        requestId: '',
      }),
    );
    expect(error.code).toBe(Status.RESOURCE_EXHAUSTED);
    expect(calls).toEqual([]);
    client.close();
  });
});
