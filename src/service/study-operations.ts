import { randomInt } from 'node:crypto';
import { AlreadyExistsError, InvalidArgumentError, NotFoundError } from '../core/errors.js';
import type { Json } from '../core/json.js';
import { createPruner } from '../../pruners/create-pruner.js';
import { DEFAULT_PRUNER_SPEC, type PrunerSpec } from '../../pruners/pruner-spec.js';
import { createSampler } from '../../samplers/create-sampler.js';
import { DEFAULT_SAMPLER_SPEC, type SamplerSpec } from '../../samplers/sampler-spec.js';
import type { StudyRow } from '../storage/database.js';
import { isUniqueViolation } from '../storage/storage-errors.js';
import {
  countTrialsByState,
  deleteStudyByName,
  findStudyByName,
  insertStudy,
  listStudyRows,
  lockStudyByName,
  setStudyUserAttr as storeStudyUserAttr,
} from '../storage/study-repository.js';
import type { CreateStudyInput, Page, StudyRecord } from './hpo-service.js';
import { recallResponse, rememberResponse } from './idempotency.js';
import {
  LIMITS,
  serializeJson,
  serializeUserAttrs,
  validateAttrKey,
  validateDirections,
  validatePageSize,
  validateRequestId,
  validateStudyName,
} from './limits.js';
import { decodePageToken, encodePageToken } from './page-token.js';
import { inTransaction, read, type ServiceContext } from './service-context.js';
import { studyRecordOf } from './study-record.js';

const DEFAULT_HEARTBEAT_GRACE_SECONDS = 60;

interface ValidStudy {
  readonly name: string;
  readonly directions: string[];
  readonly sampler: SamplerSpec;
  readonly pruner: PrunerSpec;
  readonly seed: number;
  readonly userAttrsJson: string;
  readonly maxTrials: number | null;
  readonly heartbeatGraceSeconds: number;
  readonly maxRetries: number;
  readonly countFailedTrials: boolean;
}

function validateCreateStudy(input: CreateStudyInput): ValidStudy {
  const name = validateStudyName(input.name);
  const directions = validateDirections(input.directions);
  const sampler = input.sampler ?? DEFAULT_SAMPLER_SPEC;
  const pruner = input.pruner ?? DEFAULT_PRUNER_SPEC;
  serializeJson(sampler, 'sampler');
  serializeJson(pruner, 'pruner');
  // Building them is what validates their options (InvalidArgumentError naming the field).
  createSampler(sampler);
  createPruner(pruner, directions.length);
  let seed: number;
  if (input.seed === undefined || input.seed === null) {
    seed = randomInt(0, 2 ** 32 - 1);
  } else {
    if (!Number.isSafeInteger(input.seed) || input.seed < 0 || input.seed > 0xffffffff)
      throw new InvalidArgumentError('seed', `must be an integer in [0, 2^32), got ${input.seed}`);
    seed = input.seed;
  }
  let maxTrials: number | null = null;
  if (input.maxTrials !== undefined && input.maxTrials !== null) {
    if (!Number.isSafeInteger(input.maxTrials) || input.maxTrials < 1 || input.maxTrials > 2 ** 31 - 1)
      throw new InvalidArgumentError('max_trials', `must be a positive integer, got ${input.maxTrials}`);
    maxTrials = input.maxTrials;
  }
  const grace = input.failurePolicy?.heartbeatGraceSeconds ?? DEFAULT_HEARTBEAT_GRACE_SECONDS;
  if (!Number.isSafeInteger(grace) || grace < 0 || grace > LIMITS.maxHeartbeatGraceSeconds)
    throw new InvalidArgumentError(
      'failure_policy.heartbeat_grace_seconds',
      `must be an integer in [0, ${LIMITS.maxHeartbeatGraceSeconds}], got ${grace}`,
    );
  const maxRetries = input.failurePolicy?.maxRetries ?? 0;
  if (!Number.isSafeInteger(maxRetries) || maxRetries < 0 || maxRetries > LIMITS.maxRetries)
    throw new InvalidArgumentError('failure_policy.max_retries', `must be an integer in [0, ${LIMITS.maxRetries}], got ${maxRetries}`);
  return {
    name,
    directions,
    sampler,
    pruner,
    seed,
    userAttrsJson: serializeUserAttrs(input.userAttrs),
    maxTrials,
    heartbeatGraceSeconds: grace,
    maxRetries,
    countFailedTrials: input.failurePolicy?.countFailedTrials === true,
  };
}

function sameDirections(row: StudyRow, directions: readonly string[]): boolean {
  return row.directions.length === directions.length && row.directions.every((d, i) => d === directions[i]);
}

export async function createStudy(
  ctx: ServiceContext,
  input: CreateStudyInput,
): Promise<{ study: StudyRecord; created: boolean }> {
  const study = validateCreateStudy(input);
  const requestId = validateRequestId(input.requestId);
  const attempt = () =>
    inTransaction(ctx, async (trx) => {
      const stored = await recallResponse<{ studyId: number; created: boolean }>(trx, 'CreateStudy', requestId);
      if (stored) {
        const row = await findStudyByName(trx, study.name);
        if (row && row.id === stored.studyId) return { row, created: stored.created };
      }
      const existing = await findStudyByName(trx, study.name);
      if (existing) {
        if (!input.loadIfExists) throw new AlreadyExistsError(`study "${study.name}" already exists`);
        if (!sameDirections(existing, study.directions))
          throw new AlreadyExistsError(
            `study "${study.name}" already exists with directions [${existing.directions.join(', ')}], ` +
              `not [${study.directions.join(', ')}]`,
          );
        await rememberResponse(trx, 'CreateStudy', requestId, { studyId: existing.id, created: false });
        return { row: existing, created: false };
      }
      const row = await insertStudy(trx, {
        name: study.name,
        directions: `{${study.directions.join(',')}}`,
        sampler: JSON.stringify(study.sampler),
        pruner: JSON.stringify(study.pruner),
        seed: study.seed,
        user_attrs: study.userAttrsJson,
        system_attrs: '{}',
        max_trials: study.maxTrials,
        heartbeat_grace_seconds: study.heartbeatGraceSeconds,
        max_retries: study.maxRetries,
        count_failed_trials: study.countFailedTrials,
        state: 'RUNNING',
        created_at: ctx.now().toISOString(),
      });
      await rememberResponse(trx, 'CreateStudy', requestId, { studyId: row.id, created: true });
      return { row, created: true };
    });
  let result: { row: StudyRow; created: boolean };
  try {
    result = await attempt();
  } catch (error) {
    // Two creators raced: the loser sees the winner's row on a second look.
    if (!isUniqueViolation(error)) throw error;
    result = await attempt();
  }
  return { study: studyRecordOf(result.row, {}), created: result.created };
}

async function studyRecord(ctx: ServiceContext, row: StudyRow): Promise<StudyRecord> {
  const counts = await read(ctx, (db) => countTrialsByState(db, [row.id]));
  return studyRecordOf(row, counts.get(row.id));
}

export async function getStudy(ctx: ServiceContext, name: string): Promise<StudyRecord> {
  validateStudyName(name, 'study_name');
  const row = await read(ctx, (db) => findStudyByName(db, name));
  if (!row) throw new NotFoundError('study', name);
  return studyRecord(ctx, row);
}

export async function listStudies(
  ctx: ServiceContext,
  input: { pageSize?: number; pageToken?: string },
): Promise<Page<StudyRecord>> {
  const size = validatePageSize(input.pageSize, LIMITS.listStudiesDefaultPageSize, LIMITS.listStudiesMaxPageSize);
  const after = decodePageToken(input.pageToken, 'studies', 0);
  const rows = await read(ctx, (db) => listStudyRows(db, after, size + 1));
  const page = rows.slice(0, size);
  const counts = await read(ctx, (db) => countTrialsByState(db, page.map((r) => r.id)));
  return {
    items: page.map((r) => studyRecordOf(r, counts.get(r.id))),
    nextPageToken: rows.length > size ? encodePageToken('studies', page[page.length - 1].id) : '',
  };
}

export async function deleteStudy(ctx: ServiceContext, input: { name: string; requestId?: string }): Promise<void> {
  const name = validateStudyName(input.name);
  const requestId = validateRequestId(input.requestId);
  await inTransaction(ctx, async (trx) => {
    if (await recallResponse(trx, 'DeleteStudy', requestId)) return;
    const row = await lockStudyByName(trx, name);
    if (!row) throw new NotFoundError('study', name);
    await deleteStudyByName(trx, name);
    await rememberResponse(trx, 'DeleteStudy', requestId, { studyId: row.id });
    ctx.cache.forget(row.id);
  });
}

export async function setStudyUserAttr(
  ctx: ServiceContext,
  input: { studyName: string; key: string; value: Json },
): Promise<void> {
  const name = validateStudyName(input.studyName, 'study_name');
  const key = validateAttrKey(input.key);
  const valueJson = serializeJson(input.value, 'value');
  // One statement: the update's own row lock is all it needs.
  const found = await read(ctx, (db) => storeStudyUserAttr(db, name, key, valueJson));
  if (!found) throw new NotFoundError('study', name);
}
