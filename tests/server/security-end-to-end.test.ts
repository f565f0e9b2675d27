import { InvalidArgument, PermissionDenied, Unauthenticated, Unavailable, connect } from '@hpo/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../../src/server/auth/token-hash.js';
import { type TestPki, generateTestPki } from '../support/certificates.js';
import { type SecureServer, startSecureServer } from '../support/secure-server.js';

/**
 * The SDK against a server with mutual TLS and bearer tokens: the whole path a worker on another machine takes.
 */
const ADMIN = 'Adm1n-e2e-secret-0123456789';
const WORKER = 'W0rker-e2e-secret-0123456789';

let pki: TestPki;
let server: SecureServer;

beforeAll(async () => {
  pki = generateTestPki();
  server = await startSecureServer({
    auth: 'tokens',
    tokensFile: `ops:admin:${ADMIN}\npool:worker:sha256:${hashToken(WORKER).toString('hex')}\n`,
    tls: { certFile: pki.serverCert, keyFile: pki.serverKey, clientCaFile: pki.caCert },
  });
}, 120_000);
afterAll(async () => {
  await server?.stop();
  pki?.remove();
});

const clientTls = () => ({ ca: pki.read(pki.caCert), cert: pki.read(pki.clientCert), key: pki.read(pki.clientKey) });

describe('the SDK over mutual TLS with a token', () => {
  it('runs a study: admin creates it, a worker opens it and tells a trial; the audit names token and certificate', async () => {
    const admin = await connect(server.address, { tls: clientTls(), token: ADMIN, retry: false });
    const worker = await connect(server.address, { tls: clientTls(), token: WORKER, retry: false });
    try {
      const created = await admin.createStudy({ name: 'e2e', direction: 'minimize' });
      expect(created.created).toBe(true);
      const opened = await worker.createStudy({ name: 'e2e', direction: 'minimize', loadIfExists: true });
      expect(opened.created).toBe(false);
      const trial = await opened.ask({ x: { kind: 'float', low: 0, high: 1 } });
      await trial.report(0.5, 1);
      await opened.tell(trial, 0.25);
      expect((await opened.trials()).map((t) => t.state)).toEqual(['COMPLETE']);

      await expect(worker.createStudy({ name: 'other', direction: 'minimize' })).rejects.toBeInstanceOf(PermissionDenied);
      await expect(worker.deleteStudy('e2e')).rejects.toBeInstanceOf(PermissionDenied);

      const creation = server.auditEvents().find((e) => e.event === 'study_created');
      expect(creation).toMatchObject({ study: 'e2e', token: 'ops', clientCertificate: 'worker-7' });
      const refusal = server.auditEvents().find((e) => e.event === 'call_refused');
      expect(refusal).toMatchObject({ token: 'pool', code: 'PERMISSION_DENIED', clientCertificate: 'worker-7' });
      const log = server.logLines.join('\n');
      expect(log).not.toContain(ADMIN);
      expect(log).not.toContain(WORKER);
    } finally {
      await admin.close();
      await worker.close();
    }
  });

  it('cannot connect without a client certificate, even with a valid token', async () => {
    const client = await connect(server.address, { tls: { ca: pki.read(pki.caCert) }, token: ADMIN, retry: false, deadlineMs: 5000 });
    try {
      const error = await client.listStudies().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Unavailable);
    } finally {
      await client.close();
    }
  });

  it('refuses a token given twice, before connecting', async () => {
    await expect(connect(server.address, { token: ADMIN, metadata: { Authorization: `Bearer ${ADMIN}` } })).rejects.toBeInstanceOf(InvalidArgument);
    const error = await connect(server.address, { token: `${ADMIN} x` }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidArgument);
    expect((error as Error).message).not.toContain(ADMIN);
  });

  it('answers UNAUTHENTICATED to a client with a certificate and no token', async () => {
    const client = await connect(server.address, { tls: clientTls(), retry: false });
    try {
      expect(await client.listStudies().catch((e: unknown) => e)).toBeInstanceOf(Unauthenticated);
    } finally {
      await client.close();
    }
  });
});
