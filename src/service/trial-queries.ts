import { InvalidArgumentError, NotFoundError } from '../core/errors.js';
import type { Json } from '../core/json.js';
import type { TrialState } from '../core/trial.js';
import { findStudyById, findStudyByName } from '../storage/study-repository.js';
import {
  findTrialById,
  findTrialByNumber,
  listTrialRows,
  readIntermediateValues,
  setTrialUserAttr as storeTrialUserAttr,
} from '../storage/trial-repository.js';
import type { Page, TrialRecord } from './hpo-service.js';
import {
  LIMITS,
  serializeJson,
  validateAttrKey,
  validatePageSize,
  validateStudyName,
  validateTrialId,
  validateTrialStates,
} from './limits.js';
import { decodePageToken, encodePageToken } from './page-token.js';
import { inTransaction, read, type ServiceContext } from './service-context.js';
import { groupIntermediateValues, trialRecordOf } from './trial-record.js';

export async function getTrial(
  ctx: ServiceContext,
  input: { trialId: number } | { studyName: string; number: number },
): Promise<TrialRecord> {
  return read(ctx, async (db) => {
    let row;
    let studyName: string;
    if ('trialId' in input) {
      const id = validateTrialId(input.trialId);
      row = await findTrialById(db, id);
      if (!row) throw new NotFoundError('trial', String(id));
      const study = await findStudyById(db, row.study_id);
      if (!study) throw new NotFoundError('trial', String(id));
      studyName = study.name;
    } else {
      studyName = validateStudyName(input.studyName, 'study_name');
      if (!Number.isSafeInteger(input.number) || input.number < 0)
        throw new InvalidArgumentError('number', `must be an integer >= 0, got ${input.number}`);
      const study = await findStudyByName(db, studyName);
      if (!study) throw new NotFoundError('study', studyName);
      row = await findTrialByNumber(db, study.id, input.number);
      if (!row) throw new NotFoundError('trial', `${studyName}#${input.number}`);
    }
    const values = groupIntermediateValues(await readIntermediateValues(db, [row.id])).get(row.id) ?? new Map();
    return trialRecordOf(row, values, studyName);
  });
}

export async function listTrials(
  ctx: ServiceContext,
  input: { studyName: string; states?: readonly TrialState[]; pageSize?: number; pageToken?: string },
): Promise<Page<TrialRecord>> {
  const studyName = validateStudyName(input.studyName, 'study_name');
  const states = validateTrialStates(input.states);
  const size = validatePageSize(input.pageSize, LIMITS.listTrialsDefaultPageSize, LIMITS.listTrialsMaxPageSize);
  return read(ctx, async (db) => {
    const study = await findStudyByName(db, studyName);
    if (!study) throw new NotFoundError('study', studyName);
    const scope = `trials:${study.id}:${(states ?? []).slice().sort().join(',')}`;
    const after = decodePageToken(input.pageToken, scope, -1);
    const rows = await listTrialRows(db, study.id, states, after, size + 1);
    const page = rows.slice(0, size);
    const values = groupIntermediateValues(await readIntermediateValues(db, page.map((r) => r.id)));
    return {
      items: page.map((r) => trialRecordOf(r, values.get(r.id) ?? new Map(), study.name)),
      nextPageToken: rows.length > size ? encodePageToken(scope, page[page.length - 1].number) : '',
    };
  });
}

export async function setTrialUserAttr(
  ctx: ServiceContext,
  input: { trialId: number; key: string; value: Json },
): Promise<void> {
  const trialId = validateTrialId(input.trialId);
  const key = validateAttrKey(input.key);
  const valueJson = serializeJson(input.value, 'value');
  await inTransaction(ctx, async (trx) => {
    const row = await findTrialById(trx, trialId);
    if (!row) throw new NotFoundError('trial', String(trialId));
    await storeTrialUserAttr(trx, trialId, key, valueJson);
  });
}
