import { LOG_LEVELS, type LogFormat, type LogLevel } from './logging.js';
import { DEFAULT_MAX_MESSAGE_BYTES } from './server/grpc-server.js';

/**
 * Configuration from command-line flags and environment variables. A flag wins over its HPO_* variable,
 * which wins over the default. Pure: takes the flags and the environment, returns a value or throws
 * ConfigError, so it is tested without a process.
 *
 *   flag                    environment                         default
 *   --host                  HPO_HOST                            127.0.0.1
 *   --port                  HPO_PORT                            50051
 *   --database-url          HPO_DATABASE_URL, DATABASE_URL      (embedded store)
 *   --data-dir              HPO_DATA_DIR                        ./.hpo/data
 *   --in-memory             HPO_IN_MEMORY=true                  false
 *   --log-level             HPO_LOG_LEVEL                       info
 *   --log-format            HPO_LOG_FORMAT                      pretty on a terminal, json otherwise
 *   --max-message-bytes     HPO_MAX_MESSAGE_BYTES               4194304 (4 MiB)
 *   --shutdown-grace        HPO_SHUTDOWN_GRACE_SECONDS          15
 *   --sampling-threads      HPO_SAMPLING_THREADS                (the service's default)
 *   --auth                  HPO_AUTH                            none on a loopback host; elsewhere required
 *   --tokens-file           HPO_TOKENS_FILE                     (none; implies --auth tokens)
 *   --tls-cert, --tls-key   HPO_TLS_CERT, HPO_TLS_KEY           (plaintext)
 *   --tls-client-ca         HPO_TLS_CLIENT_CA                   (no client certificates asked for)
 *
 * Why 127.0.0.1 and not 0.0.0.0: without --auth tokens anyone who reaches the port can create and delete
 * studies. Like Postgres (listen_addresses = localhost) it listens on loopback unless told otherwise; containers
 * and clusters set HPO_HOST=0.0.0.0 and then must choose --auth (tokens, or none on a trusted network): the
 * security settings are checked when the server starts (src/server/security.ts).
 */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export type Env = Readonly<Record<string, string | undefined>>;

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 50051;
export const DEFAULT_DATA_DIR = './.hpo/data';
export const DEFAULT_SHUTDOWN_GRACE_SECONDS = 15;

/** Which store to open. */
export type DatabaseConfig =
  | { readonly kind: 'postgres'; readonly url: string }
  | { readonly kind: 'embedded'; readonly dataDir: string }
  | { readonly kind: 'memory' };

export interface LoggingConfig {
  readonly level: LogLevel;
  readonly format: LogFormat;
}

export interface ServeConfig {
  readonly host: string;
  readonly port: number;
  readonly database: DatabaseConfig;
  readonly logging: LoggingConfig;
  readonly maxMessageBytes: number;
  readonly shutdownGraceMs: number;
  readonly security: SecurityConfig;
  /** Threads sampling asks beside the event loop (0 or 1); undefined: the service's default. */
  readonly samplingThreads?: 0 | 1;
}

/** Authentication and TLS, as given; src/server/security.ts checks them (files, combinations) at start. */
export interface SecurityConfig {
  readonly auth?: string;
  readonly tokensFile?: string;
  readonly tls: { readonly certFile?: string; readonly keyFile?: string; readonly clientCaFile?: string };
}

/** Flags as commander hands them over (strings, or true for boolean flags). */
export interface DatabaseFlags {
  readonly databaseUrl?: string;
  readonly dataDir?: string;
  readonly inMemory?: boolean;
}
export interface LoggingFlags {
  readonly logLevel?: string;
  readonly logFormat?: string;
}
export interface SecurityFlags {
  readonly auth?: string;
  readonly tokensFile?: string;
  readonly tlsCert?: string;
  readonly tlsKey?: string;
  readonly tlsClientCa?: string;
}
export interface ServeFlags extends DatabaseFlags, LoggingFlags, SecurityFlags {
  readonly host?: string;
  readonly port?: string;
  readonly maxMessageBytes?: string;
  readonly shutdownGrace?: string;
  readonly samplingThreads?: string;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function parseBoolean(value: string, name: string): boolean {
  if (/^(1|true|yes|on)$/i.test(value)) return true;
  if (/^(0|false|no|off)$/i.test(value)) return false;
  throw new ConfigError(`${name} must be true or false, got "${value}"`);
}

function parseInteger(value: string, name: string, min: number, max: number): number {
  if (!/^\d+$/.test(value)) throw new ConfigError(`${name} must be a whole number, got "${value}"`);
  const n = Number(value);
  if (n < min || n > max) throw new ConfigError(`${name} must be between ${min} and ${max}, got ${n}`);
  return n;
}

function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

/**
 * The store: a database URL picks Postgres, otherwise the embedded store in a folder or in memory.
 * Flags are considered as a group before the environment, so `--in-memory` works even when DATABASE_URL
 * is exported in the shell.
 */
export function resolveDatabaseConfig(flags: DatabaseFlags, env: Env): DatabaseConfig {
  const fromFlags = pickDatabase(
    { url: nonEmpty(flags.databaseUrl), dataDir: nonEmpty(flags.dataDir), inMemory: flags.inMemory === true },
    { url: '--database-url', dataDir: '--data-dir', inMemory: '--in-memory' },
  );
  if (fromFlags) return fromFlags;
  const inMemoryEnv = nonEmpty(env.HPO_IN_MEMORY);
  const fromEnv = pickDatabase(
    {
      url: nonEmpty(env.HPO_DATABASE_URL) ?? nonEmpty(env.DATABASE_URL),
      dataDir: nonEmpty(env.HPO_DATA_DIR),
      inMemory: inMemoryEnv !== undefined && parseBoolean(inMemoryEnv, 'HPO_IN_MEMORY'),
    },
    {
      url: nonEmpty(env.HPO_DATABASE_URL) ? 'HPO_DATABASE_URL' : 'DATABASE_URL',
      dataDir: 'HPO_DATA_DIR',
      inMemory: 'HPO_IN_MEMORY',
    },
  );
  return fromEnv ?? { kind: 'embedded', dataDir: DEFAULT_DATA_DIR };
}

function pickDatabase(
  given: { url?: string; dataDir?: string; inMemory: boolean },
  names: { url: string; dataDir: string; inMemory: string },
): DatabaseConfig | undefined {
  const chosen = [given.url && names.url, given.dataDir && names.dataDir, given.inMemory && names.inMemory].filter(Boolean);
  if (chosen.length > 1) throw new ConfigError(`${chosen.join(' and ')} cannot be combined: choose one store`);
  if (given.url !== undefined) {
    if (!isPostgresUrl(given.url)) throw new ConfigError(`${names.url} must be a postgres:// or postgresql:// URL`);
    return { kind: 'postgres', url: given.url };
  }
  if (given.dataDir !== undefined) return { kind: 'embedded', dataDir: given.dataDir };
  if (given.inMemory) return { kind: 'memory' };
  return undefined;
}

export function resolveLoggingConfig(flags: LoggingFlags, env: Env, stdoutIsTty: boolean): LoggingConfig {
  const level = (nonEmpty(flags.logLevel) ?? nonEmpty(env.HPO_LOG_LEVEL) ?? 'info').toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(level))
    throw new ConfigError(`log level must be one of ${LOG_LEVELS.join(', ')}, got "${level}"`);
  const format = (nonEmpty(flags.logFormat) ?? nonEmpty(env.HPO_LOG_FORMAT) ?? (stdoutIsTty ? 'pretty' : 'json')).toLowerCase();
  if (format !== 'json' && format !== 'pretty') throw new ConfigError(`log format must be json or pretty, got "${format}"`);
  return { level: level as LogLevel, format };
}

export function resolveServeConfig(flags: ServeFlags, env: Env, stdoutIsTty = false): ServeConfig {
  const host = nonEmpty(flags.host) ?? nonEmpty(env.HPO_HOST) ?? DEFAULT_HOST;
  const port = parseInteger(nonEmpty(flags.port) ?? nonEmpty(env.HPO_PORT) ?? String(DEFAULT_PORT), 'port', 0, 65535);
  const maxMessageBytes = parseInteger(
    nonEmpty(flags.maxMessageBytes) ?? nonEmpty(env.HPO_MAX_MESSAGE_BYTES) ?? String(DEFAULT_MAX_MESSAGE_BYTES),
    'max message bytes',
    1024,
    1024 * 1024 * 1024,
  );
  const graceSeconds = parseInteger(
    nonEmpty(flags.shutdownGrace) ?? nonEmpty(env.HPO_SHUTDOWN_GRACE_SECONDS) ?? String(DEFAULT_SHUTDOWN_GRACE_SECONDS),
    'shutdown grace (seconds)',
    0,
    3600,
  );
  const threads = nonEmpty(flags.samplingThreads) ?? nonEmpty(env.HPO_SAMPLING_THREADS);
  const samplingThreads = threads === undefined ? undefined : (parseInteger(threads, 'sampling threads', 0, 1) as 0 | 1);
  return {
    host,
    port,
    samplingThreads,
    database: resolveDatabaseConfig(flags, env),
    logging: resolveLoggingConfig(flags, env, stdoutIsTty),
    maxMessageBytes,
    shutdownGraceMs: graceSeconds * 1000,
    security: resolveSecurityConfig(flags, env),
  };
}

export function resolveSecurityConfig(flags: SecurityFlags, env: Env): SecurityConfig {
  const auth = (nonEmpty(flags.auth) ?? nonEmpty(env.HPO_AUTH))?.toLowerCase();
  if (auth !== undefined && auth !== 'none' && auth !== 'tokens') throw new ConfigError(`--auth must be none or tokens, got "${auth}"`);
  const pick = (flag: string | undefined, name: string) => nonEmpty(flag) ?? nonEmpty(env[name]);
  const tokensFile = pick(flags.tokensFile, 'HPO_TOKENS_FILE');
  const certFile = pick(flags.tlsCert, 'HPO_TLS_CERT');
  const keyFile = pick(flags.tlsKey, 'HPO_TLS_KEY');
  const clientCaFile = pick(flags.tlsClientCa, 'HPO_TLS_CLIENT_CA');
  return {
    ...(auth !== undefined ? { auth } : {}),
    ...(tokensFile !== undefined ? { tokensFile } : {}),
    tls: {
      ...(certFile !== undefined ? { certFile } : {}),
      ...(keyFile !== undefined ? { keyFile } : {}),
      ...(clientCaFile !== undefined ? { clientCaFile } : {}),
    },
  };
}

/** The database URL without its password, for logs. */
export function redactDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres://(unparsable url)';
  }
}
