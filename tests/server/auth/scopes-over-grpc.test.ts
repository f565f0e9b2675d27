import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HpoServiceService } from '../../../src/generated/hpo/v1/hpo_service.js';
import { Direction } from '../../../src/generated/hpo/v1/study.js';
import { TrialState } from '../../../src/generated/hpo/v1/trial.js';
import { type HpoRpcName, RPC_SCOPES } from '../../../src/server/auth/rpc-scopes.js';
import { type Scope, SCOPES, scopeGrants } from '../../../src/server/auth/scope.js';
import { hashToken } from '../../../src/server/auth/token-hash.js';
import { Metadata } from '@grpc/grpc-js';
import { checkHealth, listServicesByReflection, rejectionOf } from '../../support/grpc-client.js';
import { connectAs } from '../../support/secure-client.js';
import { type SecureServer, startSecureServer } from '../../support/secure-server.js';
import { describeStores } from '../../support/test-database.js';

/**
 * The whole service behind `--auth tokens`, over a real connection: every RPC called with every kind of caller
 * (no token, an unknown token, and one token per scope). Refused calls get UNAUTHENTICATED or
 * PERMISSION_DENIED and leave every table exactly as it was; allowed calls succeed.
 */
const SECRETS: Record<Scope, string> = {
  read: 'R3ad-secret-Zq8wVb1nR4tY6uI9',
  worker: 'W0rker-secret-Kd7fG2hJ5lP0xC3',
  admin: 'Adm1n-secret-Mn4bV7cX0zL2kJ9h',
};
const UNKNOWN = 'Unkn0wn-secret-Qw1eR2tY3uI4oP5';
const TOKENS_FILE = [
  '# test tokens: the worker one stored as a digest',
  `reader:read:${SECRETS.read}`,
  `gpu-pool:worker:sha256:${hashToken(SECRETS.worker).toString('hex')}`,
  `alice:admin:${SECRETS.admin}`,
].join('\n');
const NAME_OF: Record<Scope, string> = { read: 'reader', worker: 'gpu-pool', admin: 'alice' };

const BASE = 'base-study';
const X = { name: 'x', distribution: { kind: { $case: 'float' as const, value: { low: 0, high: 1, log: false } } } };

describeStores('scopes over gRPC', (stores) => {
  let server: SecureServer;
  let fixture = 0;

  async function runningTrialId(): Promise<number> {
    const result = await server.service.ask({ studyName: BASE, searchSpace: { x: { kind: 'float', low: 0, high: 1, log: false } } });
    if (result.kind !== 'trial') throw new Error('base study is done');
    return result.trial.id;
  }

  /** A valid request for each RPC, built fresh (new studies, new running trials) so that any caller allowed may succeed. */
  const REQUESTS: { readonly [R in HpoRpcName]: () => Promise<unknown> } = {
    createStudy: async () => ({ name: `created-${++fixture}`, directions: [Direction.DIRECTION_MINIMIZE] }),
    getStudy: async () => ({ studyName: BASE }),
    listStudies: async () => ({}),
    deleteStudy: async () => {
      const name = `victim-${++fixture}`;
      await server.service.createStudy({ name, directions: ['minimize'] });
      return { studyName: name };
    },
    setStudyUserAttr: async () => ({ studyName: BASE, key: `k${++fixture}`, value: { note: 'x' } }),
    ask: async () => ({ studyName: BASE, searchSpace: [X] }),
    suggest: async () => ({
      trialId: await runningTrialId(),
      params: [{ name: 'y', distribution: { kind: { $case: 'int', value: { low: 1, high: 9, log: false, step: 1 } } } }],
    }),
    report: async () => ({ trialId: await runningTrialId(), step: 3, value: 0.5 }),
    tell: async () => ({ trialId: await runningTrialId(), state: TrialState.TRIAL_STATE_COMPLETE, values: [0.25] }),
    tellAndAsk: async () => ({
      tell: { trialId: await runningTrialId(), state: TrialState.TRIAL_STATE_COMPLETE, values: [0.25] },
      ask: { studyName: BASE, searchSpace: [X] },
    }),
    heartbeat: async () => ({ trialId: await runningTrialId() }),
    enqueueTrial: async () => ({ studyName: BASE, params: [{ name: 'x', value: { kind: { $case: 'numberValue', value: 0.5 } } }] }),
    getTrial: async () => ({ trialId: await runningTrialId() }),
    listTrials: async () => ({ studyName: BASE }),
    getBestTrials: async () => ({ studyName: BASE }),
    setTrialUserAttr: async () => ({ trialId: await runningTrialId(), key: 'k', value: 1 }),
  };

  type Caller = { label: string; token?: string; scope?: Scope };
  const CALLERS: Caller[] = [
    { label: 'no token' },
    { label: 'an unknown token', token: UNKNOWN },
    ...SCOPES.map((scope) => ({ label: `a ${scope} token`, token: SECRETS[scope], scope })),
  ];

  function expected(rpc: HpoRpcName, caller: Caller): 'OK' | 'UNAUTHENTICATED' | 'PERMISSION_DENIED' {
    if (caller.scope === undefined) return 'UNAUTHENTICATED';
    return scopeGrants(caller.scope, RPC_SCOPES[rpc]) ? 'OK' : 'PERMISSION_DENIED';
  }

  async function outcome(rpc: HpoRpcName, caller: Caller, request: unknown): Promise<string> {
    const client = connectAs(server.address, { token: caller.token });
    try {
      await (client[rpc] as (request: unknown) => Promise<unknown>)(request);
      return 'OK';
    } catch (error) {
      return status[(error as { code: number }).code];
    } finally {
      client.close();
    }
  }

  beforeAll(async () => {
    server = await startSecureServer({ auth: 'tokens', tokensFile: TOKENS_FILE, stores });
    await server.service.createStudy({ name: BASE, directions: ['minimize'] });
  }, 120_000);
  afterAll(async () => server?.stop());

  describe('every RPC with every caller, over a real connection', () => {
    it.each(Object.keys(HpoServiceService) as HpoRpcName[])('%s: allowed exactly for the scopes that include its requirement', async (rpc) => {
      // Refused callers first, each against a fresh request, with every table compared before and after.
      for (const caller of CALLERS.filter((c) => expected(rpc, c) !== 'OK')) {
        const request = await REQUESTS[rpc]();
        const before = await server.snapshot();
        expect(`${caller.label}: ${await outcome(rpc, caller, request)}`).toBe(`${caller.label}: ${expected(rpc, caller)}`);
        expect(await server.snapshot()).toBe(before);
      }
      for (const caller of CALLERS.filter((c) => expected(rpc, c) === 'OK'))
        expect(`${caller.label}: ${await outcome(rpc, caller, await REQUESTS[rpc]())}`).toBe(`${caller.label}: OK`);
    });
  });

  describe('a worker token and CreateStudy', () => {
    it('opens an existing study with load_if_exists, and creates nothing', async () => {
      const worker = connectAs(server.address, { token: SECRETS.worker });
      try {
        const before = await server.snapshot();
        const response = await worker.createStudy({ name: BASE, directions: [Direction.DIRECTION_MINIMIZE], loadIfExists: true });
        expect(response.created).toBe(false);
        expect(response.study?.name).toBe(BASE);
        expect(await server.snapshot()).toBe(before);

        const missing = await rejectionOf(worker.createStudy({ name: 'not-there', directions: [Direction.DIRECTION_MINIMIZE], loadIfExists: true }));
        expect(missing.code).toBe(status.PERMISSION_DENIED);
        expect(missing.details).toMatch(/study "not-there" does not exist.*needs admin/);
        const without = await rejectionOf(worker.createStudy({ name: BASE, directions: [Direction.DIRECTION_MINIMIZE] }));
        expect(without.code).toBe(status.PERMISSION_DENIED);
        expect(await server.snapshot()).toBe(before);
      } finally {
        worker.close();
      }
    });
  });

  describe('credentials in the wrong shape', () => {
    it.each([
      ['a token without the Bearer scheme', SECRETS.admin],
      ['another scheme', `Basic ${SECRETS.admin}`],
      ['an empty bearer', 'Bearer '],
    ])('are UNAUTHENTICATED: %s', async (_, authorization) => {
      const client = connectAs(server.address, { authorization });
      try {
        expect((await rejectionOf(client.listStudies({}))).code).toBe(status.UNAUTHENTICATED);
      } finally {
        client.close();
      }
    });
  });

  describe('server reflection', () => {
    it('needs a token of at least read scope', async () => {
      await expect(listServicesByReflection(server.address)).rejects.toMatchObject({ code: status.UNAUTHENTICATED });
      const metadata = new Metadata();
      metadata.set('authorization', `Bearer ${SECRETS.read}`);
      expect(await listServicesByReflection(server.address, metadata)).toContain('hpo.v1.HpoService');
    });
  });

  describe('health checking', () => {
    it('answers without any token', async () => {
      expect(await checkHealth(server.address)).toBe('SERVING');
      expect(await checkHealth(server.address, 'hpo.v1.HpoService')).toBe('SERVING');
    });
  });

  describe('the audit log', () => {
    it('names the token of every refused call and of every study created or deleted, and never holds a token', async () => {
      // The table test above ran first (same file, sequential): refusals, creations and deletions are logged.
      const events = server.auditEvents();
      const refused = events.filter((e) => e.event === 'call_refused');
      expect(refused.length).toBeGreaterThan(30);
      expect(refused.every((e) => typeof e.method === 'string' && typeof e.code === 'string' && typeof e.peer === 'string')).toBe(true);
      expect(new Set(refused.map((e) => e.token))).toEqual(new Set([null, 'reader', 'gpu-pool']));
      expect(refused.find((e) => e.token === 'reader' && e.method === '/hpo.v1.HpoService/Ask')).toMatchObject({
        code: 'PERMISSION_DENIED',
        reason: 'insufficient_scope',
      });
      expect(refused.find((e) => e.token === null && e.reason === 'unknown_token')).toBeDefined();

      const created = events.filter((e) => e.event === 'study_created');
      const deleted = events.filter((e) => e.event === 'study_deleted');
      expect(created.map((e) => e.token)).toEqual([NAME_OF.admin]);
      expect(created[0].study).toMatch(/^created-/);
      expect(deleted.map((e) => e.token)).toEqual([NAME_OF.admin]);
      expect(deleted[0].study).toMatch(/^victim-/);

      const everything = server.logLines.join('\n');
      for (const secret of [...Object.values(SECRETS), UNKNOWN]) expect(everything).not.toContain(secret);
      expect(everything).not.toContain(hashToken(SECRETS.worker).toString('hex'));
      expect(everything.split("\n").filter((l) => /Bearer [A-Za-z0-9]/.test(l))).toEqual([]);
    });
  });
});
