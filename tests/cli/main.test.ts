import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { checkHealth } from '../support/grpc-client.js';

const ROOT = join(import.meta.dirname, '..', '..');

function parseLogs(text: string): Array<Record<string, unknown>> {
  return text
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('the hpo command line', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'hpo-cli-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('`hpo migrate` creates the embedded store in --data-dir and exits 0', () => {
    const result = spawnSync(join(ROOT, 'node_modules', '.bin', 'tsx'), ['src/cli/main.ts', 'migrate', '--data-dir', dataDir, '--log-format', 'json'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, DATABASE_URL: '', HPO_DATABASE_URL: '' },
    });
    expect(result.status, result.stderr).toBe(0);
    const messages = parseLogs(result.stdout).map((l) => l.msg);
    expect(messages).toEqual(['migrations applied', 'schema is up to date']);
  });

  it('`npm start -- <flags>` passes the flags to `hpo serve`, and Ctrl-C (SIGINT to the group) stops it gracefully', async () => {
    // detached: its own process group, like a terminal's foreground job, so the test can signal all of it.
    const child = spawn('npm', ['start', '--', '--data-dir', dataDir, '--port', '0', '--log-format', 'json'], {
      cwd: ROOT,
      detached: true,
      env: { ...process.env, DATABASE_URL: '', HPO_DATABASE_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const logs: Array<Record<string, unknown>> = [];
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const port = await new Promise<number>((resolve, reject) => {
      createInterface({ input: child.stdout! }).on('line', (line) => {
        logs.push(...parseLogs(line));
        if (logs.at(-1)?.msg === 'hpo listening') resolve(Number(logs.at(-1)?.port));
      });
      void exited.then((code) => reject(new Error(`npm start exited with ${code}`)));
    });
    expect(await checkHealth(`127.0.0.1:${port}`)).toBe('SERVING');
    // The store was migrated by `hpo migrate` above: nothing left to apply.
    expect(logs.map((l) => l.msg)).not.toContain('migrations applied');
    expect(logs.find((l) => l.msg === 'hpo listening')).toMatchObject({ store: 'embedded', dataDir });
    const stopped = new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (logs.some((l) => l.msg === 'stopped')) {
          clearInterval(check);
          resolve();
        }
      }, 50);
    });
    process.kill(-child.pid!, 'SIGINT');
    await stopped;
    await exited;
    expect(logs.map((l) => l.msg)).toContain('shutting down: finishing calls in flight');
  });
});
