import type { ParamValue } from '@hpo/client';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { formatOption, writeJson } from '../command-helpers.js';
import { formatParam } from '../output/format-value.js';
import { trialJson } from '../output/trial-output.js';
import { addStudySourceOptions, type StudySourceFlags, UsageError, withStudySource } from '../study-source-options.js';

/** `hpo enqueue NAME --param k=v …`: a trial with fixed parameters, handed out before anything is sampled. */
export function registerEnqueueCommand(program: Command): void {
  const command = program
    .command('enqueue')
    .description('enqueue a trial with fixed parameters (the next ask hands it out first)')
    .argument('<study>', 'study name')
    .addOption(
      new Option('-p, --param <name=value>', 'a parameter; values are JSON (1e-3, true, null, "adam") or else plain text; repeatable')
        .argParser(collectParam)
        .default({}, ''),
    )
    .option('--skip-if-exists', 'enqueue nothing when a trial with exactly these parameters exists')
    .addOption(formatOption(['table', 'json']));
  addStudySourceOptions(command);
  command.action((name: string, flags: StudySourceFlags & { param: Record<string, ParamValue>; skipIfExists?: boolean; format: 'table' | 'json' }) =>
    withStudySource(flags, async (source) => {
      if (Object.keys(flags.param).length === 0) throw new UsageError('give at least one --param name=value');
      const trial = await source.enqueueTrial(name, flags.param, { skipIfExists: flags.skipIfExists ?? false });
      if (flags.format === 'json') return writeJson(trialJson(trial));
      const params = Object.entries(trial.params).map(([k, v]) => `${k}=${formatParam(v)}`).join(' ');
      process.stdout.write(`trial ${trial.number} of ${name} is ${trial.state}: ${params}\n`);
    }),
  );
}

/** Parses one `name=value`, adding it to the ones before. */
export function collectParam(text: string, previous: Record<string, ParamValue>): Record<string, ParamValue> {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError('Expected name=value.');
  const name = text.slice(0, eq).trim();
  const raw = text.slice(eq + 1);
  if (name in previous) throw new InvalidArgumentError(`Parameter ${name} is given twice.`);
  return { ...previous, [name]: parseParamValue(raw) };
}

/** JSON scalars as themselves; anything else (adam, relu) as a string, so quotes are rarely needed in a shell. */
export function parseParamValue(raw: string): ParamValue {
  try {
    const v: unknown = JSON.parse(raw);
    if (v === null || typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  } catch {
    // not JSON: plain text
  }
  return raw;
}
