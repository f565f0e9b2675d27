import { InvalidArgumentError } from '../core/errors.js';

/**
 * Postgres cannot store U+0000 in text nor in jsonb (`invalid byte sequence for encoding "UTF8": 0x00`), and
 * every string of a request (names, ids, attribute keys and values, categorical choices, fail reasons) may end
 * up in one of them. Refusing NUL here, once for every field of every request, turns what would be an INTERNAL
 * error deep in a query into an INVALID_ARGUMENT naming the field, before any work is done.
 *
 * The walks are iterative: an attribute value may be nested deeper than the stack allows.
 */
export function checkStorableStrings(request: unknown): void {
  // Every request is walked, and almost none holds a NUL: the field's path is worked out only for one that does.
  if (holdsNul(request)) throwAtNul(request);
}

function holdsNul(request: unknown): boolean {
  const stack: unknown[] = [request];
  while (stack.length > 0) {
    const value = stack.pop();
    if (typeof value === 'string') {
      if (value.includes('\u0000')) return true;
    } else if (Array.isArray(value)) {
      for (const item of value) stack.push(item);
    } else if (value !== null && typeof value === 'object' && !(value instanceof Uint8Array) && !(value instanceof Date)) {
      for (const key in value) {
        if (key.includes('\u0000')) return true;
        stack.push((value as Record<string, unknown>)[key]);
      }
    }
  }
  return false;
}

function throwAtNul(request: unknown): void {
  const stack: Array<readonly [value: unknown, path: string]> = [[request, '']];
  while (stack.length > 0) {
    const [value, path] = stack.pop()!;
    if (typeof value === 'string') {
      if (value.includes('\u0000')) throw new InvalidArgumentError(path || 'request', 'must not contain the NUL character (U+0000)');
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => stack.push([item, `${path}[${i}]`]));
    } else if (value !== null && typeof value === 'object' && !(value instanceof Uint8Array) && !(value instanceof Date)) {
      const oneofCase = (value as { $case?: unknown }).$case;
      for (const [key, child] of Object.entries(value)) {
        if (key.includes('\u0000')) throw new InvalidArgumentError(path || 'request', 'keys must not contain the NUL character (U+0000)');
        if (key === '$case') continue;
        stack.push([child, joinPath(path, fieldName(key, oneofCase))]);
      }
    }
  }
}

/** Proto-style field names: ts-proto's `studyName` is `study_name`; a oneof's `kind.value` is its case. */
function fieldName(key: string, oneofCase: unknown): string | undefined {
  if (key === 'kind') return undefined;
  if (key === 'value' && typeof oneofCase === 'string') return oneofCase.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

function joinPath(path: string, name: string | undefined): string {
  if (name === undefined) return path;
  return path === '' ? name : `${path}.${name}`;
}
