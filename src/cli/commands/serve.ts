import type { Command } from 'commander';
import type { Logger } from 'pino';
import { resolveServeConfig, type ServeConfig, type ServeFlags } from '../../config.js';
import { createLogger } from '../../logging.js';
import { InvalidArgumentError, NotFoundError } from '../../core/errors.js';
import { startGrpcServer } from '../../server/grpc-server.js';
import { DEFAULT_LIMITS } from '../../server/limits.js';
import { createServerSecurity } from '../../server/security.js';
import { createHpoService } from '../../service/create-hpo-service.js';
import { addDatabaseOptions, addLoggingOptions, exitOnError, fatalFields } from '../options.js';
import { describeStore, openMigratedStore } from '../open-store.js';
import { packageVersion } from '../package-version.js';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1']);

export function registerServeCommand(program: Command): void {
  const command = program
    .command('serve')
    .description('run the gRPC server (opens the store and applies migrations first)')
    .option('--host <host>', 'interface to listen on (env HPO_HOST; default 127.0.0.1; 0.0.0.0 for containers and clusters)')
    .option('--port <port>', 'port to listen on, 0 for any free port (env HPO_PORT; default 50051)')
    .option('--max-message-bytes <bytes>', 'largest request or response (env HPO_MAX_MESSAGE_BYTES; default 4 MiB)')
    .option('--shutdown-grace <seconds>', 'on SIGTERM, how long calls in flight may finish (env HPO_SHUTDOWN_GRACE_SECONDS; default 15)')
    .option('--sampling-threads <n>', '1: sample TPE and GP asks in a worker thread beside the event loop; 0: on it (env HPO_SAMPLING_THREADS)')
    .option('--auth <mode>', 'none, or tokens (env HPO_AUTH; default none on a loopback host, and required on any other)')
    .option('--tokens-file <file>', 'bearer tokens, one name:scope:secret per line (env HPO_TOKENS_FILE; implies --auth tokens)')
    .option('--tls-cert <file>', 'PEM certificate chain of the server (env HPO_TLS_CERT)')
    .option('--tls-key <file>', 'PEM private key of the server (env HPO_TLS_KEY)')
    .option('--tls-client-ca <file>', 'PEM CA bundle; every client must present a certificate it signed (env HPO_TLS_CLIENT_CA)');
  addDatabaseOptions(command);
  addLoggingOptions(command);
  command.action(async (flags: ServeFlags) => {
    let config: ServeConfig;
    try {
      config = resolveServeConfig(flags, process.env, Boolean(process.stdout.isTTY));
    } catch (error) {
      exitOnError(error);
    }
    const logger = createLogger(config.logging);
    try {
      await serve(config, logger);
    } catch (error) {
      exitOnError(error, (e) => logger.fatal(fatalFields(e), 'could not start'));
    }
  });
}

/**
 * Opens and migrates the store, starts the service and the server, and shuts all of it down gracefully
 * on SIGTERM or SIGINT: health turns NOT_SERVING, calls in flight finish (up to the grace period), then
 * the service stops its background work and the store closes. A second signal exits at once.
 */
export async function serve(config: ServeConfig, logger: Logger): Promise<void> {
  // Signals are caught from the very start: one arriving while the store opens or migrates stops the
  // server as soon as start-up is done, instead of killing the process halfway through a migration.
  let signalled: NodeJS.Signals | undefined;
  let shutdown: ((signal: NodeJS.Signals) => void) | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    signalled = signal;
    if (shutdown) shutdown(signal);
    else logger.info({ signal }, 'signal during start-up: stopping once start-up is done');
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);

  const store = describeStore(config.database);
  // Security first: a bad tokens file or certificate stops the server before it touches the store.
  let studyExists: (name: string) => Promise<boolean> = async () => false;
  const security = await createServerSecurity({
    host: config.host,
    auth: config.security.auth,
    tokensFile: config.security.tokensFile,
    tls: config.security.tls,
    limits: { ...DEFAULT_LIMITS, maxMessageBytes: config.maxMessageBytes },
    logger,
    studyExists: (name) => studyExists(name),
  });
  const opened = await openMigratedStore(config.database, logger);
  const service = createHpoService({ db: opened.db, logger, samplingThreads: config.samplingThreads });
  studyExists = (name) =>
    service.getStudy(name).then(
      () => true,
      // A name the service rejects names no study either.
      (error: unknown) => (error instanceof NotFoundError || error instanceof InvalidArgumentError ? false : Promise.reject(error)),
    );
  let server;
  try {
    server = await startGrpcServer({
      service,
      host: config.host,
      port: config.port,
      logger,
      maxMessageBytes: config.maxMessageBytes,
      credentials: security.credentials,
      serverOptions: security.serverOptions,
    });
  } catch (error) {
    await service.close().catch(() => {});
    await opened.close().catch(() => {});
    throw error;
  }
  const running = server;
  logger.info(
    { address: running.address, port: running.port, ...store, auth: security.authoriser.mode, transport: security.transport, version: packageVersion() },
    'hpo listening',
  );
  if (LOOPBACK_HOSTS.has(config.host))
    logger.info('listening on loopback only; pass --host 0.0.0.0 (or HPO_HOST=0.0.0.0) to accept workers on other machines');

  shutdown = (signal: NodeJS.Signals) => {
    logger.info({ signal, graceMs: config.shutdownGraceMs }, 'shutting down: finishing calls in flight');
    void (async () => {
      try {
        await running.shutdown(config.shutdownGraceMs);
        await service.close();
        await opened.close();
        logger.info('stopped');
        process.exit(0);
      } catch (error) {
        logger.error({ err: error }, 'error while shutting down');
        process.exit(1);
      }
    })();
  };
  if (signalled) shutdown(signalled);
}
