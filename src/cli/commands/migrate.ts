import type { Command } from 'commander';
import { type DatabaseFlags, type LoggingFlags, resolveDatabaseConfig, resolveLoggingConfig } from '../../config.js';
import { createLogger } from '../../logging.js';
import { addDatabaseOptions, addLoggingOptions, exitOnError, fatalFields } from '../options.js';
import { describeStore, openMigratedStore } from '../open-store.js';

export function registerMigrateCommand(program: Command): void {
  const command = program.command('migrate').description('apply the schema migrations to the store, then exit');
  addDatabaseOptions(command);
  addLoggingOptions(command);
  command.action(async (flags: DatabaseFlags & LoggingFlags) => {
    let database;
    let logger;
    try {
      database = resolveDatabaseConfig(flags, process.env);
      logger = createLogger(resolveLoggingConfig(flags, process.env, Boolean(process.stdout.isTTY)));
    } catch (error) {
      exitOnError(error);
    }
    const log = logger;
    try {
      const opened = await openMigratedStore(database, log);
      await opened.close();
      log.info(describeStore(database), 'schema is up to date');
    } catch (error) {
      exitOnError(error, (e) => log.fatal(fatalFields(e), 'migration failed'));
    }
  });
}
