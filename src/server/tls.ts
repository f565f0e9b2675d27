import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { ServerCredentials } from '@grpc/grpc-js';
import { InvalidArgumentError } from '../core/errors.js';
import { isLoopbackHost } from './loopback-address.js';

/** Where the server's TLS material lives (`--tls-cert`, `--tls-key`, `--tls-client-ca`). */
export interface ServerTlsOptions {
  readonly certFile?: string;
  readonly keyFile?: string;
  /** CA bundle client certificates must chain to; when set, every client must present one (mutual TLS). */
  readonly clientCaFile?: string;
}

export type TransportSecurity = 'plaintext' | 'tls' | 'mutual-tls';

export interface ServerTls {
  readonly credentials: ServerCredentials;
  readonly security: TransportSecurity;
}

/**
 * Server credentials from PEM files. Certificate and key are checked here (readable, parseable, matching), so a
 * mistake stops the server at start with the flag named, not at the first handshake with an opaque OpenSSL error.
 */
export async function loadServerTls(options: ServerTlsOptions): Promise<ServerTls> {
  const certFile = nonEmpty(options.certFile);
  const keyFile = nonEmpty(options.keyFile);
  const clientCaFile = nonEmpty(options.clientCaFile);
  if (certFile === undefined && keyFile === undefined) {
    if (clientCaFile !== undefined)
      throw new InvalidArgumentError('--tls-client-ca', 'mutual TLS needs TLS: give --tls-cert and --tls-key too');
    return { credentials: ServerCredentials.createInsecure(), security: 'plaintext' };
  }
  if (certFile === undefined) throw new InvalidArgumentError('--tls-cert', 'required with --tls-key');
  if (keyFile === undefined) throw new InvalidArgumentError('--tls-key', 'required with --tls-cert');

  const certChain = await readPem(certFile, '--tls-cert');
  const privateKey = await readPem(keyFile, '--tls-key');
  const certificate = parseCertificate(certChain, '--tls-cert', certFile);
  let key;
  try {
    key = createPrivateKey(privateKey);
  } catch (cause) {
    throw new InvalidArgumentError('--tls-key', `${keyFile} holds no PEM private key (or it is encrypted)`, { cause });
  }
  if (!certificate.checkPrivateKey(key))
    throw new InvalidArgumentError('--tls-key', `${keyFile} is not the private key of the certificate in ${certFile}`);

  const clientCa = clientCaFile === undefined ? null : await readPem(clientCaFile, '--tls-client-ca');
  if (clientCa !== null && clientCaFile !== undefined) parseCertificate(clientCa, '--tls-client-ca', clientCaFile);
  return {
    credentials: ServerCredentials.createSsl(clientCa, [{ cert_chain: certChain, private_key: privateKey }], clientCa !== null),
    security: clientCa === null ? 'tls' : 'mutual-tls',
  };
}

/** The warning to log at start, if any: plaintext where other machines can listen in. */
export function transportWarning(host: string, security: TransportSecurity): string | undefined {
  if (security !== 'plaintext' || isLoopbackHost(host)) return undefined;
  return (
    `listening on ${host} without TLS: requests, results and bearer tokens cross the network in clear text; ` +
    'give --tls-cert and --tls-key (and --tls-client-ca for mutual TLS)'
  );
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

async function readPem(path: string, flag: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (cause) {
    throw new InvalidArgumentError(flag, `cannot read ${path}: ${(cause as NodeJS.ErrnoException).code ?? String(cause)}`, { cause });
  }
}

function parseCertificate(pem: Buffer, flag: string, path: string): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch (cause) {
    throw new InvalidArgumentError(flag, `${path} holds no PEM certificate`, { cause });
  }
}
