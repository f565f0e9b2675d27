import type { Distribution, ParamValue, SearchSpace } from '../core/distribution.js';
import type { Json } from '../core/json.js';
import type { Direction } from '../core/study.js';
import type { FrozenTrial, TrialState } from '../core/trial.js';
import type { PrunerSpec } from '../../pruners/pruner-spec.js';
import type { SamplerSpec } from '../../samplers/sampler-spec.js';

/**
 * The service in domain terms: what the gRPC handlers (and the CLI's direct-storage mode) call.
 * Inputs are already decoded from the wire but NOT yet validated: implementations validate every field and
 * throw HpoError subclasses naming it. Nothing stored changes when a call throws.
 */
export interface FailurePolicy {
  /** Seconds without heartbeat before a RUNNING trial is failed; 0 disables. */
  readonly heartbeatGraceSeconds: number;
  /** How many times a failed trial's params are re-enqueued. */
  readonly maxRetries: number;
  /** Whether FAIL trials count toward maxTrials (default false: a failed trial gives its slot back). */
  readonly countFailedTrials: boolean;
}

export interface StudyRecord {
  readonly id: number;
  readonly name: string;
  readonly directions: readonly Direction[];
  readonly sampler: SamplerSpec;
  readonly pruner: PrunerSpec;
  readonly seed: number;
  readonly userAttrs: Readonly<Record<string, Json>>;
  readonly createdAt: Date;
  readonly maxTrials: number | null;
  readonly failurePolicy: FailurePolicy;
  readonly state: 'RUNNING' | 'DONE';
  readonly trialCounts: Readonly<Record<TrialState, number>>;
}

export interface TrialRecord extends FrozenTrial {
  readonly studyName: string;
  readonly lastHeartbeatAt: Date | null;
  readonly workerId: string | null;
  /** Number of the failed trial this one retries. */
  readonly retryOf: number | null;
}

export interface CreateStudyInput {
  readonly name: string;
  readonly directions: readonly Direction[];
  /** Undefined: TPE with defaults. */
  readonly sampler?: SamplerSpec;
  /** Undefined: no pruning. */
  readonly pruner?: PrunerSpec;
  /** Undefined: drawn at random and stored. */
  readonly seed?: number;
  readonly userAttrs?: Readonly<Record<string, Json>>;
  readonly loadIfExists?: boolean;
  readonly maxTrials?: number;
  readonly failurePolicy?: Partial<FailurePolicy>;
  readonly requestId?: string;
}

/** Tell's input: COMPLETE with one value per objective, PRUNED (values optional) or FAIL. */
export interface TellInput {
  readonly trialId: number;
  readonly state: TrialState;
  readonly values?: readonly number[];
  readonly constraints?: readonly number[];
  readonly failReason?: string;
  readonly workerId?: string;
  readonly requestId?: string;
}

/** Ask's input. */
export interface AskInput {
  readonly studyName: string;
  readonly searchSpace: SearchSpace;
  readonly workerId?: string;
  readonly requestId?: string;
}

/** TellAndAsk's input: a tell and the next ask, each with its own request id. */
export interface TellAndAskInput {
  readonly tell: TellInput;
  readonly ask: AskInput;
}

export interface Page<T> {
  readonly items: readonly T[];
  /** Empty on the last page. */
  readonly nextPageToken: string;
}

export type AskResult =
  | { readonly kind: 'trial'; readonly trial: TrialRecord }
  | { readonly kind: 'done'; readonly reason: string };

/** A parameter as returned by suggest: its distribution, user value and internal value. */
export interface SuggestedParam {
  readonly name: string;
  readonly distribution: Distribution;
  readonly value: ParamValue;
  readonly internal: number;
}

export interface HpoService {
  createStudy(input: CreateStudyInput): Promise<{ study: StudyRecord; created: boolean }>;
  getStudy(name: string): Promise<StudyRecord>;
  listStudies(input: { pageSize?: number; pageToken?: string }): Promise<Page<StudyRecord>>;
  deleteStudy(input: { name: string; requestId?: string }): Promise<void>;
  setStudyUserAttr(input: { studyName: string; key: string; value: Json }): Promise<void>;

  /** Hands out a WAITING trial first, else samples `searchSpace` (which may be empty) in one transaction. */
  ask(input: AskInput): Promise<AskResult>;
  /** Define-by-run: params in the order given; an existing param with the same distribution returns its value. */
  suggest(input: {
    trialId: number;
    params: ReadonlyArray<{ name: string; distribution: Distribution }>;
    workerId?: string;
  }): Promise<SuggestedParam[]>;
  report(input: {
    trialId: number;
    step: number;
    value: number;
    workerId?: string;
    requestId?: string;
  }): Promise<{ shouldPrune: boolean; reason: string }>;
  tell(input: TellInput): Promise<TrialRecord>;
  /**
   * Tells a finished trial and then asks for the next one (one round trip for a worker in a loop): the tell is
   * committed first, so the ask's sampler sees it; a refused tell fails the call and nothing is asked.
   */
  tellAndAsk(input: TellAndAskInput): Promise<{ told: TrialRecord; next: AskResult }>;
  heartbeat(input: { trialId: number; workerId?: string }): Promise<{ leaseExpiresAt: Date | null }>;
  enqueueTrial(input: {
    studyName: string;
    params: Readonly<Record<string, ParamValue>>;
    userAttrs?: Readonly<Record<string, Json>>;
    skipIfExists?: boolean;
    requestId?: string;
  }): Promise<TrialRecord>;
  getTrial(input: { trialId: number } | { studyName: string; number: number }): Promise<TrialRecord>;
  listTrials(input: {
    studyName: string;
    states?: readonly TrialState[];
    pageSize?: number;
    pageToken?: string;
  }): Promise<Page<TrialRecord>>;
  /** The best complete trial (one objective) or the Pareto front (several); empty when none is complete. */
  bestTrials(studyName: string): Promise<TrialRecord[]>;
  setTrialUserAttr(input: { trialId: number; key: string; value: Json }): Promise<void>;
  /** Stops background work (reaper) and closes the storage. */
  close(): Promise<void>;
}
