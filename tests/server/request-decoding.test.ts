import { describe, expect, it } from 'vitest';
import { BinaryWriter } from '@bufbuild/protobuf/wire';
import { InvalidArgumentError } from '../../src/core/errors.js';
import { AskRequest, HpoServiceService, ReportRequest } from '../../src/generated/hpo/v1/hpo_service.js';
import { decodeRequest, isDecodeFailure } from '../../src/server/request-decoding.js';

const TOO_BIG = 2n ** 53n + 1n;

describe('decodeRequest', () => {
  it('decodes a good request unchanged', () => {
    const bytes = Buffer.from(ReportRequest.encode({ trialId: 3, step: 9, value: 0.5, workerId: '', requestId: '' }).finish());
    expect(decodeRequest('report', bytes, HpoServiceService.report.requestDeserialize)).toMatchObject({ trialId: 3, step: 9 });
  });

  it('names a top-level int64 beyond 2^53', () => {
    const bytes = Buffer.from(new BinaryWriter().uint32(8).int64(7).uint32(16).int64(TOO_BIG).finish());
    const result = decodeRequest('report', bytes, HpoServiceService.report.requestDeserialize);
    expect(isDecodeFailure(result)).toBe(true);
    if (!isDecodeFailure(result)) return;
    expect(result.decodeFailure).toBeInstanceOf(InvalidArgumentError);
    expect(result.decodeFailure.field).toBe('step');
  });

  it('names a nested int64 with its repeated index', () => {
    const w = new BinaryWriter();
    w.uint32(10).string('study');
    const good = AskRequest.encode({
      studyName: '',
      workerId: '',
      requestId: '',
      searchSpace: [{ name: 'a', distribution: { kind: { $case: 'int', value: { low: 0, high: 3, log: false } } } }],
    }).finish();
    w.raw(good);
    // search_space[1] = { name: 'b', distribution: { int: { low: 0, high: 2^53 + 1 } } }
    const intDist = new BinaryWriter().uint32(8).int64(0).uint32(16).int64(TOO_BIG).finish();
    const dist = new BinaryWriter().uint32(18).bytes(intDist).finish();
    const spec = new BinaryWriter().uint32(10).string('b').uint32(18).bytes(dist).finish();
    w.uint32(18).bytes(spec);
    const result = decodeRequest('ask', Buffer.from(w.finish()), HpoServiceService.ask.requestDeserialize);
    expect(isDecodeFailure(result) && result.decodeFailure.field).toBe('search_space[1].distribution.int.high');
  });

  it('reports garbage as an undecodable request', () => {
    const result = decodeRequest('getStudy', Buffer.from([0xff, 0xff, 0xff]), HpoServiceService.getStudy.requestDeserialize);
    expect(isDecodeFailure(result) && result.decodeFailure.field).toBe('request');
  });
});
