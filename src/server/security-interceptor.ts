import {
  type Metadata,
  type ServerInterceptingCallInterface,
  type ServerInterceptor,
  type ServerMethodDefinition,
  ResponderBuilder,
  ServerInterceptingCall,
  ServerListenerBuilder,
  status,
} from '@grpc/grpc-js';
import { type ErrorCode, HpoError } from '../core/errors.js';
import { HpoServiceService } from '../generated/hpo/v1/hpo_service.js';
import type { AuditActor, AuditLog } from './auth/audit-log.js';
import type { Authoriser } from './auth/authoriser.js';
import type { HpoRpcName } from './auth/rpc-scopes.js';
import type { Limits } from './limits.js';
import { isDecodeFailure } from './request-decoding.js';
import { type RequestOf, checkRequestLimits } from './request-limits.js';
import { checkStorableStrings } from './storable-strings.js';

export interface SecurityInterceptorOptions {
  readonly authoriser: Authoriser;
  readonly audit: AuditLog;
  readonly limits: Limits;
  /**
   * Whether a study exists, for the one conditional grant (a worker's CreateStudy with load_if_exists on an
   * existing study). Without it, that grant is never given and CreateStudy needs admin.
   */
  readonly studyExists?: (name: string) => Promise<boolean>;
}

const RPC_BY_PATH: ReadonlyMap<string, HpoRpcName> = new Map(
  (Object.keys(HpoServiceService) as HpoRpcName[]).map((rpc) => [HpoServiceService[rpc].path, rpc]),
);

/**
 * One grpc-js server interceptor for every call, before any handler runs:
 * 1. on the metadata: authenticate and authorise (a refused call is never even read, so it changes nothing);
 * 2. on the request: refuse requests beyond the limits, or holding strings Postgres cannot store (an
 *    undecodable request, which request-decoding.ts turns into a DecodeFailure, goes on to the handler, which
 *    answers INVALID_ARGUMENT naming the field);
 * 3. on the final status: audit study creation and deletion with the token's name.
 * Every refusal is audited. The `authorization` metadata is removed before the handler sees the call, so no
 * handler can log a token by accident.
 */
export function createSecurityInterceptor(options: SecurityInterceptorOptions): ServerInterceptor {
  const { authoriser, audit, limits, studyExists } = options;
  return (method: ServerMethodDefinition<unknown, unknown>, call: ServerInterceptingCallInterface) => {
    const path = method.path;
    const rpc = RPC_BY_PATH.get(path);
    let actor: AuditActor = { tokenName: null, peer: call.getPeer() };
    let refused = false;
    let auditedStudy: { event: 'created' | 'deleted'; study: string } | undefined;
    let created = false;
    let loadOnly = false;

    const refuse = (code: ErrorCode, reason: string, message: string): void => {
      refused = true;
      audit.callRefused({ ...actor, method: path, code, reason, message });
      call.sendStatus({ code: status[code], details: message });
    };

    const listener = new ServerListenerBuilder()
      .withOnReceiveMetadata((metadata: Metadata, next) => {
        const decision = authoriser.authorise(path, metadata.get('authorization'));
        actor = { ...actor, tokenName: decision.principal?.tokenName ?? null, ...clientCertificateOf(call) };
        if (!decision.allowed) return refuse(decision.code, decision.reason, decision.message);
        loadOnly = decision.condition === 'load-existing-study-only';
        metadata.remove('authorization');
        next(metadata);
      })
      .withOnReceiveMessage((message: unknown, next) => {
        if (refused) return;
        if (rpc !== undefined && !isDecodeFailure(message)) {
          try {
            checkRequestLimits(rpc, message as RequestOf<typeof rpc>, limits);
            checkStorableStrings(message);
          } catch (error) {
            // A throw here would escape into grpc-js's stream handling: every error ends the call instead.
            if (error instanceof HpoError) return refuse(error.code, 'limit', error.message);
            return refuse('INTERNAL', 'limit_check_failed', 'internal error while checking the request');
          }
          if (rpc === 'createStudy') auditedStudy = { event: 'created', study: (message as RequestOf<'createStudy'>).name };
          if (rpc === 'deleteStudy') auditedStudy = { event: 'deleted', study: (message as RequestOf<'deleteStudy'>).studyName };
        }
        if (loadOnly) return admitLoadOnly(message, next);
        next(message);
      })
      .build();

    /**
     * A worker's CreateStudy goes on only when it can create nothing. The study could be deleted between this
     * check and the handler; the call would then create it, and the audit log names the worker's token.
     */
    const admitLoadOnly = (message: unknown, next: (message: unknown) => void): void => {
      const request = message as RequestOf<'createStudy'>;
      const needsAdmin = `token "${actor.tokenName}" may only load existing studies; creating a study needs admin`;
      if (isDecodeFailure(message) || !request.loadIfExists || studyExists === undefined)
        return refuse('PERMISSION_DENIED', 'insufficient_scope', needsAdmin);
      studyExists(request.name).then(
        (exists) => (exists ? next(message) : refuse('PERMISSION_DENIED', 'insufficient_scope', `study "${request.name}" does not exist: ${needsAdmin}`)),
        () => refuse('UNAVAILABLE', 'lookup_failed', 'could not check whether the study exists; retry'),
      );
    };

    const responder = new ResponderBuilder()
      .withStart((next) => next(listener))
      .withSendMessage((message: unknown, next) => {
        if (rpc === 'createStudy') created = (message as { created?: boolean } | null)?.created === true;
        next(message);
      })
      .withSendStatus((finalStatus, next) => {
        if (finalStatus.code === status.OK && auditedStudy !== undefined) {
          // A CreateStudy that loaded an existing study (load_if_exists) created nothing.
          if (auditedStudy.event === 'created' && created) audit.studyCreated({ ...actor, study: auditedStudy.study });
          if (auditedStudy.event === 'deleted') audit.studyDeleted({ ...actor, study: auditedStudy.study });
        }
        next(finalStatus);
      })
      .build();

    return new ServerInterceptingCall(call, responder);
  };
}

function clientCertificateOf(call: ServerInterceptingCallInterface): { clientCertificate?: string } {
  const subject = call.getAuthContext().sslPeerCertificate?.subject;
  const commonName = subject?.CN;
  return typeof commonName === 'string' && commonName !== '' ? { clientCertificate: commonName } : {};
}
