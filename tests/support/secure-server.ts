import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { pino } from 'pino';
import { InvalidArgumentError, NotFoundError } from '../../src/core/errors.js';
import { type RunningGrpcServer, startGrpcServer } from '../../src/server/grpc-server.js';
import { DEFAULT_LIMITS, type Limits } from '../../src/server/limits.js';
import { type ServerSecurity, createServerSecurity } from '../../src/server/security.js';
import type { ServerTlsOptions } from '../../src/server/tls.js';
import { type HpoServiceImpl, createHpoService } from '../../src/service/create-hpo-service.js';
import { migrateToLatest } from '../../src/storage/migrate.js';
import { type OpenedDatabase, openDatabase } from '../../src/storage/open-database.js';
import type { StoreFactory } from './test-database.js';

/** A real hpo server (embedded store in memory, real service, security layer) whose log lines the test reads. */
export interface SecureServer {
  readonly address: string;
  readonly port: number;
  readonly service: HpoServiceImpl;
  readonly security: ServerSecurity;
  /** The store, for setting up states no client could reach quickly (100,000 reported steps). */
  readonly db: OpenedDatabase['db'];
  /** Every log line the server wrote, as raw JSON text (what an operator's log file would hold). */
  readonly logLines: string[];
  /** Every row of every table, as JSON: equal before and after means nothing stored changed. */
  snapshot(): Promise<string>;
  /** The audit lines, parsed. */
  auditEvents(): Array<Record<string, unknown>>;
  stop(): Promise<void>;
}

export interface SecureServerOptions {
  readonly auth?: 'none' | 'tokens';
  /** Contents of the tokens file (written to a private temporary file). */
  readonly tokensFile?: string;
  readonly tls?: ServerTlsOptions;
  readonly limits?: Limits;
  /** The store to run on (tests/support/test-database.ts); default a fresh embedded store in memory. */
  readonly stores?: StoreFactory;
}

export async function startSecureServer(options: SecureServerOptions = {}): Promise<SecureServer> {
  const logLines: string[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void logLines.push(line) });
  const dir = mkdtempSync(join(tmpdir(), 'hpo-secure-'));
  let tokensFile: string | undefined;
  if (options.tokensFile !== undefined) {
    tokensFile = join(dir, 'tokens');
    writeFileSync(tokensFile, options.tokensFile);
    chmodSync(tokensFile, 0o600);
  }
  let service: HpoServiceImpl | undefined;
  const security = await createServerSecurity({
    host: '127.0.0.1',
    auth: options.auth,
    tokensFile,
    tls: options.tls,
    limits: options.limits ?? DEFAULT_LIMITS,
    logger,
    studyExists: (name) =>
      service!.getStudy(name).then(
        () => true,
        (error: unknown) => (error instanceof NotFoundError || error instanceof InvalidArgumentError ? false : Promise.reject(error)),
      ),
  });
  const opened: Pick<OpenedDatabase, 'db' | 'close'> = options.stores
    ? await options.stores.open()
    : await openDatabase({ inMemory: true }).then(async (o) => {
        await migrateToLatest(o.db);
        return o;
      });
  service = createHpoService({ db: opened.db, reaperIntervalMs: 0 });
  const server: RunningGrpcServer = await startGrpcServer({
    service,
    host: '127.0.0.1',
    port: 0,
    logger,
    maxMessageBytes: (options.limits ?? DEFAULT_LIMITS).maxMessageBytes,
    credentials: security.credentials,
    serverOptions: security.serverOptions,
  });
  const db = opened.db;
  return {
    address: `localhost:${server.port}`,
    port: server.port,
    service,
    security,
    db,
    logLines,
    async snapshot() {
      const tables = ['studies', 'trials', 'trial_intermediate_values', 'request_ids'];
      const dump: Record<string, unknown> = {};
      for (const table of tables) {
        const rows = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(db);
        dump[table] = rows.rows.map((row) => JSON.stringify(row)).sort();
      }
      return JSON.stringify(dump);
    },
    auditEvents() {
      return logLines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((entry) => entry.audit === true);
    },
    async stop() {
      await server.shutdown(1000);
      await service!.close();
      await opened.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
