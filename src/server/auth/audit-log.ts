import type { Logger } from 'pino';

/** Who made a call, for the audit log: the token's name and the client certificate's subject, never a secret. */
export interface AuditActor {
  /** Null when auth is off or no valid token was sent. */
  readonly tokenName: string | null;
  /** The peer address grpc-js reports (`ipv4:10.0.0.7:53122`). */
  readonly peer: string;
  /** The client certificate's subject CN under mutual TLS. */
  readonly clientCertificate?: string;
}

/**
 * The audit trail: study creation and deletion, and every refused call. Lines go through the server's pino
 * logger with `audit: true` and an `event` field, so they can be filtered out of the ordinary log.
 */
export interface AuditLog {
  callRefused(event: AuditActor & { method: string; code: string; reason: string; message: string }): void;
  studyCreated(event: AuditActor & { study: string }): void;
  studyDeleted(event: AuditActor & { study: string }): void;
}

export function createAuditLog(logger: Logger): AuditLog {
  const audit = logger.child({ audit: true });
  return {
    callRefused: ({ method, code, reason, message, ...actor }) =>
      audit.warn({ event: 'call_refused', method, code, reason, ...actorFields(actor) }, `refused ${method}: ${message}`),
    studyCreated: ({ study, ...actor }) => audit.info({ event: 'study_created', study, ...actorFields(actor) }, `study ${study} created`),
    studyDeleted: ({ study, ...actor }) => audit.info({ event: 'study_deleted', study, ...actorFields(actor) }, `study ${study} deleted`),
  };
}

function actorFields(actor: AuditActor): Record<string, string | null> {
  return {
    token: actor.tokenName,
    peer: actor.peer,
    ...(actor.clientCertificate === undefined ? {} : { clientCertificate: actor.clientCertificate }),
  };
}
