// The sampling thread's program (node:worker_threads): per study, its own sampler and pruner and a mirror of the
// trials by state, kept up to date by the changes each request brings (see SamplingThread).
import { parentPort } from 'node:worker_threads';
import type { Pruner } from '../core/pruner.js';
import type { Sampler } from '../core/sampler.js';
import type { FrozenTrial } from '../core/trial.js';
import { createPruner } from '../../pruners/create-pruner.js';
import { createSampler } from '../../samplers/create-sampler.js';
import { sampleNewTrialWith } from './sample-new-trial.js';
import { type FromSamplingThread, serializeError, type StudySetup, type ToSamplingThread } from './sampling-thread-messages.js';
import { studyViewOver, type TrialsByState, withReplaced } from './study-cache.js';

interface Mirror {
  readonly base: StudySetup['base'];
  readonly sampler: Sampler;
  readonly pruner: Pruner;
  byState: TrialsByState;
  readonly byId: Map<number, FrozenTrial>;
  /** The previous request's overrides (see ToSamplingThread's keep). */
  overrides: readonly FrozenTrial[];
  /** The trials the latest requests sampled, by request id, for requests chained on them. */
  readonly results: Map<number, FrozenTrial>;
}

// Chained requests name requests sent just before them (at most a batch's worth): older results are dropped.
const KEPT_RESULTS = 256;

const mirrors = new Map<number, Mirror>();

function mirrorOf(setup: StudySetup, byState: TrialsByState): Mirror {
  const byId = new Map<number, FrozenTrial>();
  for (const list of Object.values(byState)) for (const t of list) byId.set(t.id, t);
  return {
    base: setup.base,
    sampler: createSampler(setup.sampler),
    pruner: createPruner(setup.pruner, setup.base.directions.length),
    byState,
    byId,
    overrides: [],
    results: new Map(),
  };
}

function apply(mirror: Mirror, changes: readonly FrozenTrial[]): void {
  if (changes.length === 0) return;
  const replaced = changes.map((t) => {
    const old = mirror.byId.get(t.id);
    mirror.byId.set(t.id, t);
    return [old, t] as const;
  });
  mirror.byState = withReplaced(mirror.byState, replaced);
}

function handle(message: ToSamplingThread): FromSamplingThread | null {
  if (message.kind === 'forget') {
    mirrors.delete(message.studyId);
    return null;
  }
  try {
    let mirror = mirrors.get(message.studyId);
    if (message.setup) {
      // Built even if the sampler spec is bad, so the error is answered for this request like in-thread.
      mirrors.delete(message.studyId);
      mirror = mirrorOf(message.setup, message.full!);
      mirrors.set(message.studyId, mirror);
    }
    if (!mirror) throw new Error(`sampling thread: no mirror of study ${message.studyId}`);
    if (message.changes) apply(mirror, message.changes);
    const added = message.overrides.map((o) => {
      if (!('ref' in o)) return o;
      const earlier = mirror.results.get(o.ref);
      if (!earlier) throw new Error(`sampling thread: the sample this one builds on (request ${o.ref}) failed`);
      return earlier;
    });
    const overrides = message.keep > 0 ? mirror.overrides.slice(0, message.keep).concat(added) : added;
    mirror.overrides = overrides;
    const view = studyViewOver(mirror.base, mirror.byState, overrides);
    const trial = sampleNewTrialWith(mirror.sampler, mirror.pruner, message.fresh, message.space, view);
    mirror.results.set(message.id, trial);
    if (mirror.results.size > KEPT_RESULTS) mirror.results.delete(mirror.results.keys().next().value as number);
    return {
      id: message.id,
      ok: { params: trial.params, internalParams: trial.internalParams, distributions: trial.distributions, systemAttrs: trial.systemAttrs },
    };
  } catch (error) {
    return { id: message.id, error: serializeError(error) };
  }
}

parentPort!.on('message', (message: ToSamplingThread) => {
  const reply = handle(message);
  if (reply) parentPort!.postMessage(reply);
});
