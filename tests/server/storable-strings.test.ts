import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/core/errors.js';
import { AskRequest, CreateStudyRequest, EnqueueTrialRequest, SetTrialUserAttrRequest } from '../../src/generated/hpo/v1/hpo_service.js';
import { checkStorableStrings } from '../../src/server/storable-strings.js';

function refusal(request: unknown): string | undefined {
  try {
    checkStorableStrings(request);
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidArgumentError);
    return (error as Error).message;
  }
}

describe('checkStorableStrings', () => {
  it('accepts ordinary text, including non-ASCII', () => {
    expect(refusal(CreateStudyRequest.fromPartial({ name: 'résumé-学習', userAttrs: [{ key: 'k', value: { a: ['ü', 1, null] } }] }))).toBeUndefined();
  });

  it('refuses NUL anywhere, naming the field in proto style', () => {
    expect(refusal(CreateStudyRequest.fromPartial({ name: 'a\u0000b' }))).toBe('name: must not contain the NUL character (U+0000)');
    expect(refusal(AskRequest.fromPartial({ studyName: 's', workerId: '\u0000' }))).toMatch(/^worker_id: /);
    expect(
      refusal(
        AskRequest.fromPartial({
          studyName: 's',
          searchSpace: [{ name: 'c', distribution: { kind: { $case: 'categorical', value: { choices: [{ kind: { $case: 'stringValue', value: 'x\u0000' } }] } } } }],
        }),
      ),
    ).toMatch(/^search_space\[0\]\.distribution\.categorical\.choices\[0\]\.string_value: /);
    expect(refusal(EnqueueTrialRequest.fromPartial({ studyName: 's', userAttrs: [{ key: 'k', value: { deep: ['ok', 'no\u0000'] } }] }))).toMatch(
      /^user_attrs\[0\]\.value\.deep\[1\]: /,
    );
    expect(refusal(SetTrialUserAttrRequest.fromPartial({ trialId: 1, key: 'k', value: { ['bad\u0000key']: 1 } }))).toMatch(/^value: keys must not/);
  });

  it('walks values nested far deeper than the stack allows', () => {
    let value: unknown = 'end\u0000';
    for (let i = 0; i < 200_000; i++) value = [value];
    expect(refusal({ trialId: 1, key: 'k', value })).toMatch(/NUL/);
  });
});
