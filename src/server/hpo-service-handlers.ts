import { type handleUnaryCall, type ServiceError, status as Status } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { HpoServiceServer } from '../generated/hpo/v1/hpo_service.js';
import type { AskResponse } from '../generated/hpo/v1/hpo_service.js';
import type { AskResult, HpoService } from '../service/hpo-service.js';
import * as convert from './convert/index.js';
import { toServiceError } from './error-status.js';
import { isDecodeFailure } from './request-decoding.js';

/**
 * The gRPC face of an HpoService: each handler converts the request (validating what the wire can tell),
 * calls the service, and converts the answer back. Errors go through the one status table.
 */
export function createHpoServiceHandlers(service: HpoService, logger: Logger): HpoServiceServer {
  const unary = <Req, Res>(method: string, run: (request: Req) => Promise<Res>): handleUnaryCall<Req, Res> =>
    (call, callback) => {
      const started = performance.now();
      const finish = (error: Partial<ServiceError> | null, response?: Res) => {
        const code = error?.code ?? Status.OK;
        logger.debug({ method, code: Status[code], ms: Math.round((performance.now() - started) * 10) / 10 }, 'call');
        callback(error, response);
      };
      const request: unknown = call.request;
      if (isDecodeFailure(request)) {
        finish(toServiceError(request.decodeFailure, logger, method));
        return;
      }
      // The conversion runs inside the promise so its errors take the same path as the service's.
      Promise.resolve()
        .then(() => run(request as Req))
        .then(
          (response) => finish(null, response),
          (error: unknown) => finish(toServiceError(error, logger, method)),
        );
    };

  return {
    createStudy: unary('createStudy', async (req) => {
      const { study, created } = await service.createStudy(convert.createStudyInputFromWire(req));
      return { study: convert.studyToWire(study), created };
    }),
    getStudy: unary('getStudy', async (req) => ({
      study: convert.studyToWire(await service.getStudy(convert.studyNameFromWire(req.studyName))),
    })),
    listStudies: unary('listStudies', async (req) => {
      const page = await service.listStudies(convert.listStudiesInputFromWire(req));
      return { studies: page.items.map(convert.studyToWire), nextPageToken: page.nextPageToken };
    }),
    deleteStudy: unary('deleteStudy', async (req) => {
      await service.deleteStudy(convert.deleteStudyInputFromWire(req));
      return {};
    }),
    setStudyUserAttr: unary('setStudyUserAttr', async (req) => {
      await service.setStudyUserAttr(convert.setStudyUserAttrInputFromWire(req));
      return {};
    }),
    ask: unary('ask', async (req) => askResultToWire(await service.ask(convert.askInputFromWire(req)))),
    suggest: unary('suggest', async (req) => ({
      params: (await service.suggest(convert.suggestInputFromWire(req))).map(convert.suggestedParamToWire),
    })),
    report: unary('report', async (req) => service.report(convert.reportInputFromWire(req))),
    tell: unary('tell', async (req) => ({ trial: convert.trialToWire(await service.tell(convert.tellInputFromWire(req))) })),
    tellAndAsk: unary('tellAndAsk', async (req) => {
      const { told, next } = await service.tellAndAsk(convert.tellAndAskInputFromWire(req));
      return { tell: { trial: convert.trialToWire(told) }, ask: askResultToWire(next) };
    }),
    heartbeat: unary('heartbeat', async (req) => {
      const { leaseExpiresAt } = await service.heartbeat(convert.heartbeatInputFromWire(req));
      return { leaseExpiresAt: leaseExpiresAt ?? undefined };
    }),
    enqueueTrial: unary('enqueueTrial', async (req) => ({
      trial: convert.trialToWire(await service.enqueueTrial(convert.enqueueTrialInputFromWire(req))),
    })),
    getTrial: unary('getTrial', async (req) => ({
      trial: convert.trialToWire(await service.getTrial(convert.getTrialInputFromWire(req))),
    })),
    listTrials: unary('listTrials', async (req) => {
      const page = await service.listTrials(convert.listTrialsInputFromWire(req));
      return { trials: page.items.map(convert.trialToWire), nextPageToken: page.nextPageToken };
    }),
    getBestTrials: unary('getBestTrials', async (req) => ({
      trials: (await service.bestTrials(convert.studyNameFromWire(req.studyName))).map(convert.trialToWire),
    })),
    setTrialUserAttr: unary('setTrialUserAttr', async (req) => {
      await service.setTrialUserAttr(convert.setTrialUserAttrInputFromWire(req));
      return {};
    }),
  };
}

function askResultToWire(result: AskResult): AskResponse {
  return result.kind === 'trial'
    ? { trial: convert.trialToWire(result.trial), studyDone: false, doneReason: '' }
    : { trial: undefined, studyDone: true, doneReason: result.reason };
}
