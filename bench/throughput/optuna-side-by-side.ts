import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { adminQuery } from '../support/admin-query.js';
import { ANCHOR_CELLS, type AnchorCell, type AnchorFigures } from './anchors.js';

/**
 * Optuna's RDB storage run in the same benchmark run as ours (`/work/shared/anchors/optuna_rdb_throughput.py`),
 * so that a comparison does not depend on which machine the session got: the anchors quoted in issue 7 were
 * measured on one machine of this kind, and machines of the same kind have differed threefold in speed.
 */

export interface AnchorMeasurement {
  readonly cell: AnchorCell;
  /** The Optuna version that ran, as the script names it (`optuna-4.9.0-rdb-postgres`). */
  readonly version: string;
  readonly trialsPerSecond: number;
  readonly askP50: number;
  readonly tellP50: number;
}

export interface SideBySideOptions {
  /** The Python that runs Optuna (Debian's python3-optuna is 3.1; OPTUNA_SRC in the environment picks a checkout). */
  readonly python: string;
  readonly script: string;
  /** Postgres server URL; a scratch database is created and dropped. */
  readonly databaseUrl: string;
  readonly seconds: number;
}

/** Runs each anchor cell's Optuna workers for `seconds`, one cell after another, on a scratch database. */
export async function measureOptunaAnchors(options: SideBySideOptions, cells = ANCHOR_CELLS): Promise<AnchorMeasurement[]> {
  const dbName = `optuna_anchor_${process.pid}`;
  await adminQuery(options.databaseUrl, `create database ${dbName}`);
  const url = new URL(options.databaseUrl);
  url.pathname = `/${dbName}`;
  const sqlalchemyUrl = `postgresql+psycopg2://${url.username || 'postgres'}${url.password ? `:${url.password}` : ''}@${url.host}${url.pathname}`;
  try {
    const out: AnchorMeasurement[] = [];
    for (const cell of cells) {
      process.stderr.write(`[optuna] ${cell.sampler}, ${cell.workers} workers, ${cell.finished} finished, ${options.seconds} s\n`);
      const args = [options.script, sqlalchemyUrl, String(cell.workers), String(options.seconds), cell.sampler, String(cell.finished)];
      const { stdout } = await promisify(execFile)(options.python, args, { maxBuffer: 1 << 20, timeout: (options.seconds + 600) * 1000 });
      const line = stdout.trim().split('\n').pop()!;
      const r = JSON.parse(line) as { anchor: string; trials_per_s: number; ask_p50_ms: number; tell_p50_ms: number };
      out.push({ cell, version: r.anchor, trialsPerSecond: r.trials_per_s, askP50: r.ask_p50_ms, tellP50: r.tell_p50_ms });
    }
    return out;
  } finally {
    await adminQuery(options.databaseUrl, `drop database if exists ${dbName} with (force)`);
  }
}

/**
 * The side-by-side table, and issue 7's targets scaled to this machine by how fast Optuna ran here against its
 * quoted figures (random at 4 workers for the random target, TPE at 5,000 for the TPE target).
 */
export function formatSideBySide(measured: readonly AnchorMeasurement[]): string {
  const lines = [
    `Optuna measured in this run (${[...new Set(measured.map((m) => m.version))].join(', ')}), same Postgres, next to issue 7's figures for the same version (4.9, or 3.1 for Optuna 3.x):`,
    '',
    '| sampler | finished before | workers | trials/s here | trials/s quoted | machine factor (quoted / here) | ask p50 ms here | ask p50 ms quoted |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const m of measured) {
    const quoted = quotedFor(m);
    lines.push(
      `| ${m.cell.sampler} | ${m.cell.finished.toLocaleString('en-US')} | ${m.cell.workers} | ${m.trialsPerSecond.toFixed(1)} | ${quoted.trialsPerSecond} | ${(quoted.trialsPerSecond / m.trialsPerSecond).toFixed(2)} | ${m.askP50.toFixed(0)} | ${quoted.askP50 ?? '–'} |`,
    );
  }
  const find = (sampler: string, workers: number, finished: number) =>
    measured.find((m) => m.cell.sampler === sampler && m.cell.workers === workers && m.cell.finished === finished);
  const scaled: string[] = [];
  const scale = (target: number, what: string, m: AnchorMeasurement | undefined) => {
    if (!m) return;
    const quoted = quotedFor(m).trialsPerSecond;
    scaled.push(`${what} ≥ ${((target * m.trialsPerSecond) / quoted).toFixed(0)} trials/s (${target.toLocaleString('en-US')} × ${m.trialsPerSecond.toFixed(1)} / ${quoted})`);
  };
  scale(1500, 'random at 16 workers', find('random', 4, 0));
  scale(500, 'TPE at 5,000 finished, 16 workers', find('tpe', 4, 5000));
  if (scaled.length > 0) lines.push('', `Issue 7's targets scaled to this machine by Optuna's speed here: ${scaled.join('; ')}.`);
  return lines.join('\n');
}

/** The quoted figures for the version that ran: 3.1's for Optuna 3.x, 4.9's otherwise. */
function quotedFor(m: AnchorMeasurement): AnchorFigures {
  return /^optuna-3\./.test(m.version) ? m.cell.quoted['3.1'] : m.cell.quoted['4.9'];
}
