import { describe, expect, it } from 'vitest';
import type { CreateStudyRequest } from '../../../src/generated/hpo/v1/hpo_service.js';
import { Direction, StudyState } from '../../../src/generated/hpo/v1/study.js';
import type { StudyRecord } from '../../../src/service/hpo-service.js';
import { createStudyInputFromWire, studyToWire } from '../../../src/server/convert/study.js';
import { fieldOf } from './field-of.js';

const request = (overrides: Partial<CreateStudyRequest> = {}): CreateStudyRequest => ({
  name: 'mnist',
  directions: [Direction.DIRECTION_MINIMIZE],
  userAttrs: [],
  loadIfExists: false,
  requestId: '',
  ...overrides,
});

describe('createStudyInputFromWire', () => {
  it('fills the defaults: TPE, nop pruner, no request id', () => {
    expect(createStudyInputFromWire(request())).toEqual({
      name: 'mnist',
      directions: ['minimize'],
      sampler: { kind: 'tpe', options: {} },
      pruner: { kind: 'nop' },
      userAttrs: {},
      loadIfExists: false,
    });
  });

  it('carries seed, budget, failure policy, attributes and request id', () => {
    const input = createStudyInputFromWire(
      request({
        directions: [Direction.DIRECTION_MAXIMIZE, Direction.DIRECTION_MINIMIZE],
        seed: 0,
        maxTrials: 50,
        failurePolicy: { heartbeatGraceSeconds: 30 },
        userAttrs: [{ key: 'owner', value: { team: 'vision', ids: [1, 2] } }],
        requestId: 'r-1',
        loadIfExists: true,
      }),
    );
    expect(input).toMatchObject({
      directions: ['maximize', 'minimize'],
      seed: 0,
      maxTrials: 50,
      failurePolicy: { heartbeatGraceSeconds: 30 },
      userAttrs: { owner: { team: 'vision', ids: [1, 2] } },
      requestId: 'r-1',
      loadIfExists: true,
    });
  });

  it('names the bad field', () => {
    expect(fieldOf(() => createStudyInputFromWire(request({ name: '' })))).toBe('name');
    expect(fieldOf(() => createStudyInputFromWire(request({ name: 'n'.repeat(257) })))).toBe('name');
    expect(fieldOf(() => createStudyInputFromWire(request({ directions: [] })))).toBe('directions');
    expect(
      fieldOf(() => createStudyInputFromWire(request({ directions: [Direction.DIRECTION_MINIMIZE, Direction.DIRECTION_UNSPECIFIED] }))),
    ).toBe('directions[1]');
    expect(fieldOf(() => createStudyInputFromWire(request({ directions: [7 as Direction] })))).toBe('directions[0]');
    expect(fieldOf(() => createStudyInputFromWire(request({ userAttrs: [{ key: 'a', value: 1 }, { key: 'a', value: 2 }] })))).toBe(
      'user_attrs[1].key',
    );
    expect(fieldOf(() => createStudyInputFromWire(request({ userAttrs: [{ key: 'a', value: undefined }] })))).toBe('user_attrs[0].value');
    expect(fieldOf(() => createStudyInputFromWire(request({ sampler: { kind: undefined } })))).toBe('sampler');
    expect(fieldOf(() => createStudyInputFromWire(request({ requestId: 'r'.repeat(300) })))).toBe('request_id');
  });
});

describe('studyToWire', () => {
  it('writes every field of the record', () => {
    const created = new Date('2026-11-26T10:00:00.000Z');
    const record: StudyRecord = {
      id: 7,
      name: 'mnist',
      directions: ['minimize', 'maximize'],
      sampler: { kind: 'random' },
      pruner: { kind: 'median', options: { nStartupTrials: 3 } },
      seed: 42,
      userAttrs: { owner: 'me' },
      createdAt: created,
      maxTrials: null,
      failurePolicy: { heartbeatGraceSeconds: 60, maxRetries: 1, countFailedTrials: true },
      state: 'DONE',
      trialCounts: { WAITING: 1, RUNNING: 2, COMPLETE: 3, PRUNED: 4, FAIL: 5 },
    };
    expect(studyToWire(record)).toEqual({
      name: 'mnist',
      directions: [Direction.DIRECTION_MINIMIZE, Direction.DIRECTION_MAXIMIZE],
      sampler: { kind: { $case: 'random', value: {} } },
      pruner: { kind: { $case: 'median', value: { nStartupTrials: 3 } } },
      seed: 42,
      userAttrs: [{ key: 'owner', value: 'me' }],
      createdAt: created,
      maxTrials: undefined,
      failurePolicy: { heartbeatGraceSeconds: 60, maxRetries: 1, countFailedTrials: true },
      state: StudyState.STUDY_STATE_DONE,
      trialCounts: { waiting: 1, running: 2, complete: 3, pruned: 4, fail: 5 },
    });
  });
});
