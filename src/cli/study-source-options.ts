import { readFileSync } from 'node:fs';
import type { ConnectOptions } from '@hpo/client';
import { type Command, Option } from 'commander';
import { resolveDatabaseConfig } from '../config.js';
import { openServerStudySource } from './server-study-source.js';
import { openStorageStudySource } from './storage-study-source.js';
import type { StudySource } from './study-source.js';

export const DEFAULT_SERVER = 'localhost:50051';

/** Flags of every inspection command: which server, or which store directly. */
export interface StudySourceFlags {
  readonly server?: string;
  readonly token?: string;
  readonly tls?: boolean;
  readonly tlsCa?: string;
  readonly tlsClientCert?: string;
  readonly tlsClientKey?: string;
  readonly databaseUrl?: string;
  readonly dataDir?: string;
}

export function addStudySourceOptions(command: Command): Command {
  return command
    .addOption(new Option('--server <address>', `hpo server to talk to (env HPO_SERVER; default ${DEFAULT_SERVER})`))
    .addOption(new Option('--token <token>', 'bearer token for a server started with --auth tokens (prefer env HPO_TOKEN: flags show in ps)'))
    .addOption(new Option('--tls', 'connect with TLS, trusting the system roots (env HPO_TLS=true; implied by --tls-ca)'))
    .addOption(new Option('--tls-ca <file>', 'PEM file of the CA that signed the server certificate (env HPO_TLS_CA)'))
    .addOption(new Option('--tls-client-cert <file>', 'client certificate (PEM) for mutual TLS (env HPO_TLS_CLIENT_CERT)'))
    .addOption(new Option('--tls-client-key <file>', 'client private key (PEM) for mutual TLS (env HPO_TLS_CLIENT_KEY)'))
    .addOption(new Option('--database-url <url>', 'read and write the Postgres store directly instead of a server').conflicts('server'))
    .addOption(
      new Option('--data-dir <dir>', 'read and write an embedded store folder directly (no server may have it open)').conflicts([
        'server',
        'databaseUrl',
      ]),
    );
}

/**
 * The server unless a store is named on the command line. Only flags pick direct storage: a DATABASE_URL exported
 * for `hpo serve` must not silently turn `hpo trials` into a second writer beside a running server.
 */
export async function openStudySource(flags: StudySourceFlags, env = process.env): Promise<StudySource> {
  if (flags.databaseUrl !== undefined || flags.dataDir !== undefined)
    return openStorageStudySource(resolveDatabaseConfig({ databaseUrl: flags.databaseUrl, dataDir: flags.dataDir }, {}));
  const server = flags.server?.trim() || env.HPO_SERVER?.trim() || DEFAULT_SERVER;
  return openServerStudySource(server, connectionOptions(flags, env));
}

/** Token and TLS material from flags, else HPO_* variables (files are read here: a missing one is a clear error). */
export function connectionOptions(flags: StudySourceFlags, env: NodeJS.ProcessEnv): Pick<ConnectOptions, 'tls' | 'metadata'> {
  const token = flags.token?.trim() || env.HPO_TOKEN?.trim();
  const files = {
    ca: flags.tlsCa ?? env.HPO_TLS_CA,
    // Not HPO_TLS_CERT/KEY: those are the server's own (hpo serve), often exported in the same shell.
    cert: flags.tlsClientCert ?? env.HPO_TLS_CLIENT_CERT,
    key: flags.tlsClientKey ?? env.HPO_TLS_CLIENT_KEY,
  };
  if ((files.cert === undefined) !== (files.key === undefined))
    throw new UsageError('--tls-client-cert and --tls-client-key go together (mutual TLS)');
  const read = (path: string | undefined, flag: string) => {
    if (!path) return undefined;
    try {
      return readFileSync(path);
    } catch (error) {
      throw new UsageError(`${flag}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
  };
  const material = { ca: read(files.ca, '--tls-ca'), cert: read(files.cert, '--tls-client-cert'), key: read(files.key, '--tls-client-key') };
  const anyFile = material.ca || material.cert;
  return {
    tls: anyFile ? material : flags.tls || /^(1|true|yes|on)$/i.test(env.HPO_TLS ?? '') ? true : undefined,
    metadata: token ? { authorization: `Bearer ${token}` } : undefined,
  };
}

/** A command's body given a study source: the source is closed afterwards, and any error is one line and exit code 1. */
export async function withStudySource(flags: StudySourceFlags, body: (source: StudySource) => Promise<void>): Promise<void> {
  let source: StudySource | undefined;
  try {
    source = await openStudySource(flags);
    await body(source);
  } catch (error) {
    failWith(error);
  } finally {
    await source?.close().catch(() => {});
  }
}

/** Prints the error as one line on stderr and sets a failing exit code (the process then ends by itself). */
export function failWith(error: unknown, exitCode = 1): void {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`hpo: ${message.split('\n')[0]}\n`);
  process.exitCode = error instanceof UsageError || (error instanceof Error && error.name === 'ConfigError') ? 2 : exitCode;
}

/** A usage error found by a command itself (bad --state, bad --param): exit code 2 like commander's own. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
