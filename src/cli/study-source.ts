import type { CreateStudyOptions, FrozenTrial, Json, ParamValue, StudyInfo, TrialState } from '@hpo/client';

/**
 * Where the inspection commands read and write studies: a running server (through the SDK) or the store itself
 * (in process). Commands see only this, so each works the same both ways; both speak the SDK's types.
 */
export interface StudySource {
  /** For messages: `server localhost:50051`, `postgres://…@host/db`, `embedded ./.hpo/data`. */
  readonly description: string;
  listStudies(): Promise<StudyInfo[]>;
  getStudy(name: string): Promise<StudyInfo>;
  /** Trials in number order, optionally only some states. */
  trials(name: string, states?: readonly TrialState[]): Promise<FrozenTrial[]>;
  /** The best trial, or the Pareto front for several objectives. */
  bestTrials(name: string): Promise<FrozenTrial[]>;
  createStudy(options: CreateStudyOptions): Promise<{ study: StudyInfo; created: boolean }>;
  deleteStudy(name: string): Promise<void>;
  enqueueTrial(
    name: string,
    params: Readonly<Record<string, ParamValue>>,
    options?: { userAttrs?: Readonly<Record<string, Json>>; skipIfExists?: boolean },
  ): Promise<FrozenTrial>;
  close(): Promise<void>;
}
