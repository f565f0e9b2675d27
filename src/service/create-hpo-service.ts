import type { Kysely } from 'kysely';
import type { Database } from '../storage/database.js';
import { deleteRequestIdsBefore } from '../storage/request-repository.js';
import { AskBatcher } from './ask-batcher.js';
import { bestTrials } from './best-trials.js';
import { enqueueTrial } from './enqueue.js';
import { heartbeat } from './heartbeat.js';
import type { HpoService } from './hpo-service.js';
import { reapExpiredTrials } from './lease-reaper.js';
import { report } from './report.js';
import type { ServiceContext, ServiceLogger } from './service-context.js';
import { SamplingThread } from './sampling-thread.js';
import { StudyCache } from './study-cache.js';
import { createStudy, deleteStudy, getStudy, listStudies, setStudyUserAttr } from './study-operations.js';
import { suggest } from './suggest.js';
import { TellBatcher } from './tell-batcher.js';
import { getTrial, listTrials, setTrialUserAttr } from './trial-queries.js';

export interface CreateHpoServiceOptions {
  readonly db: Kysely<Database>;
  readonly logger?: ServiceLogger;
  /** How often the lease reaper runs (default 1 s, so a trial is failed at most a second after its grace ends); 0 turns it off (tests call reapExpiredTrials). */
  readonly reaperIntervalMs?: number;
  /** The clock (default the system clock). */
  readonly now?: () => Date;
  /** How long request ids are remembered for retries (default 24 h). */
  readonly requestIdTtlMs?: number;
  /**
   * 1: asks of TPE and GP studies are sampled in a worker thread, beside the event loop (see sampling-thread.ts);
   * 0: on the event loop. Suggest (define-by-run) always samples in-thread. Default 0.
   */
  readonly samplingThreads?: 0 | 1;
  /** Called last by close(), e.g. the `close` of openDatabase, so that close() also closes the storage. */
  readonly closeDatabase?: () => Promise<void>;
}

/** The service plus hooks for operators and tests. */
export interface HpoServiceImpl extends HpoService {
  /** Runs the lease reaper once now; returns how many trials it failed. */
  reapExpiredTrials(): Promise<number>;
}

export const DEFAULT_SAMPLING_THREADS: 0 | 1 = 0;

const SILENT_LOGGER: ServiceLogger = { info() {}, warn() {}, error() {} };

/**
 * The service over a migrated database. `close()` stops the reaper, then calls `closeDatabase` if given
 * (otherwise the caller closes `db`).
 */
export function createHpoService(options: CreateHpoServiceOptions): HpoServiceImpl {
  const logger = options.logger ?? SILENT_LOGGER;
  const sampling = (options.samplingThreads ?? DEFAULT_SAMPLING_THREADS) > 0 ? new SamplingThread({ logger }) : null;
  const ctx: ServiceContext = {
    db: options.db,
    // The sampling thread's mirror of a study lives as long as the study's cache entry.
    cache: new StudyCache(undefined, sampling ? (id) => sampling.forget(id) : undefined),
    logger,
    now: options.now ?? (() => new Date()),
  };
  // Concurrent asks of one study share one transaction, with the tells of TellAndAsk calls (see ask-batcher.ts).
  const asks = new AskBatcher(ctx, sampling?.sampling);
  // Concurrent tells share one transaction too (see tell-batcher.ts).
  const tells = new TellBatcher(ctx);
  const ttl = options.requestIdTtlMs ?? 24 * 3600 * 1000;
  let reaping: Promise<unknown> | null = null;
  const runReaper = async (): Promise<number> => {
    const n = await reapExpiredTrials(ctx);
    await deleteRequestIdsBefore(ctx.db, new Date(ctx.now().getTime() - ttl));
    return n;
  };
  const interval = options.reaperIntervalMs ?? 1_000;
  const timer =
    interval > 0
      ? setInterval(() => {
          if (reaping) return;
          reaping = runReaper()
            .catch((error) => ctx.logger.error({ err: error }, 'lease reaper failed'))
            .finally(() => (reaping = null));
        }, interval)
      : null;
  timer?.unref();

  const service: HpoServiceImpl = {
    createStudy: (input) => createStudy(ctx, input),
    getStudy: (name) => getStudy(ctx, name),
    listStudies: (input) => listStudies(ctx, input),
    deleteStudy: (input) => deleteStudy(ctx, input),
    setStudyUserAttr: (input) => setStudyUserAttr(ctx, input),
    // async: a validation error must reject the promise, never throw synchronously.
    ask: async (input) => asks.ask(input),
    suggest: (input) => suggest(ctx, input),
    report: (input) => report(ctx, input),
    tell: (input) => tells.tell(input),
    tellAndAsk: async (input) => asks.tellAndAsk(input?.tell, input?.ask),
    heartbeat: (input) => heartbeat(ctx, input),
    enqueueTrial: (input) => enqueueTrial(ctx, input),
    getTrial: (input) => getTrial(ctx, input),
    listTrials: (input) => listTrials(ctx, input),
    bestTrials: (name) => bestTrials(ctx, name),
    setTrialUserAttr: (input) => setTrialUserAttr(ctx, input),
    reapExpiredTrials: runReaper,
    async close() {
      if (timer) clearInterval(timer);
      await reaping;
      ctx.cache.clear();
      await sampling?.close();
      await options.closeDatabase?.();
    },
  };
  return service;
}
