/**
 * A Postgres array literal for double precision[] (`{1.5,NaN,-Infinity}`). Numbers are passed as text on
 * purpose: both drivers then keep NaN and ±Infinity exactly, and String(x) is the shortest exact form.
 */
export function float8ArrayLiteral(values: readonly number[] | null | undefined): string | null {
  if (values === null || values === undefined) return null;
  return `{${values.map(float8Literal).join(',')}}`;
}

/** One double as Postgres text input. */
export function float8Literal(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  // -0 prints as "0" with String(); keep the sign.
  if (Object.is(x, -0)) return '-0';
  return String(x);
}
