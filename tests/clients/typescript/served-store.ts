import { pino } from 'pino';
import { createHpoService, type HpoServiceImpl } from '../../../src/service/create-hpo-service.js';
import { type RunningGrpcServer, startGrpcServer } from '../../../src/server/grpc-server.js';
import { afterAll, beforeAll } from 'vitest';
import { connect, type HpoClient } from '@hpo/client';
import type { StoreFactory, TestStore } from '../../support/test-database.js';

/**
 * A real hpo server on localhost over a test store, as the SDK meets it: port 0 the first time, and `restart()`
 * brings a new server process's worth of state (a fresh service with an empty cache) up on the same port, over
 * the same store, as after a crash or a deploy.
 */
export interface RestartableServer {
  readonly address: string;
  readonly port: number;
  /** The service currently behind the server (for reaping leases in tests). */
  readonly service: HpoServiceImpl;
  /** Stops the server: calls in flight get up to `graceMs`, then are cancelled. */
  stop(graceMs?: number): Promise<void>;
  /** Starts it again on the same port. */
  start(): Promise<void>;
  close(): Promise<void>;
}

export async function serveForSdk(store: TestStore, options: { reaperIntervalMs?: number } = {}): Promise<RestartableServer> {
  const logger = pino({ level: 'silent' });
  let service: HpoServiceImpl | undefined;
  let server: RunningGrpcServer | undefined;
  let port = 0;
  const start = async () => {
    service = createHpoService({ db: store.db, reaperIntervalMs: options.reaperIntervalMs ?? 0 });
    server = await startGrpcServer({ service, host: '127.0.0.1', port, logger });
    port = server.port;
  };
  const stop = async (graceMs = 0) => {
    await server?.shutdown(graceMs);
    await service?.close();
    server = undefined;
  };
  await start();
  return {
    get address() {
      return `127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    get service() {
      return service!;
    },
    stop,
    start,
    close: () => stop(1000),
  };
}

/** A real server over a fresh test store and an SDK client connected to it, for one describe block. */
export interface ServedSdk {
  readonly server: RestartableServer;
  readonly client: HpoClient;
}

/** Opens the store, serves it and connects in beforeAll; closes all three in afterAll. */
export function useServedSdk(stores: StoreFactory): ServedSdk {
  const held = {} as { store: TestStore; server: RestartableServer; client: HpoClient };
  beforeAll(async () => {
    held.store = await stores.open();
    held.server = await serveForSdk(held.store);
    held.client = await connect(held.server.address);
  });
  afterAll(async () => {
    await held.client?.close();
    await held.server?.close();
    await held.store?.close();
  });
  return {
    get server() {
      return held.server;
    },
    get client() {
      return held.client;
    },
  };
}
