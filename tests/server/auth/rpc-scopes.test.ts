import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HpoServiceService } from '../../../src/generated/hpo/v1/hpo_service.js';
import { RPC_SCOPES, requirementOf } from '../../../src/server/auth/rpc-scopes.js';

/** The RPC names declared in the .proto file itself, so a new RPC fails this test until it has a scope. */
function rpcsOfProto(): string[] {
  const proto = readFileSync(new URL('../../../proto/hpo/v1/hpo_service.proto', import.meta.url), 'utf8');
  return [...proto.matchAll(/^\s*rpc\s+(\w+)\s*\(/gm)].map((match) => match[1]);
}

const camel = (name: string) => name[0].toLowerCase() + name.slice(1);

describe('the RPC scope table', () => {
  it('has exactly one entry for every RPC of hpo_service.proto', () => {
    const declared = rpcsOfProto().map(camel).sort();
    expect(declared.length).toBeGreaterThanOrEqual(15);
    expect(Object.keys(RPC_SCOPES).sort()).toEqual(declared);
    expect(Object.keys(HpoServiceService).sort()).toEqual(declared);
  });

  it('requires admin for creating and deleting studies, worker for the trial life cycle, read for inspection', () => {
    expect(RPC_SCOPES).toMatchObject({
      createStudy: 'admin',
      deleteStudy: 'admin',
      ask: 'worker',
      suggest: 'worker',
      report: 'worker',
      tell: 'worker',
      heartbeat: 'worker',
      enqueueTrial: 'worker',
      getStudy: 'read',
      listStudies: 'read',
      getTrial: 'read',
      listTrials: 'read',
      getBestTrials: 'read',
    });
  });

  it('looks methods up by their gRPC path', () => {
    expect(requirementOf('/hpo.v1.HpoService/DeleteStudy')).toEqual({ kind: 'scope', scope: 'admin' });
    expect(requirementOf('/hpo.v1.HpoService/Report')).toEqual({ kind: 'scope', scope: 'worker' });
  });

  it('leaves health checking open, puts reflection under read, and knows nothing else', () => {
    expect(requirementOf('/grpc.health.v1.Health/Check')).toEqual({ kind: 'open' });
    expect(requirementOf('/grpc.health.v1.Health/Watch')).toEqual({ kind: 'open' });
    expect(requirementOf('/grpc.reflection.v1.ServerReflection/ServerReflectionInfo')).toEqual({ kind: 'scope', scope: 'read' });
    expect(requirementOf('/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo')).toEqual({ kind: 'scope', scope: 'read' });
    expect(requirementOf('/hpo.v1.HpoService/DropEverything')).toEqual({ kind: 'unknown' });
    expect(requirementOf('/grpc.health.v1.HealthX/Check')).toEqual({ kind: 'unknown' });
  });
});
