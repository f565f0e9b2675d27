import { type Command, Option } from 'commander';
import { DEFAULT_DATA_DIR } from '../config.js';
import { HpoError } from '../core/errors.js';
import { LOG_LEVELS } from '../logging.js';

/**
 * Flags shared by every command that opens the store. No commander defaults: an absent flag must fall
 * through to its environment variable (src/config.ts resolves flag > HPO_* > default).
 */
export function addDatabaseOptions(command: Command): Command {
  return command
    .option('--database-url <url>', 'Postgres connection string (env HPO_DATABASE_URL or DATABASE_URL); otherwise the embedded store')
    .option('--data-dir <dir>', `folder of the embedded store (env HPO_DATA_DIR; default ${DEFAULT_DATA_DIR})`)
    .option('--in-memory', 'embedded store in memory only, lost on exit (env HPO_IN_MEMORY=true)');
}

export function addLoggingOptions(command: Command): Command {
  return command
    .addOption(new Option('--log-level <level>', 'log level (env HPO_LOG_LEVEL; default info)').choices(LOG_LEVELS))
    .addOption(
      new Option('--log-format <format>', 'json, or pretty lines (env HPO_LOG_FORMAT; default pretty on a terminal, else json)').choices([
        'json',
        'pretty',
      ]),
    );
}

/**
 * What a fatal log line carries: an HpoError (a refused setting, a store in use) is the user's to fix and is
 * shown by its message alone; anything else is a bug or an outage and keeps its stack.
 */
export function fatalFields(error: unknown): Record<string, unknown> {
  return error instanceof HpoError ? { reason: error.message } : { err: error };
}

/** Runs a command body; a ConfigError or start-up failure ends the process with a message, not a stack. */
export function exitOnError(error: unknown, log?: (error: unknown) => void): never {
  if (log) log(error);
  else process.stderr.write(`hpo: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(error instanceof Error && error.name === 'ConfigError' ? 2 : 1);
}
