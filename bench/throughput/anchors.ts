// Optuna's RDB storage on the same local Postgres 15, measured on one machine of this kind
// (`/work/shared/anchors/optuna_rdb_throughput.py`), as quoted in issue 7: the one place those figures are written.

/** One anchor cell of issue 7: sampler, workers and finished trials before, with the figures. */
export interface AnchorCell {
  readonly sampler: 'random' | 'tpe';
  readonly workers: number;
  readonly finished: number;
  /** Issue 7's figures on the machine they were measured on (trials/s, ask p50 ms), for Optuna 4.9 and 3.1. */
  readonly quoted: { readonly '4.9': AnchorFigures; readonly '3.1': AnchorFigures };
}

export interface AnchorFigures {
  readonly trialsPerSecond: number;
  /** Not quoted for Optuna 3.1's random sampler. */
  readonly askP50?: number;
}

export const ANCHOR_CELLS: readonly AnchorCell[] = [
  { sampler: 'random', workers: 1, finished: 0, quoted: { '4.9': { trialsPerSecond: 77, askP50: 8 }, '3.1': { trialsPerSecond: 90 } } },
  { sampler: 'random', workers: 4, finished: 0, quoted: { '4.9': { trialsPerSecond: 139, askP50: 18 }, '3.1': { trialsPerSecond: 126 } } },
  { sampler: 'random', workers: 8, finished: 0, quoted: { '4.9': { trialsPerSecond: 121, askP50: 44 }, '3.1': { trialsPerSecond: 104 } } },
  { sampler: 'tpe', workers: 4, finished: 1000, quoted: { '4.9': { trialsPerSecond: 65, askP50: 50 }, '3.1': { trialsPerSecond: 40, askP50: 85 } } },
  { sampler: 'tpe', workers: 4, finished: 5000, quoted: { '4.9': { trialsPerSecond: 38, askP50: 85 }, '3.1': { trialsPerSecond: 10, askP50: 371 } } },
];

/** The quoted figures as the table printed under every throughput run (Optuna 4.9, 3.1 in brackets). */
export const OPTUNA_THROUGHPUT_ANCHORS = [
  'Optuna anchors (RDB storage, same local Postgres 15; Optuna 4.9, 3.1 in brackets):',
  '',
  '| sampler | finished before | workers | trials/s | ask p50 ms |',
  '|---|---:|---:|---:|---:|',
  ...ANCHOR_CELLS.map(({ sampler, finished, workers, quoted }) => {
    const newer = quoted['4.9'];
    const older = quoted['3.1'];
    const p50 = older.askP50 === undefined ? `${newer.askP50}` : `${newer.askP50} (${older.askP50})`;
    return `| ${sampler} | ${finished.toLocaleString('en-US')} | ${workers} | ${newer.trialsPerSecond} (${older.trialsPerSecond}) | ${p50} |`;
  }),
  '',
  "Targets (issue 7): 16 workers ≥ 1,500 trials/s random and ≥ 500 trials/s TPE at 5,000 finished trials; ask p50 flat",
  '(within 2×) from 0 to 10,000 finished trials.',
].join('\n');
