import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { FailedPreconditionError } from '../core/errors.js';

/**
 * One process at a time per embedded data folder. PGlite is a whole Postgres inside the process, with no
 * postmaster to refuse a second instance: two processes opening one folder would both write its files and
 * corrupt it. The lock is a file beside the folder (`<dir>.lock`, so PGlite's folder holds only its own files)
 * holding the owner's pid; a lock whose process is gone is stale and taken over.
 */
export interface DataDirLock {
  readonly path: string;
  release(): void;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function acquireDataDirLock(dataDir: string): DataDirLock {
  const path = `${resolve(dataDir)}.lock`;
  // A fresh clone has no ./.hpo yet.
  mkdirSync(dirname(path), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return {
        path,
        release() {
          try {
            if (readFileSync(path, 'utf8').trim() === String(process.pid)) rmSync(path);
          } catch {
            // Already gone.
          }
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      let owner = NaN;
      try {
        owner = Number(readFileSync(path, 'utf8').trim());
      } catch {
        // Removed between our open and read: try again.
      }
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isRunning(owner)) {
        throw new FailedPreconditionError(
          `the embedded store ${resolve(dataDir)} is in use by process ${owner} (another hpo serve?); ` +
            'only one process may open it: stop that one, or reach it through its server (--server)',
        );
      }
      rmSync(path, { force: true });
    }
  }
  throw new FailedPreconditionError(`could not lock the embedded store ${resolve(dataDir)} (${path})`);
}
