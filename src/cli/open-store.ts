import type { Logger } from 'pino';
import { type DatabaseConfig, redactDatabaseUrl } from '../config.js';
import { migrateToLatest } from '../storage/migrate.js';
import { acquireDataDirLock } from './data-dir-lock.js';
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

/**
 * Opens the configured store and brings its schema up to date (every command that reads or writes does).
 * An embedded data folder is locked to this process until `close()`.
 */
export async function openMigratedStore(config: DatabaseConfig, logger: Logger): Promise<OpenedDatabase> {
  const lock = config.kind === 'embedded' ? acquireDataDirLock(config.dataDir) : undefined;
  let opened: OpenedDatabase;
  try {
    opened = await openDatabase(
      config.kind === 'postgres' ? { url: config.url } : config.kind === 'embedded' ? { dataDir: config.dataDir } : { inMemory: true },
    );
  } catch (error) {
    lock?.release();
    throw error;
  }
  const withLock: OpenedDatabase = {
    ...opened,
    async close() {
      try {
        await opened.close();
      } finally {
        lock?.release();
      }
    },
  };
  try {
    const { applied } = await migrateToLatest(opened.db);
    if (applied.length > 0) logger.info({ applied }, 'migrations applied');
  } catch (error) {
    await withLock.close();
    throw error;
  }
  return withLock;
}
