import { pino } from 'pino';
import { NullValue } from '../../src/generated/google/protobuf/struct.js';
import type { Distribution, ParamSpec, ParamValue } from '../../src/generated/hpo/v1/distribution.js';
import type { CreateStudyRequest } from '../../src/generated/hpo/v1/hpo_service.js';
import { Direction } from '../../src/generated/hpo/v1/study.js';
import { createHpoService } from '../../src/service/create-hpo-service.js';
import { type RunningGrpcServer, startGrpcServer } from '../../src/server/grpc-server.js';
import { connectHpo, type HpoCaller } from '../support/grpc-client.js';
import type { TestStore } from '../support/test-database.js';

/** A server on port 0 over `store`, and a generated client connected to it. */
export interface ServedStore {
  readonly hpo: HpoCaller;
  readonly address: string;
  readonly server: RunningGrpcServer;
  close(): Promise<void>;
}

export async function serveStore(store: TestStore, options: { maxMessageBytes?: number } = {}): Promise<ServedStore> {
  const logger = pino({ level: 'silent' });
  const service = createHpoService({ db: store.db, reaperIntervalMs: 0 });
  const server = await startGrpcServer({ service, host: '127.0.0.1', port: 0, logger, ...options });
  const address = `127.0.0.1:${server.port}`;
  const hpo = connectHpo(address);
  return {
    hpo,
    address,
    server,
    async close() {
      hpo.close();
      await server.shutdown(1000);
      await service.close();
    },
  };
}

export const floatDist = (low: number, high: number, extra: { log?: boolean; step?: number } = {}): Distribution => ({
  kind: { $case: 'float', value: { low, high, log: extra.log ?? false, step: extra.step } },
});
export const intDist = (low: number, high: number, extra: { log?: boolean; step?: number } = {}): Distribution => ({
  kind: { $case: 'int', value: { low, high, log: extra.log ?? false, step: extra.step } },
});
export const value = (v: number | string | boolean | null): ParamValue =>
  v === null
    ? { kind: { $case: 'nullValue', value: NullValue.NULL_VALUE } }
    : typeof v === 'number'
      ? { kind: { $case: 'numberValue', value: v } }
      : typeof v === 'string'
        ? { kind: { $case: 'stringValue', value: v } }
        : { kind: { $case: 'boolValue', value: v } };
export const catDist = (...choices: Array<number | string | boolean | null>): Distribution => ({
  kind: { $case: 'categorical', value: { choices: choices.map(value) } },
});
export const spec = (name: string, distribution: Distribution): ParamSpec => ({ name, distribution });

export function createRequest(name: string, overrides: Partial<CreateStudyRequest> = {}): CreateStudyRequest {
  return {
    name,
    directions: [Direction.DIRECTION_MINIMIZE],
    sampler: { kind: { $case: 'random', value: {} } },
    seed: 7,
    userAttrs: [],
    loadIfExists: false,
    requestId: '',
    ...overrides,
  };
}

/** The user's value of a wire ParamValue. */
export function plain(v: ParamValue | undefined): number | string | boolean | null | undefined {
  const kind = v?.kind;
  if (!kind) return undefined;
  return kind.$case === 'nullValue' ? null : kind.value;
}

/** Everything stored about a study, as the wire shows it: to prove a refused call changed nothing. */
export async function snapshot(hpo: HpoCaller, studyName: string) {
  const { study } = await hpo.getStudy({ studyName });
  const { trials } = await hpo.listTrials({ studyName, states: [], pageSize: 0, pageToken: '' });
  return { study, trials };
}
