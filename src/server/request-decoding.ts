import { BinaryReader, WireType } from '@bufbuild/protobuf/wire';
import { InvalidArgumentError } from '../core/errors.js';

/**
 * ts-proto (forceLong=number) throws while decoding an int64 beyond ±2^53, and grpc-js answers any
 * decoding error with INTERNAL. Requests are decoded through `decodeRequest` instead: a failure becomes a
 * DecodeFailure value the handler answers with INVALID_ARGUMENT, naming the offending field when the
 * message's int64 fields (listed below, from proto/hpo/v1) show which one it is.
 */
export interface DecodeFailure {
  readonly decodeFailure: InvalidArgumentError;
}

export function isDecodeFailure(request: unknown): request is DecodeFailure {
  return typeof request === 'object' && request !== null && 'decodeFailure' in request;
}

/** Field number → proto name and either 'int64' or the nested message's schema. */
interface Schema {
  readonly [fieldNo: number]: { readonly name: string; readonly repeated?: boolean; readonly type: 'int64' | Schema };
}

const INT_DISTRIBUTION: Schema = { 1: { name: 'low', type: 'int64' }, 2: { name: 'high', type: 'int64' }, 4: { name: 'step', type: 'int64' } };
const DISTRIBUTION: Schema = { 2: { name: 'int', type: INT_DISTRIBUTION } };
const PARAM_SPEC: Schema = { 2: { name: 'distribution', type: DISTRIBUTION } };
const TRIAL_ID: Schema = { 1: { name: 'trial_id', type: 'int64' } };

const ASK: Schema = { 2: { name: 'search_space', repeated: true, type: PARAM_SPEC } };

/** The int64 fields of each request, by RPC method name. */
const INT64_FIELDS: Readonly<Record<string, Schema>> = {
  ask: ASK,
  suggest: { ...TRIAL_ID, 2: { name: 'params', repeated: true, type: PARAM_SPEC } },
  report: { ...TRIAL_ID, 2: { name: 'step', type: 'int64' } },
  tell: TRIAL_ID,
  tellAndAsk: { 1: { name: 'tell', type: TRIAL_ID }, 2: { name: 'ask', type: ASK } },
  heartbeat: TRIAL_ID,
  getTrial: TRIAL_ID,
  setTrialUserAttr: TRIAL_ID,
};

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** The proto path of the first int64 outside ±2^53 in `bytes`, or undefined. */
export function findUnsafeInt64(bytes: Uint8Array, schema: Schema, prefix = ''): string | undefined {
  const reader = new BinaryReader(bytes);
  const seen = new Map<number, number>();
  while (reader.pos < reader.len) {
    const [fieldNo, wireType] = reader.tag();
    const field = schema[fieldNo];
    const index = seen.get(fieldNo) ?? 0;
    seen.set(fieldNo, index + 1);
    if (!field) {
      reader.skip(wireType);
      continue;
    }
    const path = `${prefix}${field.name}${field.repeated ? `[${index}]` : ''}`;
    if (field.type === 'int64' && wireType === WireType.Varint) {
      const value = BigInt(reader.int64());
      if (value > MAX_SAFE || value < -MAX_SAFE) return path;
    } else if (field.type !== 'int64' && wireType === WireType.LengthDelimited) {
      const found = findUnsafeInt64(reader.bytes(), field.type, `${path}.`);
      if (found) return found;
    } else {
      reader.skip(wireType);
    }
  }
  return undefined;
}

/** Decodes with `decode`; a failure becomes a DecodeFailure rather than grpc-js's INTERNAL. */
export function decodeRequest<T>(method: string, bytes: Buffer, decode: (bytes: Buffer) => T): T | DecodeFailure {
  try {
    return decode(bytes);
  } catch (error) {
    let field: string | undefined;
    try {
      field = INT64_FIELDS[method] ? findUnsafeInt64(bytes, INT64_FIELDS[method]) : undefined;
    } catch {
      field = undefined;
    }
    const failure = field
      ? new InvalidArgumentError(field, 'must be within ±2^53 (9007199254740991)', { cause: error })
      : new InvalidArgumentError('request', `could not be decoded as a protobuf message (${(error as Error).message})`, {
          cause: error,
        });
    return { decodeFailure: failure };
  }
}
