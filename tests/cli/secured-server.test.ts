import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateTestPki, type TestPki } from '../support/certificates.js';

const BIN = fileURLToPath(new URL('../../bin/hpo.js', import.meta.url));
const ADMIN = 'admin-secret-0123456789';
const READER = 'reader-secret-0123456789';

function hpo(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env };
  delete env.FORCE_COLOR;
  delete env.HPO_SERVER;
  return new Promise((resolve) =>
    execFile(process.execPath, [BIN, ...args], { env, timeout: 60_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    ),
  );
}

describe('hpo inspection commands against a server with TLS and bearer tokens', () => {
  let pki: TestPki;
  let server: ChildProcess;
  let address: string;

  beforeAll(async () => {
    pki = generateTestPki();
    const tokens = join(pki.dir, 'tokens');
    writeFileSync(tokens, `ops:admin:${ADMIN}\ndash:read:${READER}\n`);
    chmodSync(tokens, 0o600);
    server = spawn(
      process.execPath,
      [BIN, 'serve', '--in-memory', '--port', '0', '--log-format', 'json', '--tokens-file', tokens, '--tls-cert', pki.serverCert, '--tls-key', pki.serverKey],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const port = await new Promise<number>((resolve, reject) => {
      server.once('exit', (code) => reject(new Error(`hpo serve exited with ${code}`)));
      createInterface({ input: server.stdout! }).on('line', (line) => {
        try {
          const entry = JSON.parse(line) as { msg?: string; port?: number };
          if (entry.msg === 'hpo listening' && entry.port) resolve(entry.port);
        } catch {
          // not a log line
        }
      });
    });
    address = `localhost:${port}`;
  });

  afterAll(async () => {
    if (server && server.exitCode === null) {
      const exited = new Promise((resolve) => server.once('exit', resolve));
      server.kill('SIGTERM');
      await exited;
    }
    pki?.remove();
  });

  it('work with the CA and a token, and say in one line what is missing otherwise', async () => {
    const created = await hpo(['create-study', 'secure', '--server', address, '--tls-ca', pki.caCert, '--token', ADMIN]);
    expect(created).toMatchObject({ code: 0, stdout: expect.stringContaining('created study secure') });

    const listed = await hpo(['studies', '--server', address, '--tls-ca', pki.caCert, '--token', READER, '--format', 'json']);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout).map((s: { name: string }) => s.name)).toEqual(['secure']);

    const noToken = await hpo(['studies', '--server', address, '--tls-ca', pki.caCert]);
    expect(noToken.code).toBe(1);
    expect(noToken.stderr.trim().split('\n')).toHaveLength(1);
    expect(noToken.stderr).toMatch(/^hpo: .*authorization/);

    const tooWeak = await hpo(['delete-study', 'secure', '--yes', '--server', address, '--tls-ca', pki.caCert, '--token', READER]);
    expect(tooWeak.code).toBe(1);
    expect(tooWeak.stderr.trim().split('\n')).toHaveLength(1);

    const missingCa = await hpo(['studies', '--server', address, '--tls-ca', join(pki.dir, 'nope.pem'), '--token', READER]);
    expect(missingCa.code).toBe(2);
    expect(missingCa.stderr).toMatch(/^hpo: --tls-ca: cannot read .*nope\.pem \(ENOENT\)\n$/);
  });
});
