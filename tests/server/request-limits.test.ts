import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/core/errors.js';
import {
  AskRequest,
  CreateStudyRequest,
  EnqueueTrialRequest,
  HpoServiceService,
  ListStudiesRequest,
  ListTrialsRequest,
  SuggestRequest,
  TellAndAskRequest,
  TellRequest,
} from '../../src/generated/hpo/v1/hpo_service.js';
import type { HpoRpcName } from '../../src/server/auth/rpc-scopes.js';
import { DEFAULT_LIMITS, type Limits } from '../../src/server/limits.js';
import { type RequestOf, checkRequestLimits } from '../../src/server/request-limits.js';

const limits: Limits = {
  ...DEFAULT_LIMITS,
  maxParamsPerTrial: 3,
  maxCategoricalChoices: 4,
  maxConstraints: 2,
  maxUserAttrsPerRequest: 2,
  maxStateFilters: 2,
  maxStringValueLength: 8,
};

const float = { kind: { $case: 'float' as const, value: { low: 0, high: 1, log: false } } };
const categorical = (n: number, text = 'a') => ({
  kind: { $case: 'categorical' as const, value: { choices: Array.from({ length: n }, () => ({ kind: { $case: 'stringValue' as const, value: text } })) } },
});
const specs = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `p${i}`, distribution: float }));
const attrs = (n: number, value: unknown = 1) => Array.from({ length: n }, (_, i) => ({ key: `k${i}`, value }));

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
  it('passes requests exactly at every limit, and leaves to the service what it bounds', () => {
    expect(refusal('ask', AskRequest.fromPartial({ searchSpace: [...specs(2), { name: 'c', distribution: categorical(4, '12345678') }] }))).toBeUndefined();
    expect(refusal('ask', AskRequest.fromPartial({ searchSpace: specs(10) }))).toBeUndefined();
    expect(refusal('suggest', SuggestRequest.fromPartial({ params: specs(10) }))).toBeUndefined();
    expect(refusal('createStudy', CreateStudyRequest.fromPartial({ directions: [1, 2, 1, 2], userAttrs: attrs(2, 'x'.repeat(1000)) }))).toBeUndefined();
    expect(refusal('tell', TellRequest.fromPartial({ values: [1, 2, 3], constraints: [0, 0], failReason: 'x'.repeat(5000) }))).toBeUndefined();
    expect(refusal('listStudies', ListStudiesRequest.fromPartial({ pageSize: 1_000_000 }))).toBeUndefined();
    expect(refusal('listTrials', ListTrialsRequest.fromPartial({ states: [1, 2] }))).toBeUndefined();
    expect(refusal('enqueueTrial', EnqueueTrialRequest.fromPartial({ params: specs(3).map(({ name }) => ({ name })), userAttrs: attrs(2) }))).toBeUndefined();
  });

  it.each<[string, HpoRpcName, unknown, string]>([
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
    ['study attributes', 'createStudy', CreateStudyRequest.fromPartial({ userAttrs: attrs(3) }), 'user_attrs: at most 2 attributes allowed, got 3'],
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
    [
      'a grid string',
      'createStudy',
      CreateStudyRequest.fromPartial({
        sampler: { kind: { $case: 'grid', value: { axes: [{ name: 'a', values: categorical(1, '123456789').kind.value.choices }] } } },
      }),
      'sampler.grid.axes[0].values[0].string_value: at most 8 characters allowed, got 9',
    ],
    ['tell constraints', 'tell', TellRequest.fromPartial({ constraints: [1, 2, 3] }), 'constraints: at most 2 constraint values allowed, got 3'],
    ['constraints of a tell-and-ask', 'tellAndAsk', TellAndAskRequest.fromPartial({ tell: { constraints: [1, 2, 3] }, ask: {} }), 'tell.constraints: at most 2 constraint values allowed, got 3'],
    [
      'categorical choices of a tell-and-ask',
      'tellAndAsk',
      TellAndAskRequest.fromPartial({ tell: {}, ask: { searchSpace: [{ name: 'c', distribution: categorical(5) }] } }),
      'ask.search_space[0].distribution.categorical.choices: at most 4 choices allowed, got 5',
    ],
    ['enqueued params', 'enqueueTrial', EnqueueTrialRequest.fromPartial({ params: specs(4).map(({ name }) => ({ name })) }), 'params: at most 3 parameters per trial allowed, got 4'],
    [
      'an enqueued string value',
      'enqueueTrial',
      EnqueueTrialRequest.fromPartial({ params: [{ name: 'a', value: { kind: { $case: 'stringValue', value: 'x'.repeat(9) } } }] }),
      'params[0].value.string_value: at most 8 characters allowed, got 9',
    ],
    ['enqueued attributes', 'enqueueTrial', EnqueueTrialRequest.fromPartial({ userAttrs: attrs(3) }), 'user_attrs: at most 2 attributes allowed, got 3'],
    ['state filters', 'listTrials', ListTrialsRequest.fromPartial({ states: [1, 1, 1] }), 'states: at most 2 states allowed, got 3'],
  ])('refuses too many or too large: %s', (_, rpc, request, message) => {
    expect(refusal(rpc, request as RequestOf<typeof rpc>)).toBe(message);
  });

  it('has a check for every RPC, and accepts the empty request of every RPC', () => {
    for (const rpc of Object.keys(HpoServiceService) as HpoRpcName[])
      expect(() => checkRequestLimits(rpc, HpoServiceService[rpc].requestDeserialize(Buffer.alloc(0)) as never, DEFAULT_LIMITS)).not.toThrow();
  });
});
