/**
 * The object without its undefined fields, so options stored as JSON and compared for load_if_exists
 * look the same whether a field was absent or explicitly unset.
 */
export function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
