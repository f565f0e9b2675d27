import { type Command, Option } from 'commander';
import { resolveDatabaseConfig } from '../config.js';
import { openServerStudySource } from './server-study-source.js';
import { openStorageStudySource } from './storage-study-source.js';
import type { StudySource } from './study-source.js';

export const DEFAULT_SERVER = 'localhost:50051';

/** Flags of every inspection command: which server, or which store directly. */
export interface StudySourceFlags {
  readonly server?: string;
  readonly databaseUrl?: string;
  readonly dataDir?: string;
}

export function addStudySourceOptions(command: Command): Command {
  return command
    .addOption(new Option('--server <address>', `hpo server to talk to (env HPO_SERVER; default ${DEFAULT_SERVER})`))
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
  return openServerStudySource(server);
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
