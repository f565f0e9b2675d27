import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import pg from 'pg';
import { afterAll, describe, it } from 'vitest';
import type { Database } from '../../src/storage/database.js';
import { migrateToLatest } from '../../src/storage/migrate.js';
import { openDatabase } from '../../src/storage/open-database.js';

/**
 * The stores every storage and service suite runs against: the embedded store (PGlite in memory) and real
 * Postgres. Postgres comes from TEST_DATABASE_URL; when unset and a Docker engine answers, from a
 * @testcontainers/postgresql container; otherwise Postgres suites are skipped with a loud warning, except
 * under CI=true, where a missing Postgres fails the run. Every Postgres store is a fresh database
 * (hpo_test_<random>) on that server, dropped on close, so test files can run in parallel.
 */
export type StoreKind = 'embedded' | 'postgres';

export interface TestStore {
  readonly kind: StoreKind;
  readonly db: Kysely<Database>;
  /** The Postgres URL of this store's own database (to open more pools on it); undefined when embedded. */
  readonly url: string | undefined;
  close(): Promise<void>;
}

export interface StoreFactory {
  readonly kind: StoreKind;
  /** A new, migrated store. */
  open(): Promise<TestStore>;
  /** A new, empty (unmigrated) store. */
  openEmpty(): Promise<TestStore>;
}

type PostgresServer = { readonly url: string } | { readonly missing: string };

async function findPostgres(): Promise<PostgresServer> {
  const fromEnv = process.env.TEST_DATABASE_URL;
  if (fromEnv) return { url: fromEnv };
  try {
    const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
    const container = await new PostgreSqlContainer('postgres:15-alpine').start();
    afterAll(async () => {
      await container.stop();
    });
    return { url: container.getConnectionUri() };
  } catch (error) {
    return { missing: `TEST_DATABASE_URL is unset and no Docker engine could start Postgres (${(error as Error).message})` };
  }
}

const server = await findPostgres();

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

async function adminQuery(serverUrl: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/** Creates a scratch database on the test server; returns its URL and a function that drops it. */
export async function createScratchDatabase(serverUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `hpo_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(serverUrl, `create database ${name}`);
  return {
    url: withDatabase(serverUrl, name),
    drop: () => adminQuery(serverUrl, `drop database if exists ${name} with (force)`),
  };
}

const embedded: StoreFactory = {
  kind: 'embedded',
  async open() {
    const store = await this.openEmpty();
    await migrateToLatest(store.db);
    return store;
  },
  async openEmpty() {
    const opened = await openDatabase({ inMemory: true });
    return { kind: 'embedded', db: opened.db, url: undefined, close: () => opened.close() };
  },
};

function postgres(serverUrl: string): StoreFactory {
  return {
    kind: 'postgres',
    async open() {
      const store = await this.openEmpty();
      await migrateToLatest(store.db);
      return store;
    },
    async openEmpty() {
      const scratch = await createScratchDatabase(serverUrl);
      const opened = await openDatabase({ url: scratch.url });
      return {
        kind: 'postgres',
        db: opened.db,
        url: scratch.url,
        async close() {
          await opened.close();
          await scratch.drop();
        },
      };
    },
  };
}

/** The Postgres server URL, or undefined when none is available (see the module comment). */
export const postgresServerUrl: string | undefined = 'url' in server ? server.url : undefined;

/**
 * Declares the suite `body` once per store: `describeStores('ask', (stores) => { ... stores.open() ... })`.
 * The Postgres copy is skipped loudly when there is no Postgres, or fails under CI=true.
 */
export function describeStores(title: string, body: (stores: StoreFactory) => void): void {
  describe(`${title} [embedded]`, () => body(embedded));
  describePostgres(title, (factory) => body(factory));
}

/** Declares a suite that only makes sense on Postgres (several connections), with the same skip rules. */
export function describePostgres(title: string, body: (stores: StoreFactory) => void): void {
  if ('url' in server) {
    const factory = postgres(server.url);
    describe(`${title} [postgres]`, () => body(factory));
    return;
  }
  if (process.env.CI === 'true') {
    describe(`${title} [postgres]`, () => {
      it('runs against Postgres (required under CI=true)', () => {
        throw new Error(`CI=true but no Postgres is available: ${server.missing}`);
      });
    });
    return;
  }
  console.warn(`\n*** SKIPPING the Postgres suite "${title}": ${server.missing} ***\n`);
  describe.skip(`${title} [postgres]`, () => body(postgres('postgres://unavailable')));
}
