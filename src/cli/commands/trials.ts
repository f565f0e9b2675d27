import type { Direction, FrozenTrial, TrialState } from '@hpo/client';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { formatOption, parseCount, parseStates, terminal, writeJson } from '../command-helpers.js';
import { durationMs, trialJson, trialsCsv, trialsTable } from '../output/trial-output.js';
import { addStudySourceOptions, type StudySourceFlags, withStudySource } from '../study-source-options.js';

const SORT_KEYS = ['number', 'value', 'duration', 'started', 'completed'] as const;

interface TrialsFlags extends StudySourceFlags {
  readonly state?: TrialState[];
  readonly sort: string;
  readonly limit?: number;
  readonly format: 'table' | 'json' | 'csv';
}

/** `hpo trials NAME`: a study's trials as a table, JSON or CSV, filtered by state, sorted, limited. */
export function registerTrialsCommand(program: Command): void {
  const command = program
    .command('trials')
    .description("list a study's trials")
    .argument('<study>', 'study name')
    .addOption(new Option('--state <states>', 'only these states, comma-separated (waiting, running, complete, pruned, fail)').argParser(parseStates))
    .addOption(
      new Option('--sort <key>', `sort by ${SORT_KEYS.join(', ')}; "value" puts the best first; a leading - reverses`)
        .default('number')
        .argParser(parseSortKey),
    )
    .addOption(new Option('--limit <n>', 'at most this many trials (after sorting)').argParser(parseCount(0)))
    .addOption(formatOption(['table', 'json', 'csv']));
  addStudySourceOptions(command);
  command.action((name: string, flags: TrialsFlags) =>
    withStudySource(flags, async (source) => {
      const study = await source.getStudy(name);
      let trials = sortTrials(await source.trials(name, flags.state), flags.sort, study.directions);
      if (flags.limit !== undefined) trials = trials.slice(0, flags.limit);
      if (flags.format === 'json') return writeJson(trials.map(trialJson));
      if (flags.format === 'csv') return void process.stdout.write(trialsCsv(trials, study.directions));
      const out = terminal();
      if (trials.length === 0) return out.write([`study ${name} has no trials${flags.state ? ` in state ${flags.state.join(', ')}` : ''}`]);
      out.write(trialsTable(trials, study.directions, out));
    }),
  );
}

function parseSortKey(value: string): string {
  const key = value.trim().replace(/^-/, '');
  if (!(SORT_KEYS as readonly string[]).includes(key)) throw new InvalidArgumentError(`Must be one of ${SORT_KEYS.join(', ')} (with an optional leading -).`);
  return value.trim();
}

/** Sorts a copy: missing keys (no value, still running) always last, whatever the order. */
export function sortTrials(trials: readonly FrozenTrial[], sort: string, directions: readonly Direction[]): FrozenTrial[] {
  const descending = sort.startsWith('-');
  const key = sort.replace(/^-/, '');
  const keyOf = (t: FrozenTrial): number | null => {
    switch (key) {
      case 'value': {
        const v = t.values?.[0];
        if (v === undefined || Number.isNaN(v)) return null;
        return directions[0] === 'maximize' ? -v : v; // best first
      }
      case 'duration':
        return durationMs(t);
      case 'started':
        return t.startedAt?.getTime() ?? null;
      case 'completed':
        return t.completedAt?.getTime() ?? null;
      default:
        return t.number;
    }
  };
  const keyed = trials.map((t) => ({ t, k: keyOf(t) }));
  keyed.sort((a, b) => {
    if (a.k === null || b.k === null) return a.k === b.k ? a.t.number - b.t.number : a.k === null ? 1 : -1;
    const d = descending ? b.k - a.k : a.k - b.k;
    return d !== 0 ? d : a.t.number - b.t.number;
  });
  return keyed.map((x) => x.t);
}
