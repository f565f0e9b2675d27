import type { Direction, FrozenTrial, StudyInfo } from '@hpo/client';
import { renderCsv } from './csv.js';
import { formatDuration, formatNumber, formatParam, formatTime } from './format-value.js';
import { type Style, colourState } from './style.js';
import { type Column, renderTable } from './table.js';

/** How long a trial ran (or has been running, for RUNNING trials, as of `now`). */
export function durationMs(t: FrozenTrial, now = Date.now()): number | null {
  if (!t.startedAt) return null;
  const end = t.completedAt?.getTime() ?? (t.state === 'RUNNING' ? now : null);
  return end === null ? null : end - t.startedAt.getTime();
}

/** Parameter names in first-seen order across trials (trial number order). */
export function paramNames(trials: readonly FrozenTrial[]): string[] {
  const names = new Set<string>();
  for (const t of trials) for (const name of Object.keys(t.params)) names.add(name);
  return [...names];
}

/** Names of the value columns: `value` for one objective, `values_0`, `values_1`, … for several. */
export function valueHeaders(directions: readonly Direction[]): string[] {
  return directions.length === 1 ? ['value'] : directions.map((_, i) => `values_${i}`);
}

/**
 * A trial as `--format json` prints it. The shape is part of the CLI's contract: keys are only ever added.
 * Times are ISO 8601 UTC strings (or null); numbers that JSON cannot hold (NaN, ±Infinity) become strings.
 */
export function trialJson(t: FrozenTrial) {
  return {
    number: t.number,
    state: t.state,
    values: t.values?.map(jsonNumber) ?? null,
    params: t.params,
    distributions: t.distributions,
    intermediate_values: t.intermediateValues.map(({ step, value }) => ({ step, value: jsonNumber(value) })),
    constraints: t.constraints,
    user_attrs: t.userAttrs,
    datetime_start: t.startedAt?.toISOString() ?? null,
    datetime_complete: t.completedAt?.toISOString() ?? null,
    duration_ms: durationMs(t),
    worker_id: t.workerId || null,
    retry_of: t.retryOf,
  };
}

/** A study as `--format json` prints it (same contract as trialJson). */
export function studyJson(s: StudyInfo, best: readonly FrozenTrial[] | undefined) {
  return {
    name: s.name,
    directions: s.directions,
    state: s.state,
    sampler: s.sampler ?? null,
    pruner: s.pruner ?? null,
    seed: s.seed,
    max_trials: s.maxTrials,
    failure_policy: { heartbeat_grace_seconds: s.failurePolicy.heartbeatGraceSeconds, max_retries: s.failurePolicy.maxRetries },
    trial_counts: s.trialCounts,
    user_attrs: s.userAttrs,
    created_at: s.createdAt?.toISOString() ?? null,
    ...(best ? { best_trials: best.map(trialJson) } : {}),
  };
}

export function jsonNumber(v: number): number | string {
  return Number.isFinite(v) ? v : String(v);
}

/** Trials as CSV, in the spirit of Optuna's trials_dataframe: one column per value, parameter and user attribute. */
export function trialsCsv(trials: readonly FrozenTrial[], directions: readonly Direction[]): string {
  const params = paramNames(trials);
  const attrs = [...new Set(trials.flatMap((t) => Object.keys(t.userAttrs)))];
  const header = [
    'number',
    'state',
    ...valueHeaders(directions),
    'datetime_start',
    'datetime_complete',
    'duration_ms',
    ...params.map((p) => `params_${p}`),
    ...attrs.map((a) => `user_attrs_${a}`),
    'worker_id',
  ];
  const rows = trials.map((t) => [
    String(t.number),
    t.state,
    ...directions.map((_, i) => (t.values?.[i] === undefined ? '' : String(t.values[i]))),
    t.startedAt?.toISOString() ?? '',
    t.completedAt?.toISOString() ?? '',
    String(durationMs(t) ?? ''),
    ...params.map((p) => (p in t.params ? csvValue(t.params[p]) : '')),
    ...attrs.map((a) => (a in t.userAttrs ? csvValue(t.userAttrs[a]) : '')),
    t.workerId,
  ]);
  return renderCsv(header, rows);
}

function csvValue(v: unknown): string {
  if (v === null) return '';
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/** Trials as an aligned table: number, state, value(s), every parameter, duration, finish time. */
export function trialsTable(
  trials: readonly FrozenTrial[],
  directions: readonly Direction[],
  options: { style: Style; terminalWidth?: number },
): string[] {
  const params = paramNames(trials);
  const columns: Column<FrozenTrial>[] = [
    { header: '#', value: (t) => String(t.number), align: 'right' },
    { header: 'STATE', value: (t) => t.state, colour: (cell, t) => colourState(options.style, t.state, cell) },
    ...valueHeaders(directions).map(
      (h, i): Column<FrozenTrial> => ({ header: h.toUpperCase(), value: (t) => formatNumber(t.values?.[i]), align: 'right', maxWidth: 14 }),
    ),
    ...params.map((p): Column<FrozenTrial> => ({ header: p, value: (t) => formatParam(t.params[p]), maxWidth: 24 })),
    { header: 'DURATION', value: (t) => formatDuration(durationMs(t)), align: 'right' },
    { header: 'COMPLETED', value: (t) => formatTime(t.completedAt) },
  ];
  return renderTable(columns, trials, options);
}
