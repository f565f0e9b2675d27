import type { FrozenTrial, StudyInfo } from '@hpo/client';
import { type Command, Option } from 'commander';
import { parseCount, terminal } from '../command-helpers.js';
import { formatNumber, formatParam } from '../output/format-value.js';
import { colourState } from '../output/style.js';
import { trialsTable } from '../output/trial-output.js';
import { addStudySourceOptions, type StudySourceFlags, withStudySource } from '../study-source-options.js';

interface WatchFlags extends StudySourceFlags {
  readonly interval: number;
  readonly limit: number;
}

/**
 * `hpo watch NAME`: trials arriving, until Ctrl-C. On a terminal the screen is redrawn (counts, best, latest
 * trials); piped, one line is printed per trial that starts or changes state, so the output can be followed or logged.
 */
export function registerWatchCommand(program: Command): void {
  const command = program
    .command('watch')
    .description('live view of a study: trials as they start and finish, until Ctrl-C')
    .argument('<study>', 'study name')
    .addOption(new Option('--interval <ms>', 'poll every this many milliseconds').default(2000).argParser(parseCount(100)))
    .addOption(new Option('--limit <n>', 'latest trials shown').default(15).argParser(parseCount(1)));
  addStudySourceOptions(command);
  command.action((name: string, flags: WatchFlags) =>
    withStudySource(flags, async (source) => {
      const stop = new AbortController();
      const onSignal = () => stop.abort();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      const out = terminal();
      const live = Boolean(process.stdout.isTTY);
      const seen = new Map<number, string>();
      let first = true;
      try {
        while (!stop.signal.aborted) {
          const [info, trials, best] = await Promise.all([source.getStudy(name), source.trials(name), source.bestTrials(name)]);
          if (live) out.write(['\u001b[2J\u001b[H' + screen(info, trials, best, flags, out).join('\n')]);
          else {
            const changed = trials.filter((t) => seen.get(t.number) !== t.state);
            const shown = first ? changed.slice(-flags.limit) : changed;
            if (first) out.write([`watching ${info.name}: ${summary(info)} (Ctrl-C to stop)`]);
            out.write(shown.map((t) => eventLine(t, out.style)));
            for (const t of trials) seen.set(t.number, t.state);
          }
          first = false;
          await sleep(flags.interval, stop.signal);
        }
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    }),
  );
}

function summary(info: StudyInfo): string {
  const c = info.trialCounts;
  return `${info.state.toLowerCase()}, ${c.complete} complete, ${c.pruned} pruned, ${c.fail} failed, ${c.running} running, ${c.waiting} waiting`;
}

function screen(
  info: StudyInfo,
  trials: readonly FrozenTrial[],
  best: readonly FrozenTrial[],
  flags: WatchFlags,
  out: ReturnType<typeof terminal>,
): string[] {
  const bestLine =
    best.length === 0
      ? 'best: none yet'
      : info.directions.length === 1
        ? `best: #${best[0].number} ${out.style.green(formatNumber(best[0].value))}  ${paramsText(best[0])}`
        : `Pareto front: ${best.length} trials`;
  const latest = [...trials].sort((a, b) => b.number - a.number).slice(0, flags.limit);
  return [
    `${out.style.bold(`hpo watch ${info.name}`)}  ${out.style.dim(`every ${flags.interval}ms · Ctrl-C to stop · ${new Date().toISOString().slice(11, 19)}`)}`,
    summary(info),
    bestLine,
    '',
    ...trialsTable(latest, info.directions, out),
  ];
}

function paramsText(t: FrozenTrial): string {
  return Object.entries(t.params)
    .map(([k, v]) => `${k}=${formatParam(v)}`)
    .join(' ');
}

function eventLine(t: FrozenTrial, style: ReturnType<typeof terminal>['style']): string {
  const time = (t.completedAt ?? t.startedAt ?? new Date()).toISOString().slice(11, 19);
  const values = t.values ? ` values=${t.values.map(formatNumber).join(',')}` : '';
  return `${time} trial ${t.number} ${colourState(style, t.state)}${values} ${paramsText(t)}`.trimEnd();
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
