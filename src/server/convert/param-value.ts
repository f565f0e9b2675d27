import type { ParamValue } from '../../core/distribution.js';
import { InvalidArgumentError } from '../../core/errors.js';
import { NullValue } from '../../generated/google/protobuf/struct.js';
import type { ParamValue as WireParamValue } from '../../generated/hpo/v1/distribution.js';

/** A wire ParamValue as the user's value; an unset oneof is an error naming `field`. */
export function paramValueFromWire(value: WireParamValue | undefined, field: string): ParamValue {
  const kind = value?.kind;
  switch (kind?.$case) {
    case 'numberValue':
      if (!Number.isFinite(kind.value)) throw new InvalidArgumentError(`${field}.number_value`, `must be finite, got ${kind.value}`);
      return kind.value;
    case 'stringValue':
      return kind.value;
    case 'boolValue':
      return kind.value;
    case 'nullValue':
      return null;
    case undefined:
      throw new InvalidArgumentError(field, 'must be set to one of number_value, string_value, bool_value, null_value');
  }
}

export function paramValueToWire(value: ParamValue): WireParamValue {
  if (value === null) return { kind: { $case: 'nullValue', value: NullValue.NULL_VALUE } };
  switch (typeof value) {
    case 'number':
      return { kind: { $case: 'numberValue', value } };
    case 'string':
      return { kind: { $case: 'stringValue', value } };
    case 'boolean':
      return { kind: { $case: 'boolValue', value } };
  }
}
