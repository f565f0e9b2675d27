import type { Logger } from 'pino';
import { type DatabaseConfig, redactDatabaseUrl } from '../config.js';
import { migrateToLatest } from '../storage/migrate.js';
import { openDatabase, type OpenedDatabase } from '../storage/open-database.js';

/** What the logs say about the store (never a password). */
export function describeStore(config: DatabaseConfig): Record<string, string> {
  switch (config.kind) {
    case 'postgres':
      return { store: 'postgres', database: redactDatabaseUrl(config.url) };
    case 'embedded':
      return { store: 'embedded', dataDir: config.dataDir };
    case 'memory':
      return { store: 'embedded', dataDir: '(in memory)' };
  }
}

/** Opens the configured store and brings its schema up to date (every command that reads or writes does). */
export async function openMigratedStore(config: DatabaseConfig, logger: Logger): Promise<OpenedDatabase> {
  const opened = await openDatabase(
    config.kind === 'postgres' ? { url: config.url } : config.kind === 'embedded' ? { dataDir: config.dataDir } : { inMemory: true },
  );
  try {
    const { applied } = await migrateToLatest(opened.db);
    if (applied.length > 0) logger.info({ applied }, 'migrations applied');
  } catch (error) {
    await opened.close();
    throw error;
  }
  return opened;
}
