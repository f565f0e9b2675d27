import { Client, Server, ServerCredentials, credentials, type ChannelCredentials, type ServiceError } from '@grpc/grpc-js';
import { HealthImplementation } from 'grpc-health-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/core/errors.js';
import { loadServerTls, transportWarning } from '../../src/server/tls.js';
import { type TestPki, generateTestPki } from '../support/certificates.js';

let pki: TestPki;
beforeAll(() => {
  pki = generateTestPki();
});
afterAll(() => pki?.remove());

async function startHealthServer(serverCredentials: ServerCredentials): Promise<{ port: number; stop: () => void }> {
  const server = new Server();
  new HealthImplementation({ '': 'SERVING' }).addToServer(server);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', serverCredentials, (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  return { port, stop: () => server.forceShutdown() };
}

/** grpc.health.v1.Health/Check with hand-encoded bytes: an empty request; SERVING is field 1 = 1. */
function checkHealth(port: number, channelCredentials: ChannelCredentials): Promise<'SERVING' | ServiceError> {
  const client = new Client(`localhost:${port}`, channelCredentials);
  return new Promise((resolve) => {
    client.makeUnaryRequest(
      '/grpc.health.v1.Health/Check',
      (b: Buffer) => b,
      (b: Buffer) => b,
      Buffer.alloc(0),
      { deadline: Date.now() + 5000 },
      (error, response) => {
        client.close();
        if (error) resolve(error);
        else resolve(response?.equals(Buffer.from([0x08, 0x01])) ? 'SERVING' : (new Error('unexpected reply') as ServiceError));
      },
    );
  });
}

describe('loadServerTls', () => {
  it('is plaintext without certificate and key', async () => {
    expect((await loadServerTls({})).security).toBe('plaintext');
    expect((await loadServerTls({ certFile: '', keyFile: '' })).security).toBe('plaintext');
  });

  it('is TLS with certificate and key, and mutual TLS with a client CA', async () => {
    expect((await loadServerTls({ certFile: pki.serverCert, keyFile: pki.serverKey })).security).toBe('tls');
    expect((await loadServerTls({ certFile: pki.serverCert, keyFile: pki.serverKey, clientCaFile: pki.caCert })).security).toBe('mutual-tls');
  });

  it.each<[string, () => Parameters<typeof loadServerTls>[0], RegExp]>([
    ['a certificate without key', () => ({ certFile: pki.serverCert }), /^--tls-key: required with --tls-cert/],
    ['a key without certificate', () => ({ keyFile: pki.serverKey }), /^--tls-cert: required with --tls-key/],
    ['a client CA without TLS', () => ({ clientCaFile: pki.caCert }), /^--tls-client-ca: mutual TLS needs TLS/],
    ['a key that is not the certificate\'s', () => ({ certFile: pki.serverCert, keyFile: pki.clientKey }), /^--tls-key: .*client\.key is not the private key of the certificate/],
    ['a key file given as certificate', () => ({ certFile: pki.serverKey, keyFile: pki.serverKey }), /^--tls-cert: .*server\.key holds no PEM certificate/],
    ['a certificate given as key', () => ({ certFile: pki.serverCert, keyFile: pki.serverCert }), /^--tls-key: .*holds no PEM private key/],
    ['a missing file', () => ({ certFile: `${pki.dir}/nope.crt`, keyFile: pki.serverKey }), /^--tls-cert: cannot read .*nope\.crt: ENOENT/],
    ['a client CA that is no certificate', () => ({ certFile: pki.serverCert, keyFile: pki.serverKey, clientCaFile: pki.clientKey }), /^--tls-client-ca: /],
  ])('refuses %s at start, naming the flag', async (_, options, message) => {
    const error = await loadServerTls(options()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as Error).message).toMatch(message);
  });
});

describe('transportWarning', () => {
  it('warns about plaintext on a host other machines reach, and only then', () => {
    expect(transportWarning('0.0.0.0', 'plaintext')).toMatch(/listening on 0\.0\.0\.0 without TLS.*--tls-cert and --tls-key/);
    expect(transportWarning('10.0.0.5', 'plaintext')).toBeDefined();
    expect(transportWarning('127.0.0.1', 'plaintext')).toBeUndefined();
    expect(transportWarning('::1', 'plaintext')).toBeUndefined();
    expect(transportWarning('0.0.0.0', 'tls')).toBeUndefined();
    expect(transportWarning('0.0.0.0', 'mutual-tls')).toBeUndefined();
  });
});

describe('a server on TLS credentials', () => {
  it('answers a client that trusts its CA, and no client that does not', async () => {
    const server = await startHealthServer((await loadServerTls({ certFile: pki.serverCert, keyFile: pki.serverKey })).credentials);
    try {
      expect(await checkHealth(server.port, credentials.createSsl(pki.read(pki.caCert)))).toBe('SERVING');
      const untrusting = await checkHealth(server.port, credentials.createSsl(pki.read(pki.rogueCaCert)));
      expect(untrusting).toMatchObject({ code: 14 }); // UNAVAILABLE: the handshake fails
      const plaintext = await checkHealth(server.port, credentials.createInsecure());
      expect(plaintext).toMatchObject({ code: 14 });
    } finally {
      server.stop();
    }
  });
});

describe('a server on mutual TLS credentials', () => {
  it('answers a client with a certificate from its client CA, and refuses one without or with another', async () => {
    const tls = await loadServerTls({ certFile: pki.serverCert, keyFile: pki.serverKey, clientCaFile: pki.caCert });
    const server = await startHealthServer(tls.credentials);
    try {
      const ca = pki.read(pki.caCert);
      expect(await checkHealth(server.port, credentials.createSsl(ca, pki.read(pki.clientKey), pki.read(pki.clientCert)))).toBe('SERVING');
      expect(await checkHealth(server.port, credentials.createSsl(ca))).toMatchObject({ code: 14 });
      expect(await checkHealth(server.port, credentials.createSsl(ca, pki.read(pki.rogueClientKey), pki.read(pki.rogueClientCert)))).toMatchObject({
        code: 14,
      });
    } finally {
      server.stop();
    }
  });
});
