import type { ServerCredentials, ServerOptions } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { createAuditLog } from './auth/audit-log.js';
import { resolveAuthMode } from './auth/auth-mode.js';
import { type Authoriser, createOpenAuthoriser, createTokenAuthoriser } from './auth/authoriser.js';
import { loadTokensFile } from './auth/tokens-file.js';
import { DEFAULT_LIMITS, type Limits, grpcMessageSizeOptions } from './limits.js';
import { createSecurityInterceptor } from './security-interceptor.js';
import { type ServerTlsOptions, type TransportSecurity, loadServerTls, transportWarning } from './tls.js';

/** The security-related `hpo serve` settings (flags and HPO_* variables), as given. */
export interface ServerSecurityOptions {
  /** The listen host, to tell loopback from the network. */
  readonly host: string;
  /** `--auth` / HPO_AUTH: "none" or "tokens"; unset picks none on loopback and refuses elsewhere. */
  readonly auth?: string;
  /** `--tokens-file` / HPO_TOKENS_FILE. */
  readonly tokensFile?: string;
  readonly tls?: ServerTlsOptions;
  readonly limits?: Limits;
  readonly logger: Logger;
  /** Lets a worker token open an existing study with CreateStudy(load_if_exists); see LOAD_EXISTING_STUDY_SCOPE. */
  readonly studyExists?: (name: string) => Promise<boolean>;
}

/** What the gRPC server is built from. */
export interface ServerSecurity {
  /** For `server.bindAsync(address, credentials, …)`. */
  readonly credentials: ServerCredentials;
  /** For `new Server(serverOptions)`: the security interceptor and the message-size limits. */
  readonly serverOptions: ServerOptions;
  readonly authoriser: Authoriser;
  readonly transport: TransportSecurity;
  readonly limits: Limits;
}

/**
 * Everything the server needs to admit only those who should, from the settings: TLS credentials, the
 * authoriser (tokens or none), the limits, and the interceptor that applies them with an audit trail. Throws an
 * InvalidArgumentError naming the flag for any inconsistent or unreadable setting, before anything listens.
 */
export async function createServerSecurity(options: ServerSecurityOptions): Promise<ServerSecurity> {
  const { host, logger } = options;
  const limits = options.limits ?? DEFAULT_LIMITS;
  const authMode = resolveAuthMode({ auth: options.auth, tokensFile: options.tokensFile, host });
  const tls = await loadServerTls(options.tls ?? {});

  let authoriser: Authoriser;
  if (authMode.mode === 'tokens') {
    const loaded = await loadTokensFile(authMode.tokensFile);
    for (const warning of loaded.warnings) logger.warn({ tokensFile: authMode.tokensFile }, warning);
    authoriser = createTokenAuthoriser(loaded.entries);
    logger.info(
      { auth: 'tokens', tokensFile: authMode.tokensFile, tokens: loaded.entries.map(({ name, scope }) => ({ name, scope })) },
      `bearer tokens required (${loaded.entries.length} in ${authMode.tokensFile}); health checking stays open`,
    );
  } else {
    authoriser = createOpenAuthoriser();
    logger.info(
      { auth: 'none' },
      authMode.byDefault ? `no auth: ${host} is loopback (pass --auth tokens to require tokens)` : 'no auth (--auth none): every caller is trusted',
    );
  }
  const warning = transportWarning(host, tls.security);
  if (warning !== undefined) logger.warn({ transport: tls.security, host }, warning);
  else logger.info({ transport: tls.security }, `transport: ${tls.security}`);

  const interceptor = createSecurityInterceptor({ authoriser, audit: createAuditLog(logger), limits, studyExists: options.studyExists });
  return {
    credentials: tls.credentials,
    serverOptions: { interceptors: [interceptor], ...grpcMessageSizeOptions(limits) },
    authoriser,
    transport: tls.security,
    limits,
  };
}
