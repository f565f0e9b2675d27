import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/core/errors.js';
import {
  AskRequest,
  CreateStudyRequest,
  EnqueueTrialRequest,
  HpoServiceService,
  ListStudiesRequest,
  ListTrialsRequest,
  SetStudyUserAttrRequest,
  SetTrialUserAttrRequest,
  SuggestRequest,
  TellRequest,
} from '../../src/generated/hpo/v1/hpo_service.js';
import type { HpoRpcName } from '../../src/server/auth/rpc-scopes.js';
import { DEFAULT_LIMITS, type Limits } from '../../src/server/limits.js';
import { type RequestOf, checkRequestLimits } from '../../src/server/request-limits.js';

const limits: Limits = {
  ...DEFAULT_LIMITS,
  maxParamsPerTrial: 3,
  maxCategoricalChoices: 4,
  maxObjectives: 2,
  maxConstraints: 2,
  maxUserAttrsPerRequest: 2,
  maxAttrValueBytes: 100,
  maxFailReasonLength: 10,
  maxStateFilters: 2,
  maxStudiesPageSize: 5,
  maxTrialsPageSize: 7,
  maxStringValueLength: 8,
};

const float = { kind: { $case: 'float' as const, value: { low: 0, high: 1, log: false } } };
const categorical = (n: number, text = 'a') => ({
  kind: { $case: 'categorical' as const, value: { choices: Array.from({ length: n }, () => ({ kind: { $case: 'stringValue' as const, value: text } })) } },
});
const specs = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `p${i}`, distribution: float }));
const attrs = (n: number, value: unknown = 1) => Array.from({ length: n }, (_, i) => ({ key: `k${i}`, value }));
function nested(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

function refusal<R extends HpoRpcName>(rpc: R, request: RequestOf<R>): string | undefined {
  try {
    checkRequestLimits(rpc, request, limits);
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidArgumentError);
    return (error as Error).message;
  }
}

describe('checkRequestLimits', () => {
  it('passes requests exactly at every limit', () => {
    expect(refusal('ask', AskRequest.fromPartial({ searchSpace: [...specs(2), { name: 'c', distribution: categorical(4, '12345678') }] }))).toBeUndefined();
    expect(refusal('createStudy', CreateStudyRequest.fromPartial({ directions: [1, 2], userAttrs: attrs(2) }))).toBeUndefined();
    expect(refusal('tell', TellRequest.fromPartial({ values: [1, 2], constraints: [0, 0], failReason: '0123456789' }))).toBeUndefined();
    expect(refusal('listStudies', ListStudiesRequest.fromPartial({ pageSize: 5 }))).toBeUndefined();
    expect(refusal('listTrials', ListTrialsRequest.fromPartial({ pageSize: 7, states: [1, 2] }))).toBeUndefined();
    expect(refusal('setStudyUserAttr', SetStudyUserAttrRequest.fromPartial({ value: 'x'.repeat(98) }))).toBeUndefined();
  });

  it.each<[string, HpoRpcName, unknown, string]>([
    ['a search space', 'ask', AskRequest.fromPartial({ searchSpace: specs(4) }), 'search_space: at most 3 parameters per trial allowed, got 4'],
    ['one suggest', 'suggest', SuggestRequest.fromPartial({ params: specs(4) }), 'params: at most 3 parameters per trial allowed, got 4'],
    [
      'categorical choices',
      'ask',
      AskRequest.fromPartial({ searchSpace: [{ name: 'c', distribution: categorical(5) }] }),
      'search_space[0].distribution.categorical.choices: at most 4 choices allowed, got 5',
    ],
    [
      'a categorical string',
      'suggest',
      SuggestRequest.fromPartial({ params: [{ name: 'c', distribution: categorical(1, '123456789') }] }),
      'params[0].distribution.categorical.choices[0].string_value: at most 8 characters allowed, got 9',
    ],
    ['directions', 'createStudy', CreateStudyRequest.fromPartial({ directions: [1, 2, 1] }), 'directions: at most 2 directions allowed, got 3'],
    ['study attributes', 'createStudy', CreateStudyRequest.fromPartial({ userAttrs: attrs(3) }), 'user_attrs: at most 2 attributes allowed, got 3'],
    [
      'an attribute value size',
      'createStudy',
      CreateStudyRequest.fromPartial({ userAttrs: attrs(1, { text: 'x'.repeat(200) }) }),
      'user_attrs[0].value: at most 100 bytes of JSON allowed',
    ],
    [
      'grid axes',
      'createStudy',
      CreateStudyRequest.fromPartial({
        sampler: { kind: { $case: 'grid', value: { axes: Array.from({ length: 4 }, (_, i) => ({ name: `a${i}`, values: [] })) } } },
      }),
      'sampler.grid.axes: at most 3 axes (parameters per trial) allowed, got 4',
    ],
    [
      'grid values',
      'createStudy',
      CreateStudyRequest.fromPartial({
        sampler: { kind: { $case: 'grid', value: { axes: [{ name: 'a', values: categorical(5).kind.value.choices }] } } },
      }),
      'sampler.grid.axes[0].values: at most 4 values per axis allowed, got 5',
    ],
    ['tell values', 'tell', TellRequest.fromPartial({ values: [1, 2, 3] }), 'values: at most 2 values allowed, got 3'],
    ['tell constraints', 'tell', TellRequest.fromPartial({ constraints: [1, 2, 3] }), 'constraints: at most 2 constraint values allowed, got 3'],
    ['a fail reason', 'tell', TellRequest.fromPartial({ failReason: 'x'.repeat(11) }), 'fail_reason: at most 10 characters allowed, got 11'],
    ['enqueued params', 'enqueueTrial', EnqueueTrialRequest.fromPartial({ params: specs(4).map(({ name }) => ({ name })) }), 'params: at most 3 parameters per trial allowed, got 4'],
    [
      'an enqueued string value',
      'enqueueTrial',
      EnqueueTrialRequest.fromPartial({ params: [{ name: 'a', value: { kind: { $case: 'stringValue', value: 'x'.repeat(9) } } }] }),
      'params[0].value.string_value: at most 8 characters allowed, got 9',
    ],
    ['enqueued attributes', 'enqueueTrial', EnqueueTrialRequest.fromPartial({ userAttrs: attrs(3) }), 'user_attrs: at most 2 attributes allowed, got 3'],
    ['a studies page', 'listStudies', ListStudiesRequest.fromPartial({ pageSize: 6 }), 'page_size: at most 5 studies per page allowed, got 6'],
    ['a trials page', 'listTrials', ListTrialsRequest.fromPartial({ pageSize: 8 }), 'page_size: at most 7 trials per page allowed, got 8'],
    ['state filters', 'listTrials', ListTrialsRequest.fromPartial({ states: [1, 1, 1] }), 'states: at most 2 states allowed, got 3'],
    ['a study attribute', 'setStudyUserAttr', SetStudyUserAttrRequest.fromPartial({ value: 'x'.repeat(99) }), 'value: at most 100 bytes of JSON allowed'],
    ['a trial attribute', 'setTrialUserAttr', SetTrialUserAttrRequest.fromPartial({ value: { a: ['é'.repeat(60)] } }), 'value: at most 100 bytes of JSON allowed'],
  ])('refuses too many or too large: %s', (_, rpc, request, message) => {
    expect(refusal(rpc, request as RequestOf<typeof rpc>)).toContain(message);
  });

  it('measures an attribute nested far deeper than the stack allows without overflowing', () => {
    const deep = nested(200_000);
    expect(refusal('setTrialUserAttr', { trialId: 1, key: 'k', value: deep })).toContain('bytes of JSON');
    expect(() => checkRequestLimits('setTrialUserAttr', SetTrialUserAttrRequest.fromPartial({ value: nested(50) }), DEFAULT_LIMITS)).not.toThrow();
  });

  it('has a check for every RPC, and accepts the empty request of every RPC', () => {
    for (const rpc of Object.keys(HpoServiceService) as HpoRpcName[])
      expect(() => checkRequestLimits(rpc, HpoServiceService[rpc].requestDeserialize(Buffer.alloc(0)) as never, DEFAULT_LIMITS)).not.toThrow();
  });
});
