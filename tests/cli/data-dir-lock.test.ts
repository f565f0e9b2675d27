import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FailedPreconditionError } from '../../src/core/errors.js';
import { acquireDataDirLock } from '../../src/cli/data-dir-lock.js';

describe('acquireDataDirLock', () => {
  const root = mkdtempSync(join(tmpdir(), 'hpo-lock-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('writes <dir>.lock with our pid and removes it on release', () => {
    const dir = join(root, 'fresh-clone', '.hpo', 'data');
    const lock = acquireDataDirLock(dir);
    expect(lock.path).toBe(`${dir}.lock`);
    expect(readFileSync(lock.path, 'utf8')).toBe(String(process.pid));
    lock.release();
    expect(existsSync(lock.path)).toBe(false);
  });

  it('refuses while another live process holds it, naming that process, and takes over once it is gone', async () => {
    const dir = join(root, 'b');
    const holder = spawn('sleep', ['30']);
    const exited = new Promise((resolve) => holder.on('exit', resolve));
    writeFileSync(`${dir}.lock`, String(holder.pid));
    let refused: unknown;
    try {
      acquireDataDirLock(dir);
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(FailedPreconditionError);
    expect((refused as Error).message).toContain(String(holder.pid));
    holder.kill();
    await exited;
    const lock = acquireDataDirLock(dir);
    expect(readFileSync(lock.path, 'utf8')).toBe(String(process.pid));
    lock.release();
  });
});
