import type { Distribution, FrozenTrial, StudyInfo } from '@hpo/client';
import type { Command } from 'commander';
import { formatOption, terminal, writeJson } from '../command-helpers.js';
import { formatNumber, formatParam, formatTime } from '../output/format-value.js';
import { renderHistoryPlot } from '../output/history-plot.js';
import { renderTable } from '../output/table.js';
import { paramNames, studyJson } from '../output/trial-output.js';
import { addStudySourceOptions, type StudySourceFlags, withStudySource } from '../study-source-options.js';

/** `hpo study show NAME`: summary, best trial, parameter ranges and an optimisation-history plot. */
export function registerStudyShowCommand(program: Command): void {
  const study = program.commands.find((c) => c.name() === 'study') ?? program.command('study').description('look at one study');
  const command = study.command('show').description('summary, best trial, parameter ranges and optimisation history').argument('<study>', 'study name');
  addStudySourceOptions(command).addOption(formatOption(['table', 'json']));
  command.action((name: string, flags: StudySourceFlags & { format: 'table' | 'json' }) =>
    withStudySource(flags, async (source) => {
      const info = await source.getStudy(name);
      const [trials, best] = await Promise.all([source.trials(name), source.bestTrials(name)]);
      const parameters = parameterSummaries(trials);
      if (flags.format === 'json')
        return writeJson({ ...studyJson(info, best), parameters: parameters.map((p) => ({ name: p.name, distribution: p.distribution, observed: p.observed })) });

      const out = terminal();
      const s = out.style;
      const lines: string[] = [s.bold(`Study ${info.name}`), ...summaryLines(info), ''];
      if (best.length === 0) lines.push(s.bold('Best trial'), '  no complete trial yet', '');
      else if (info.directions.length === 1) {
        const t = best[0];
        lines.push(s.bold(`Best trial #${t.number}`), `  value   ${s.green(formatNumber(t.value))}`);
        lines.push(`  params  ${Object.entries(t.params).map(([k, v]) => `${k}=${formatParam(v)}`).join('  ')}`, '');
      } else {
        lines.push(s.bold(`Pareto front (${best.length} trial${best.length === 1 ? '' : 's'})`));
        for (const t of best.slice(0, 10))
          lines.push(`  #${t.number}  values ${(t.values ?? []).map(formatNumber).join(', ')}  ${Object.entries(t.params).map(([k, v]) => `${k}=${formatParam(v)}`).join('  ')}`);
        if (best.length > 10) lines.push(`  … ${best.length - 10} more (hpo best ${info.name})`);
        lines.push('');
      }
      if (parameters.length > 0) {
        const complete = trials.filter((t) => t.state === 'COMPLETE').length;
        lines.push(s.bold(`Parameters (observed over ${complete} complete trial${complete === 1 ? '' : 's'})`));
        lines.push(
          ...renderTable(
            [
              { header: 'NAME', value: (p) => p.name, maxWidth: 24 },
              { header: 'DISTRIBUTION', value: (p) => describeDistribution(p.distribution), maxWidth: 44 },
              { header: 'OBSERVED', value: (p) => describeObserved(p.observed), maxWidth: 44 },
            ],
            parameters,
            out,
          ).map((l) => `  ${l}`),
          '',
        );
      }
      lines.push(s.bold(`Optimisation history${info.directions.length > 1 ? ' (first objective)' : ''}`));
      const points = trials.filter((t) => t.state === 'COMPLETE' && t.values).map((t) => ({ number: t.number, value: t.values![0] }));
      const width = Math.max(20, Math.min(72, (out.terminalWidth ?? 80) - 16));
      lines.push(...renderHistoryPlot(points, { direction: info.directions[0], width, height: 12, style: s }).map((l) => `  ${l}`));
      out.write(lines);
    }),
  );
}

function summaryLines(info: StudyInfo): string[] {
  const c = info.trialCounts;
  const kv = (k: string, v: string) => `  ${k.padEnd(11)}${v}`;
  return [
    kv('directions', info.directions.join(', ')),
    kv('state', `${info.state}${info.maxTrials !== null ? ` (budget ${info.maxTrials} trials)` : ''}`),
    kv('sampler', describeOptions(info.sampler, 'tpe (default)')),
    kv('pruner', describeOptions(info.pruner, 'none')),
    kv('seed', String(info.seed)),
    kv('created', formatTime(info.createdAt)),
    kv('trials', `${c.complete} complete · ${c.pruned} pruned · ${c.fail} failed · ${c.running} running · ${c.waiting} waiting`),
  ];
}

function describeOptions(options: object | undefined, fallback: string): string {
  if (!options) return fallback;
  const [kind, value] = Object.entries(options)[0] ?? [];
  if (kind === undefined) return fallback;
  const json = JSON.stringify(value ?? {});
  return json === '{}' ? kind : `${kind} ${json}`;
}

type Observed = { min: number; max: number } | { counts: Record<string, number> } | null;

interface ParameterSummary {
  readonly name: string;
  /** Null when only enqueued trials have it so far (their fixed values carry no distribution yet). */
  readonly distribution: Distribution | null;
  readonly observed: Observed;
}

/** Each parameter's (latest) distribution and the range its complete trials took. */
function parameterSummaries(trials: readonly FrozenTrial[]): ParameterSummary[] {
  const complete = trials.filter((t) => t.state === 'COMPLETE');
  return paramNames(trials).map((name) => {
    const distribution = [...trials].reverse().find((t) => t.distributions[name])?.distributions[name] ?? null;
    const values = complete.filter((t) => name in t.params).map((t) => t.params[name]);
    let observed: Observed = null;
    if (values.length > 0) {
      if (distribution === null || distribution.kind === 'categorical') {
        const counts: Record<string, number> = {};
        for (const v of values) counts[formatParam(v)] = (counts[formatParam(v)] ?? 0) + 1;
        observed = { counts };
      } else {
        const numbers = values.filter((v): v is number => typeof v === 'number');
        observed = { min: Math.min(...numbers), max: Math.max(...numbers) };
      }
    }
    return { name, distribution, observed };
  });
}

function describeDistribution(d: Distribution | null): string {
  if (d === null) return '(only enqueued so far)';
  if (d.kind === 'categorical') return `categorical [${d.choices.map(formatParam).join(', ')}]`;
  const step = d.step !== undefined && !(d.kind === 'int' && d.step === 1) ? ` step ${formatNumber(d.step)}` : '';
  return `${d.kind} [${formatNumber(d.low)}, ${formatNumber(d.high)}]${d.log ? ' log' : ''}${step}`;
}

function describeObserved(o: Observed): string {
  if (o === null) return '';
  if ('counts' in o) return Object.entries(o.counts).map(([k, n]) => `${k} ×${n}`).join(', ');
  return o.min === o.max ? formatNumber(o.min) : `${formatNumber(o.min)} … ${formatNumber(o.max)}`;
}

