import type { Style } from './style.js';

export interface Column<Row> {
  readonly header: string;
  readonly value: (row: Row) => string;
  /** Numbers align right. */
  readonly align?: 'left' | 'right';
  /** The widest this column may get before its cells are clipped with an ellipsis (default 40). */
  readonly maxWidth?: number;
  /** Colours the (already padded) cell; must not change its visible width. */
  readonly colour?: (padded: string, row: Row) => string;
}

export interface TableOptions {
  readonly style: Style;
  /** The terminal's width; columns are clipped further to fit it. Unset: no overall limit (pipes). */
  readonly terminalWidth?: number;
}

const GAP = '  ';
const ELLIPSIS = '…';

/** Clips `s` to `width` visible characters, marking the cut with an ellipsis. */
export function clip(s: string, width: number): string {
  const chars = [...s];
  if (chars.length <= width) return s;
  if (width <= 1) return chars.slice(0, width).join('');
  return chars.slice(0, width - 1).join('') + ELLIPSIS;
}

function visibleLength(s: string): number {
  return [...s].length;
}

/**
 * An aligned text table: a bold header, one line per row, columns separated by two spaces, every cell clipped
 * to its column's width. When the table is wider than the terminal, the widest columns give way first.
 */
export function renderTable<Row>(columns: ReadonlyArray<Column<Row>>, rows: readonly Row[], options: TableOptions): string[] {
  const cells = rows.map((row) => columns.map((c) => c.value(row).replace(/[\r\n\t]+/g, ' ')));
  const widths = columns.map((c, i) =>
    Math.min(c.maxWidth ?? 40, Math.max(visibleLength(c.header), ...cells.map((r) => visibleLength(r[i])))),
  );
  if (options.terminalWidth !== undefined) shrinkToFit(widths, columns, options.terminalWidth);

  const line = (values: readonly string[], colour: (cell: string, i: number) => string) =>
    values
      .map((v, i) => {
        const clipped = clip(v, widths[i]);
        const pad = ' '.repeat(Math.max(0, widths[i] - visibleLength(clipped)));
        const isLast = i === values.length - 1;
        const padded = columns[i].align === 'right' ? pad + clipped : isLast ? clipped : clipped + pad;
        return colour(padded, i);
      })
      .join(GAP);

  const out = [line(columns.map((c) => c.header), (cell) => options.style.bold(cell))];
  cells.forEach((r, rowIndex) => out.push(line(r, (cell, i) => columns[i].colour?.(cell, rows[rowIndex]) ?? cell)));
  return out;
}

function shrinkToFit<Row>(widths: number[], columns: ReadonlyArray<Column<Row>>, terminalWidth: number): void {
  const total = () => widths.reduce((a, b) => a + b, 0) + GAP.length * (widths.length - 1);
  const minimum = columns.map((c) => Math.min(visibleLength(c.header), 6));
  while (total() > terminalWidth) {
    let widest = -1;
    for (let i = 0; i < widths.length; i++) if (widths[i] > minimum[i] && (widest < 0 || widths[i] > widths[widest])) widest = i;
    if (widest < 0) return; // nothing left to shrink: let the terminal wrap
    widths[widest]--;
  }
}
