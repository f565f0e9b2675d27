import { Worker } from 'node:worker_threads';
import type { SearchSpace } from '../core/distribution.js';
import type { FrozenTrial } from '../core/trial.js';
import type { SamplerSpec } from '../../samplers/sampler-spec.js';
import { sampleNewTrial } from './sample-new-trial.js';
import { deserializeError, type FromSamplingThread, type SampledParams, type ToSamplingThread, type WireOverride } from './sampling-thread-messages.js';
import type { ServiceLogger } from './service-context.js';
import { type StudyCacheEntry, studyViewOver, type TrialsSnapshot } from './study-cache.js';

/** Samples a new trial over `snapshot` with `overrides` applied (see studyViewOver); resolves to the trial with its params. */
export type SampleNewTrial = (entry: StudyCacheEntry, fresh: FrozenTrial, space: SearchSpace, snapshot: TrialsSnapshot, overrides: readonly FrozenTrial[]) => Promise<FrozenTrial>;

/**
 * A sample already sent to the thread. A later request may list it among its overrides before it is answered:
 * the thread puts in the trial it sampled, so proposals for queued asks go out back to back, with no round trip
 * between them.
 */
export class ChainedSample {
  readonly wire: { readonly ref: number };
  constructor(
    requestId: number,
    readonly result: Promise<FrozenTrial>,
  ) {
    this.wire = { ref: requestId };
  }
}

export type Override = FrozenTrial | ChainedSample;

/** How the ask batch and pipeline sample: `sample`, and where the sampling thread serves the study, `chain`. */
export interface Sampling {
  readonly sample: SampleNewTrial;
  /** Whether `chain` serves this study (its sampler is sampled in the thread, and the thread runs). */
  chains?(entry: StudyCacheEntry): boolean;
  /** Sends a sample request now; null when it cannot go to the thread (the caller samples otherwise). */
  chain?(entry: StudyCacheEntry, fresh: FrozenTrial, space: SearchSpace, snapshot: TrialsSnapshot, overrides: readonly Override[]): ChainedSample | null;
}

/** Samples on the calling thread (what `samplingThreads: 0` does). */
export const sampleInThread: SampleNewTrial = async (entry, fresh, space, snapshot, overrides) =>
  sampleNewTrial(entry, fresh, space, studyViewOver(entry.base, snapshot.byState, overrides));

export const IN_THREAD: Sampling = { sample: sampleInThread };

/**
 * Samplers whose ask costs about what a round trip to the thread does (random, QMC: microseconds; grid: a
 * lookup): sampled in-thread. TPE and GP cost milliseconds per ask from a few thousand trials on.
 */
export function worthOffloading(spec: SamplerSpec): boolean {
  return spec.kind === 'tpe' || spec.kind === 'gp';
}

export interface SamplingThreadOptions {
  readonly logger: ServiceLogger;
  /** Which studies' asks are sampled in the thread (default worthOffloading); the others in-thread. */
  readonly offload?: (spec: SamplerSpec) => boolean;
}

interface Sent {
  readonly entry: StudyCacheEntry;
  version: number;
  /** The overrides of the last request as sent (the thread keeps them too, resolved). */
  overrides: readonly WireOverride[];
}

interface Waiting {
  readonly resolve: (params: SampledParams) => void;
  readonly reject: (error: unknown) => void;
  /** Sampling this request in-thread instead, should the thread die before answering. */
  readonly fallback: () => void;
}

/**
 * One sampling thread (node:worker_threads) for the service, so that a 2 ms TPE ask or a 30 ms GP ask runs
 * beside the event loop instead of on it. Samplers are deterministic given the study view, so the thread keeps
 * per study its own sampler and pruner and a mirror of the cached trials by state, and each request brings only
 * the trial versions the cache's refreshes changed since the previous request (the first: the whole study);
 * messages to a worker arrive in order, so the mirror is at the version of every request it answers.
 * A request over a snapshot older than the mirror (a refresh came between) is sampled in-thread. If the thread
 * cannot start or dies, sampling goes on in-thread (logged once); an ask never fails because of the thread.
 */
export class SamplingThread {
  private worker: Worker | null = null;
  private broken = false;
  private nextId = 1;
  private readonly waiting = new Map<number, Waiting>();
  private readonly sent = new Map<number, Sent>();
  private readonly offload: (spec: SamplerSpec) => boolean;
  readonly sampling: Sampling = {
    sample: (...args) => this.sample(...args),
    chains: (entry) => !this.broken && this.offload(entry.samplerSpec),
    chain: (...args) => this.send(...args),
  };
  /** How many asks the thread answered (not counting in-thread ones): for tests and logs. */
  answered = 0;

  constructor(private readonly options: SamplingThreadOptions) {
    this.offload = options.offload ?? worthOffloading;
  }

  readonly sample: SampleNewTrial = (entry, fresh, space, snapshot, overrides) =>
    this.send(entry, fresh, space, snapshot, overrides)?.result ?? sampleInThread(entry, fresh, space, snapshot, overrides);

  private send(entry: StudyCacheEntry, fresh: FrozenTrial, space: SearchSpace, snapshot: TrialsSnapshot, overrides: readonly Override[]): ChainedSample | null {
    if (this.broken || !this.offload(entry.samplerSpec)) return null;
    const worker = this.worker ?? this.start();
    if (!worker) return null;
    const id = entry.base.id;
    let sent = this.sent.get(id);
    let setup: Pick<Extract<ToSamplingThread, { kind: 'sample' }>, 'setup' | 'full' | 'changes'>;
    if (sent && sent.entry === entry && snapshot.version >= sent.version) {
      const changes = snapshot.version === sent.version ? [] : entry.takeChanges(sent.version, snapshot.version);
      if (changes !== null) {
        setup = changes.length > 0 ? { changes } : {};
        sent.version = snapshot.version;
      } else if (snapshot.version === entry.version) {
        setup = this.fullSetup(entry, snapshot);
      } else return null;
    } else if (snapshot.version === entry.version) {
      setup = this.fullSetup(entry, snapshot);
    } else {
      // Older than what the thread holds, or than the cache now (no log reaches back to it): rare, see above.
      return null;
    }
    sent = this.sent.get(id)!;
    // Only what differs from the previous request's overrides crosses (by identity: the same trial objects).
    const wire: WireOverride[] = overrides.map((o) => (o instanceof ChainedSample ? o.wire : o));
    const last = sent.overrides;
    let keep = 0;
    while (keep < last.length && keep < wire.length && last[keep] === wire[keep]) keep++;
    sent.overrides = wire;
    const requestId = this.nextId++;
    const message: ToSamplingThread = { kind: 'sample', id: requestId, studyId: id, ...setup, keep, overrides: wire.slice(keep), fresh, space };
    const result = new Promise<FrozenTrial>((resolve, reject) => {
      this.waiting.set(requestId, {
        resolve: (p) => resolve({ ...fresh, params: p.params, internalParams: p.internalParams, distributions: p.distributions, systemAttrs: p.systemAttrs }),
        reject: (error) => {
          // Whatever the thread holds of this study is suspect now: the next request sends it whole.
          if (this.sent.get(id) === sent) this.sent.delete(id);
          reject(error);
        },
        fallback: () =>
          Promise.all(overrides.map((o) => (o instanceof ChainedSample ? o.result : o)))
            .then((resolved) => sampleInThread(entry, fresh, space, snapshot, resolved))
            .then(resolve, reject),
      });
      worker.postMessage(message);
    });
    return new ChainedSample(requestId, result);
  }

  private fullSetup(entry: StudyCacheEntry, snapshot: TrialsSnapshot): Pick<Extract<ToSamplingThread, { kind: 'sample' }>, 'setup' | 'full'> {
    entry.startChangeLog();
    this.sent.set(entry.base.id, { entry, version: snapshot.version, overrides: [] });
    return { setup: { base: entry.base, sampler: entry.samplerSpec, pruner: entry.prunerSpec }, full: snapshot.byState };
  }

  /** Drops the thread's mirror of a study (the cache forgot it). */
  forget(studyId: number): void {
    if (!this.sent.delete(studyId)) return;
    this.worker?.postMessage({ kind: 'forget', studyId } satisfies ToSamplingThread);
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    this.broken = true;
    this.sent.clear();
    this.fallBack();
    await worker?.terminate();
  }

  private start(): Worker | null {
    try {
      const worker = startSamplingWorker();
      worker.on('message', (reply: FromSamplingThread) => {
        const w = this.waiting.get(reply.id);
        if (!w) return;
        this.waiting.delete(reply.id);
        this.answered++;
        if ('ok' in reply) w.resolve(reply.ok);
        else w.reject(deserializeError(reply.error));
      });
      worker.on('error', (error) => this.fail(error));
      worker.on('exit', (code) => {
        if (this.worker === worker) this.fail(new Error(`sampling thread exited with code ${code}`));
      });
      // The thread never keeps the process alive: close() ends it, and pending asks hold their own handles.
      worker.unref();
      this.worker = worker;
      return worker;
    } catch (error) {
      this.fail(error);
      return null;
    }
  }

  private fail(error: unknown): void {
    if (!this.broken) this.options.logger.error({ err: error }, 'sampling thread failed; sampling in-thread from now on');
    this.broken = true;
    const worker = this.worker;
    this.worker = null;
    this.sent.clear();
    this.fallBack();
    void worker?.terminate();
  }

  /** Samples in-thread every request the thread has not answered. */
  private fallBack(): void {
    const pending = [...this.waiting.values()];
    this.waiting.clear();
    for (const w of pending) w.fallback();
  }
}

/**
 * The worker running sampling-worker (.ts next to this file when run through tsx, as `npm start`, bin/hpo.js and
 * vitest do; .js from a compiled build). A worker does not inherit the parent's tsx hooks (bin/hpo.js registers
 * them in-process, so execArgv has no --import), so for .ts the worker first registers tsx itself.
 */
function startSamplingWorker(): Worker {
  const typescript = import.meta.url.endsWith('.ts');
  const program = new URL(`./sampling-worker.${typescript ? 'ts' : 'js'}`, import.meta.url);
  if (!typescript) return new Worker(program);
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(program.href)}); });`;
  return new Worker(bootstrap, { eval: true });
}
