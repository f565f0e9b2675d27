import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  redactDatabaseUrl,
  resolveDatabaseConfig,
  resolveLoggingConfig,
  resolveSecurityConfig,
  resolveServeConfig,
} from '../src/config.js';

describe('resolveServeConfig', () => {
  it('defaults to loopback:50051, the embedded store in ./.hpo/data, info logs, 4 MiB messages', () => {
    expect(resolveServeConfig({}, {})).toEqual({
      host: '127.0.0.1',
      port: 50051,
      database: { kind: 'embedded', dataDir: './.hpo/data' },
      logging: { level: 'info', format: 'json' },
      maxMessageBytes: 4 * 1024 * 1024,
      shutdownGraceMs: 15_000,
      security: { tls: {} },
    });
  });

  it('takes HPO_* variables, and flags over them', () => {
    const env = { HPO_HOST: '0.0.0.0', HPO_PORT: '6000', HPO_LOG_LEVEL: 'debug', HPO_SHUTDOWN_GRACE_SECONDS: '2' };
    expect(resolveServeConfig({}, env)).toMatchObject({ host: '0.0.0.0', port: 6000, logging: { level: 'debug' }, shutdownGraceMs: 2000 });
    expect(resolveServeConfig({ port: '50052', host: '::' }, env)).toMatchObject({ host: '::', port: 50052 });
  });

  it('refuses bad numbers with a message naming the setting', () => {
    expect(() => resolveServeConfig({ port: '70000' }, {})).toThrow(ConfigError);
    expect(() => resolveServeConfig({ port: 'abc' }, {})).toThrow(/port/);
    expect(() => resolveServeConfig({}, { HPO_LOG_LEVEL: 'loud' })).toThrow(/log level/);
  });
});

describe('resolveSecurityConfig', () => {
  it('takes --auth, --tokens-file and the TLS files from flags over HPO_* variables', () => {
    const env = { HPO_AUTH: 'none', HPO_TOKENS_FILE: '/env/tokens', HPO_TLS_CERT: '/env/c.pem', HPO_TLS_KEY: '/env/k.pem', HPO_TLS_CLIENT_CA: '/env/ca.pem' };
    expect(resolveSecurityConfig({}, env)).toEqual({
      auth: 'none',
      tokensFile: '/env/tokens',
      tls: { certFile: '/env/c.pem', keyFile: '/env/k.pem', clientCaFile: '/env/ca.pem' },
    });
    expect(resolveSecurityConfig({ auth: 'TOKENS', tokensFile: 't', tlsCert: 'c', tlsKey: 'k', tlsClientCa: 'a' }, env)).toEqual({
      auth: 'tokens',
      tokensFile: 't',
      tls: { certFile: 'c', keyFile: 'k', clientCaFile: 'a' },
    });
  });

  it('refuses an unknown auth mode', () => {
    expect(() => resolveSecurityConfig({ auth: 'mtls' }, {})).toThrow(ConfigError);
    expect(() => resolveSecurityConfig({}, { HPO_AUTH: 'basic' })).toThrow(/--auth must be none or tokens/);
  });
});

describe('resolveDatabaseConfig', () => {
  it('picks Postgres from --database-url, HPO_DATABASE_URL or DATABASE_URL, in that order', () => {
    const url = 'postgres://u@h/db';
    expect(resolveDatabaseConfig({ databaseUrl: url }, {})).toEqual({ kind: 'postgres', url });
    expect(resolveDatabaseConfig({}, { DATABASE_URL: 'postgres://a/b', HPO_DATABASE_URL: url })).toEqual({ kind: 'postgres', url });
    expect(resolveDatabaseConfig({}, { DATABASE_URL: url })).toEqual({ kind: 'postgres', url });
  });

  it('lets store flags override a DATABASE_URL exported in the shell', () => {
    expect(resolveDatabaseConfig({ inMemory: true }, { DATABASE_URL: 'postgres://a/b' })).toEqual({ kind: 'memory' });
    expect(resolveDatabaseConfig({ dataDir: '/tmp/x' }, { DATABASE_URL: 'postgres://a/b' })).toEqual({ kind: 'embedded', dataDir: '/tmp/x' });
    expect(resolveDatabaseConfig({}, { HPO_IN_MEMORY: 'true' })).toEqual({ kind: 'memory' });
  });

  it('refuses two stores at once and URLs that are not Postgres', () => {
    expect(() => resolveDatabaseConfig({ inMemory: true, databaseUrl: 'postgres://a/b' }, {})).toThrow(/cannot be combined/);
    expect(() => resolveDatabaseConfig({ databaseUrl: 'mysql://a/b' }, {})).toThrow(/postgres/);
    expect(() => resolveDatabaseConfig({}, { HPO_IN_MEMORY: 'maybe' })).toThrow(/HPO_IN_MEMORY/);
  });
});

describe('logging and redaction', () => {
  it('logs pretty lines on a terminal and JSON elsewhere unless told', () => {
    expect(resolveLoggingConfig({}, {}, true).format).toBe('pretty');
    expect(resolveLoggingConfig({}, {}, false).format).toBe('json');
    expect(resolveLoggingConfig({ logFormat: 'json' }, {}, true).format).toBe('json');
  });

  it('never shows a database password', () => {
    expect(redactDatabaseUrl('postgres://user:hunter2@db:5432/hpo')).toBe('postgres://user:***@db:5432/hpo');
  });
});
