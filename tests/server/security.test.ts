import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/core/errors.js';
import { createServerSecurity } from '../../src/server/security.js';
import { type TestPki, generateTestPki } from '../support/certificates.js';

const SECRET = 'Plain-secret-for-start-logs-0123';

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { logger, lines, text: () => JSON.stringify(lines) };
}

let pki: TestPki;
let dir: string;
let tokens: string;
beforeAll(() => {
  pki = generateTestPki();
  dir = mkdtempSync(join(tmpdir(), 'hpo-security-'));
  tokens = join(dir, 'tokens');
  writeFileSync(tokens, `ops:admin:${SECRET}\n`);
  chmodSync(tokens, 0o644);
});
afterAll(() => {
  pki?.remove();
  rmSync(dir, { recursive: true, force: true });
});

describe('createServerSecurity', () => {
  it('on loopback without flags: no auth, plaintext, said so at info and nothing at warn', async () => {
    const log = capture();
    const security = await createServerSecurity({ host: '127.0.0.1', logger: log.logger });
    expect([security.authoriser.mode, security.transport]).toEqual(['none', 'plaintext']);
    expect(log.lines.filter((l) => l.level === 40)).toEqual([]);
    expect(log.text()).toMatch(/loopback/);
  });

  it('on 0.0.0.0 without --auth: refuses to start, naming both choices', async () => {
    const error = await createServerSecurity({ host: '0.0.0.0', logger: capture().logger }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as Error).message).toMatch(/--auth tokens --tokens-file FILE.*--auth none/);
  });

  it('on 0.0.0.0 in plaintext: warns that requests and tokens cross the network in clear text', async () => {
    const log = capture();
    await createServerSecurity({ host: '0.0.0.0', auth: 'none', logger: log.logger });
    expect(log.lines.find((l) => l.level === 40)?.msg).toMatch(/listening on 0\.0\.0\.0 without TLS/);
  });

  it('with tokens and TLS: no transport warning, the token names and scopes logged, never a secret', async () => {
    const log = capture();
    const security = await createServerSecurity({
      host: '0.0.0.0',
      tokensFile: tokens,
      tls: { certFile: pki.serverCert, keyFile: pki.serverKey, clientCaFile: pki.caCert },
      logger: log.logger,
    });
    expect([security.authoriser.mode, security.transport]).toEqual(['tokens', 'mutual-tls']);
    const warnings = log.lines.filter((l) => l.level === 40).map((l) => String(l.msg));
    expect(warnings).toEqual([expect.stringMatching(/holds plain secrets and is readable by other users/)]);
    expect(log.lines.find((l) => l.auth === 'tokens')).toMatchObject({ tokens: [{ name: 'ops', scope: 'admin' }] });
    expect(log.text()).not.toContain(SECRET);
    expect(security.serverOptions.interceptors).toHaveLength(1);
    expect(security.serverOptions['grpc.max_receive_message_length']).toBe(4 * 1024 * 1024);
  });
});
