import { formatNumber } from './format-value.js';
import type { Style } from './style.js';

export interface HistoryPoint {
  readonly number: number;
  readonly value: number;
}

export interface HistoryPlotOptions {
  readonly direction: 'minimize' | 'maximize';
  /** Plot area in characters (the axis labels come on top of this). */
  readonly width: number;
  readonly height: number;
  readonly style: Style;
}

const POINT = '•';
const BEST = '━';

/**
 * Optuna's optimisation-history plot in text: every complete trial's objective value by trial number (•), and the
 * best value so far (━). Several trials falling into one column share it; the best line wins a shared cell.
 * Non-finite values are left out (they would flatten the scale).
 */
export function renderHistoryPlot(points: readonly HistoryPoint[], options: HistoryPlotOptions): string[] {
  const finite = points.filter((p) => Number.isFinite(p.value)).sort((a, b) => a.number - b.number);
  if (finite.length === 0) return ['(no complete trials to plot)'];
  const width = Math.max(10, options.width);
  const height = Math.max(4, options.height);
  const lo = Math.min(...finite.map((p) => p.value));
  const hi = Math.max(...finite.map((p) => p.value));
  const firstNumber = finite[0].number;
  const lastNumber = finite[finite.length - 1].number;
  const span = Math.max(1, lastNumber - firstNumber);
  const column = (n: number) => Math.min(width - 1, Math.floor(((n - firstNumber) / span) * (width - 1) + 0.5));
  const row = (v: number) => (hi === lo ? Math.floor(height / 2) : Math.round(((hi - v) / (hi - lo)) * (height - 1)));

  const grid: string[][] = Array.from({ length: height }, () => Array<string>(width).fill(' '));
  for (const p of finite) grid[row(p.value)][column(p.number)] = POINT;

  // The best-so-far staircase: level between points, vertical steps drawn where it improves.
  let best = finite[0].value;
  let previous = { col: column(finite[0].number), row: row(best) };
  const improves = (v: number) => (options.direction === 'minimize' ? v < best : v > best);
  for (const p of finite.slice(1)) {
    const col = column(p.number);
    for (let c = previous.col; c < col; c++) grid[previous.row][c] = BEST;
    if (improves(p.value)) best = p.value;
    previous = { col, row: row(best) };
  }
  for (let c = previous.col; c < width; c++) grid[previous.row][c] = BEST;

  const labels = Array.from({ length: height }, (_, r) =>
    r === 0 ? formatNumber(hi) : r === height - 1 ? formatNumber(lo) : r === Math.floor((height - 1) / 2) ? formatNumber((hi + lo) / 2) : '',
  );
  const labelWidth = Math.max(...labels.map((l) => l.length));
  const s = options.style;
  const lines = grid.map(
    (cells, r) =>
      `${labels[r].padStart(labelWidth)} ┤${cells.map((ch) => (ch === BEST ? s.green(ch) : ch === POINT ? s.cyan(ch) : ch)).join('')}`.trimEnd(),
  );
  const axis = `${' '.repeat(labelWidth)} └${'─'.repeat(width)}`;
  const left = `trial ${firstNumber}`;
  const right = `trial ${lastNumber}`;
  const numbers = `${' '.repeat(labelWidth + 2)}${left}${' '.repeat(Math.max(1, width - left.length - right.length))}${right}`;
  const legend = `${' '.repeat(labelWidth + 2)}${s.cyan(POINT)} objective value   ${s.green(BEST)} best so far (${options.direction})`;
  return [...lines, axis, numbers, legend];
}
