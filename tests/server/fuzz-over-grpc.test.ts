import { Client, Metadata, type ServiceError, credentials, status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Rng, createRng } from '../../src/core/rng.js';
import * as wire from '../../src/generated/hpo/v1/hpo_service.js';
import { HpoServiceService } from '../../src/generated/hpo/v1/hpo_service.js';
import type { HpoRpcName } from '../../src/server/auth/rpc-scopes.js';
import { checkHealth } from '../support/grpc-client.js';
import { type SecureServer, startSecureServer } from '../support/secure-server.js';
import { type StoreFactory, describeStores } from '../support/test-database.js';

/**
 * A few thousand random and malformed messages through a real connection, as an admin (so that every message
 * reaches the decoder, the limits and the service): random bytes, hostile values (huge strings, NaN, ±Infinity,
 * negative steps, int64 beyond 2^53, attributes nested up to 200,000 deep), messages of one RPC sent to
 * another, bit-flipped encodings and garbage credentials. Every message is invalid by construction (the only
 * study that exists is never named by a mutating message that could succeed, and its trials are all finished),
 * so afterwards every table must be exactly as before, the server must answer, and no call may have ended in
 * INTERNAL or UNKNOWN (which would mean an error nobody mapped). FUZZ_MESSAGES and FUZZ_SEED change the run
 * (default: 3000 messages, seed 1, so a failure reproduces).
 */
const MESSAGES = Number(process.env.FUZZ_MESSAGES ?? 3000);
const ADMIN = 'Fuzz-admin-secret-0123456789';
const STUDY = 'fuzz-target-study';
const RPCS = Object.keys(HpoServiceService) as HpoRpcName[];
const READ_ONLY = new Set<HpoRpcName>(['getStudy', 'listStudies', 'getTrial', 'listTrials', 'getBestTrials']);

let server: SecureServer;
let client: Client;
const finishedTrialIds: number[] = [];

// ---- building blocks -------------------------------------------------------------------------------------

const pick = <T>(rng: Rng, items: readonly T[]): T => items[rng.int(items.length)];

function randomBytes(rng: Rng, n: number): Buffer {
  const bytes = Buffer.alloc(n);
  for (let i = 0; i < n; i++) bytes[i] = rng.int(256);
  return bytes;
}

function junkString(rng: Rng): string {
  return pick(rng, [
    () => '',
    () => 'x'.repeat(257 + rng.int(300_000)),
    () => randomBytes(rng, 1 + rng.int(64)).toString('latin1'),
    () => '\u0000\uffff\ud800', // NUL, a non-character, a lone surrogate
    () => `no-such-${rng.int(1e9)}`,
    () => '../../etc/passwd',
    () => "'; drop table studies; --",
  ])();
}

/** Never valid where a finite number is required. */
const nonFinite = (rng: Rng) => pick(rng, [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]);
/** Hostile but possibly valid: for fields of requests that are invalid for another reason. */
const anyNumber = (rng: Rng) => pick(rng, [nonFinite(rng), -1e308, 1e308, -0, 2 ** 60, rng.uniform(-1e6, 1e6)]);

function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}

/** google.protobuf.Value nested `depth` lists deep, built without recursion (each level only adds a prefix). */
function deepValueBytes(depth: number): Buffer {
  const inner = Buffer.from([0x11, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f]); // number_value = 1.0
  const prefixes: number[][] = [];
  let length = inner.length;
  for (let i = 0; i < depth; i++) {
    const list = [0x0a, ...varint(length)]; // ListValue.values
    length += list.length;
    const value = [0x32, ...varint(length)]; // Value.list_value
    length += value.length;
    prefixes.push(value, list);
  }
  return Buffer.concat([Buffer.from(prefixes.reverse().flat()), inner]);
}

/** A length-delimited field. */
const field = (no: number, bytes: Uint8Array) => Buffer.concat([Buffer.from([(no << 3) | 2, ...varint(bytes.length)]), bytes]);
/** A varint field holding a raw unsigned 64-bit pattern (e.g. beyond 2^53, or a negative int64). */
function varint64Field(no: number, value: bigint): Buffer {
  const out = [(no << 3) | 0];
  let v = BigInt.asUintN(64, value);
  while (v > 0x7fn) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return Buffer.from(out);
}

function badAttrValue(rng: Rng): unknown {
  return pick(rng, [
    () => Number.NaN,
    () => Number.POSITIVE_INFINITY,
    () => 'v'.repeat(70_000),
    () => {
      let v: unknown = 1;
      for (let i = 0; i < 33 + rng.int(60); i++) v = rng.random() < 0.5 ? [v] : { k: v };
      return v;
    },
    () => ({ nested: { list: [1, Number.NaN, 'x'] } }),
    () => undefined,
  ])();
}

const badTrialId = (rng: Rng) => pick(rng, [0, ...finishedTrialIds, 999_999_999, rng.int(1_000_000) + 1000]);
const float = (low: number, high: number, log = false) => ({ kind: { $case: 'float' as const, value: { low, high, log } } });
const num = (value: number) => ({ kind: { $case: 'numberValue' as const, value } });

/** An invalid search space: at least one distribution or name is wrong. */
function badSearchSpace(rng: Rng) {
  const bad = pick(rng, [
    () => [{ name: 'x', distribution: float(nonFinite(rng), 1) }],
    () => [{ name: 'x', distribution: float(2, 1) }],
    () => [{ name: 'x', distribution: float(-1, 1, true) }],
    () => [{ name: 'x', distribution: { kind: { $case: 'int' as const, value: { low: 0, high: 10, log: false, step: 0 } } } }],
    () => [{ name: 'x', distribution: { kind: { $case: 'categorical' as const, value: { choices: [] } } } }],
    () => [{ name: 'x', distribution: { kind: { $case: 'categorical' as const, value: { choices: Array.from({ length: 10_001 }, (_, i) => num(i)) } } } }],
    () => [{ name: junkString(rng).slice(0, 0) || 'p'.repeat(129), distribution: float(0, 1) }],
    () => [{ name: '', distribution: float(0, 1) }],
    () => [{ name: 'x', distribution: float(0, 1) }, { name: 'x', distribution: float(0, 2) }],
    () => [{ name: 'x' }],
    () => Array.from({ length: 1001 }, (_, i) => ({ name: `p${i}`, distribution: float(0, 1) })),
  ])();
  return [...Array.from({ length: rng.int(3) }, (_, i) => ({ name: `ok${i}`, distribution: float(0, 1) })), ...bad];
}

/** For each RPC, an invalid request, encoded. None of them can succeed and change anything. */
const INVALID: { readonly [R in HpoRpcName]: (rng: Rng) => Uint8Array } = {
  createStudy: (rng) => {
    const violation = pick(rng, [
      { name: junkString(rng) === '' ? '' : 's'.repeat(257) },
      { directions: [] },
      { directions: [0] },
      { directions: [7, 1] },
      { sampler: { kind: { $case: 'grid' as const, value: { axes: [] } } } },
      { userAttrs: [{ key: 'a', value: badAttrValue(rng) }] },
      { userAttrs: Array.from({ length: 257 }, (_, i) => ({ key: `k${i}`, value: i })) },
      { userAttrs: [{ key: '', value: 1 }] },
    ]);
    return wire.CreateStudyRequest.encode(
      wire.CreateStudyRequest.fromPartial({ name: `new-${rng.int(1e9)}`, directions: [1], seed: rng.int(100), requestId: junkString(rng).slice(0, 300), ...violation }),
    ).finish();
  },
  getStudy: (rng) => wire.GetStudyRequest.encode({ studyName: pick(rng, [STUDY, junkString(rng)]) }).finish(),
  listStudies: (rng) => wire.ListStudiesRequest.encode({ pageSize: rng.int(2 ** 32), pageToken: junkString(rng) }).finish(),
  deleteStudy: (rng) => wire.DeleteStudyRequest.encode({ studyName: junkString(rng), requestId: junkString(rng) }).finish(),
  setStudyUserAttr: (rng) =>
    rng.random() < 0.7
      ? wire.SetStudyUserAttrRequest.encode({ studyName: STUDY, key: pick(rng, ['', 'k'.repeat(257), 'ok']), value: badAttrValue(rng) }).finish()
      : wire.SetStudyUserAttrRequest.encode({ studyName: junkString(rng), key: 'k', value: 1 }).finish(),
  ask: (rng) =>
    wire.AskRequest.encode(
      wire.AskRequest.fromPartial(
        rng.random() < 0.7
          ? { studyName: STUDY, searchSpace: badSearchSpace(rng), workerId: junkString(rng).slice(0, 200) }
          : { studyName: junkString(rng), searchSpace: [{ name: 'x', distribution: float(0, 1) }] },
      ),
    ).finish(),
  suggest: (rng) => wire.SuggestRequest.encode(wire.SuggestRequest.fromPartial({ trialId: badTrialId(rng), params: rng.random() < 0.5 ? badSearchSpace(rng) : [] })).finish(),
  report: (rng) =>
    wire.ReportRequest.encode({ trialId: badTrialId(rng), step: pick(rng, [-1, -(2 ** 40), 0, 5, 2 ** 52]), value: anyNumber(rng), workerId: junkString(rng).slice(0, 300), requestId: '' }).finish(),
  tell: (rng) =>
    wire.TellRequest.encode(
      wire.TellRequest.fromPartial({ trialId: badTrialId(rng), state: rng.int(10), values: Array.from({ length: rng.int(4) }, () => anyNumber(rng)), failReason: junkString(rng).slice(0, 5000) }),
    ).finish(),
  // Both halves invalid (or missing): even a tell answered as a retry changes nothing, and then the ask is refused.
  tellAndAsk: (rng) => {
    const tell = wire.TellRequest.decode(INVALID.tell(rng));
    const ask = wire.AskRequest.decode(INVALID.ask(rng));
    return wire.TellAndAskRequest.encode(pick(rng, [{ tell, ask }, { tell, ask }, { ask }, { tell }])).finish();
  },
  heartbeat: (rng) => wire.HeartbeatRequest.encode({ trialId: badTrialId(rng), workerId: junkString(rng).slice(0, 300) }).finish(),
  enqueueTrial: (rng) =>
    wire.EnqueueTrialRequest.encode(
      wire.EnqueueTrialRequest.fromPartial(
        rng.random() < 0.7
          ? {
              studyName: STUDY,
              ...pick(rng, [
                { params: [{ name: 'x', value: num(nonFinite(rng)) }] },
                { params: [{ name: 'x' }] },
                { params: [{ name: '', value: num(1) }] },
                { params: [{ name: 'x', value: num(1) }, { name: 'x', value: num(2) }] },
                { params: Array.from({ length: 1001 }, (_, i) => ({ name: `p${i}`, value: num(i) })) },
                { params: [{ name: 'x', value: { kind: { $case: 'stringValue' as const, value: 's'.repeat(2000) } } }] },
                { params: [{ name: 'x', value: num(0.5) }], userAttrs: [{ key: 'a', value: badAttrValue(rng) }] },
              ]),
            }
          : { studyName: junkString(rng), params: [{ name: 'x', value: num(0.5) }] },
      ),
    ).finish(),
  getTrial: (rng) => wire.GetTrialRequest.encode({ trialId: badTrialId(rng), studyName: pick(rng, ['', STUDY, junkString(rng)]), number: rng.int(2 ** 32) }).finish(),
  listTrials: (rng) =>
    wire.ListTrialsRequest.encode({ studyName: pick(rng, [STUDY, junkString(rng)]), states: Array.from({ length: rng.int(20) }, () => rng.int(9)), pageSize: rng.int(2 ** 32), pageToken: junkString(rng) }).finish(),
  getBestTrials: (rng) => wire.GetBestTrialsRequest.encode({ studyName: pick(rng, [STUDY, junkString(rng)]) }).finish(),
  setTrialUserAttr: (rng) =>
    wire.SetTrialUserAttrRequest.encode({ trialId: badTrialId(rng), key: pick(rng, ['', 'k'.repeat(257), 'ok']), value: badAttrValue(rng) }).finish(),
};

/** Requests no schema can express: raw bytes with hostile shapes. */
function hostileBytes(rng: Rng): Buffer {
  return pick(rng, [
    () => randomBytes(rng, rng.int(2000)),
    () => Buffer.concat([varint64Field(1, 2n ** 60n), varint64Field(2, 2n ** 63n)]), // int64 beyond 2^53
    () => varint64Field(1, -5n), // a negative trial id
    () => Buffer.concat([varint64Field(1, BigInt(pick(rng, finishedTrialIds))), field(2, Buffer.from('k')), field(3, deepValueBytes(pick(rng, [33, 1000, 20_000, 200_000])))]),
    () => Buffer.concat([field(1, Buffer.from(STUDY)), field(2, Buffer.from('k')), field(3, deepValueBytes(pick(rng, [40, 5000, 100_000])))]),
    () => Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]), // a length far beyond the message
    () => Buffer.from([0x0b, 0x0c]), // deprecated group wire types
    () => Buffer.from([0x0f]), // wire type 7
  ])();
}

/** Where a message goes: study-naming messages only to their own RPC; others anywhere (type confusion). */
function nextCall(rng: Rng): { rpc: HpoRpcName; bytes: Uint8Array; metadata: Metadata } {
  const metadata = new Metadata();
  const kind = rng.random();
  let rpc = pick(rng, RPCS);
  let bytes: Uint8Array;
  if (kind < 0.4) bytes = INVALID[rpc](rng);
  else if (kind < 0.55) {
    // Type confusion, from RPCs whose messages name no existing study.
    bytes = INVALID[pick(rng, ['createStudy', 'suggest', 'report', 'tell', 'heartbeat', 'getTrial'] as const)](rng);
  } else if (kind < 0.65) {
    const source = Buffer.from(INVALID.createStudy(rng));
    for (let i = 0; i < 1 + rng.int(4) && source.length > 0; i++) source[rng.int(source.length)] ^= 1 << rng.int(8);
    bytes = rng.random() < 0.3 ? source.subarray(0, rng.int(source.length + 1)) : source;
  } else if (kind < 0.9) {
    bytes = hostileBytes(rng);
    // Raw bytes that could name the study (the deep-attribute one) only go where the study-attr RPC tolerates it.
    if (Buffer.from(bytes).includes(STUDY)) rpc = 'setStudyUserAttr';
  } else {
    bytes = INVALID[rpc](rng);
    metadata.set('authorization', pick(rng, [`Bearer ${junkString(rng).slice(0, 4000).replace(/[^\x20-\x7e]/g, 'a')}`, 'Bearer', 'Basic Zm9vOmJhcg==', ADMIN]));
    return { rpc, bytes, metadata };
  }
  metadata.set('authorization', `Bearer ${ADMIN}`);
  return { rpc, bytes, metadata };
}

function send(call: { rpc: HpoRpcName; bytes: Uint8Array; metadata: Metadata }): Promise<string> {
  return new Promise((resolve) => {
    client.makeUnaryRequest(
      HpoServiceService[call.rpc].path,
      (b: Uint8Array) => Buffer.from(b),
      (b: Buffer) => b,
      call.bytes,
      call.metadata,
      { deadline: Date.now() + 30_000 },
      (error: ServiceError | null) => resolve(error ? status[error.code] : 'OK'),
    );
  });
}

describeStores('fuzz over gRPC', (stores: StoreFactory) => {
  beforeAll(async () => {
    server = await startSecureServer({ auth: 'tokens', tokensFile: `fuzzer:admin:${ADMIN}\n`, stores });
    finishedTrialIds.length = 0;
    await server.service.createStudy({ name: STUDY, directions: ['minimize'], userAttrs: { team: 'a' } });
    for (const state of ['COMPLETE', 'FAIL', 'PRUNED', 'COMPLETE'] as const) {
      const asked = await server.service.ask({ studyName: STUDY, searchSpace: { x: { kind: 'float', low: 0, high: 1, log: false } } });
      if (asked.kind !== 'trial') throw new Error('study done');
      await server.service.report({ trialId: asked.trial.id, step: 0, value: 1 });
      await server.service.tell({ trialId: asked.trial.id, state, values: state === 'COMPLETE' ? [0.5] : undefined });
      finishedTrialIds.push(asked.trial.id);
    }
    client = new Client(server.address, credentials.createInsecure(), { 'grpc.max_send_message_length': -1 });
  }, 120_000);
  afterAll(async () => {
    client?.close();
    await server?.stop();
  });

  describe('a few thousand random and malformed messages over a real connection', () => {
    it('leave the server up, every table unchanged, and no error unmapped', async () => {
      const before = await server.snapshot();
      const rng = createRng('fuzz-over-grpc', Number(process.env.FUZZ_SEED ?? 1));
      const outcomes = new Map<string, number>();
      const byRpc = new Map<string, string[]>();
      const accepted: string[] = [];
      for (let sent = 0; sent < MESSAGES; sent += 8) {
        const calls = Array.from({ length: 8 }, () => nextCall(rng));
        const results = await Promise.all(calls.map(send));
        results.forEach((outcome, i) => {
          outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
          if (outcome === 'INTERNAL' || outcome === 'UNKNOWN' || outcome === 'DEADLINE_EXCEEDED' || outcome === 'UNAVAILABLE')
            byRpc.set(outcome, [...(byRpc.get(outcome) ?? []), calls[i].rpc]);
          // A mutating RPC that succeeded (e.g. a tell repeating a finished trial's outcome, answered as a retry):
          // kept to explain a changed table, should there be one.
          if (outcome === 'OK' && !READ_ONLY.has(calls[i].rpc)) {
            const decoded = HpoServiceService[calls[i].rpc].requestDeserialize(Buffer.from(calls[i].bytes));
            accepted.push(`${calls[i].rpc} ${JSON.stringify(decoded).slice(0, 300)}`);
          }
        });
      }
      console.log('fuzz outcomes', Object.fromEntries([...outcomes].sort()));
      // What the server logged about calls that ended INTERNAL (unmapped errors), once each, for the failure message.
      const unmapped = [
        ...new Set(
          server.logLines
            .map((line) => JSON.parse(line) as { level: number; msg?: string; method?: string; err?: { message?: string } })
            .filter((entry) => entry.level >= 50)
            .map((entry) => `${entry.method ?? ''} ${entry.msg ?? ''}: ${entry.err?.message?.slice(0, 200) ?? ''}`),
        ),
      ];
      if (unmapped.length > 0) console.log('unmapped errors', unmapped);
      expect(Object.fromEntries(byRpc)).toEqual({});
      const after = await server.snapshot();
      expect(after === before ? [] : accepted).toEqual([]);
      expect(after).toBe(before);
      expect(await checkHealth(server.address)).toBe('SERVING');
      // And it still does its job.
      const ok = await send({
        rpc: 'getStudy',
        bytes: wire.GetStudyRequest.encode({ studyName: STUDY }).finish(),
        metadata: (() => {
          const m = new Metadata();
          m.set('authorization', `Bearer ${ADMIN}`);
          return m;
        })(),
      });
      expect(ok).toBe('OK');
      expect(server.logLines.join('\n')).not.toContain(ADMIN);
    }, 600_000);
  });
});
