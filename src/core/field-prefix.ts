import { InvalidArgumentError } from './errors.js';

/**
 * The same error with its field named from an enclosing message: `values[1]` of the tell inside a TellAndAsk
 * request is `tell.values[1]`, so the caller sees which half of a combined call was refused. Other errors pass
 * through unchanged.
 */
export function prefixField(prefix: string, error: unknown): unknown {
  if (!(error instanceof InvalidArgumentError)) return error;
  const detail = error.message.startsWith(`${error.field}: `) ? error.message.slice(error.field.length + 2) : error.message;
  return new InvalidArgumentError(`${prefix}.${error.field}`, detail, { cause: error });
}

/** Runs `run`; an InvalidArgumentError it throws names its field under `prefix` (see prefixField). */
export function underField<T>(prefix: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    throw prefixField(prefix, error);
  }
}
