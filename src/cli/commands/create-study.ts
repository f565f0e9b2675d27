import type { CreateStudyOptions, Direction, PrunerOptions, SamplerOptions } from '@hpo/client';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { formatOption, parseCount, writeJson } from '../command-helpers.js';
import { studyJson } from '../output/trial-output.js';
import { addStudySourceOptions, type StudySourceFlags, UsageError, withStudySource } from '../study-source-options.js';

interface CreateStudyFlags extends StudySourceFlags {
  readonly direction?: Direction[];
  readonly sampler?: string;
  readonly samplerOptions?: Record<string, unknown>;
  readonly pruner?: string;
  readonly prunerOptions?: Record<string, unknown>;
  readonly seed?: number;
  readonly maxTrials?: number;
  readonly heartbeatGrace?: number;
  readonly maxRetries?: number;
  readonly loadIfExists?: boolean;
  readonly format: 'table' | 'json';
}

/** `hpo create-study NAME`: a study from the command line, with the same options as the SDK's createStudy. */
export function registerCreateStudyCommand(program: Command): void {
  const command = program
    .command('create-study')
    .description('create a study')
    .argument('<study>', 'study name')
    .addOption(
      new Option('--direction <directions>', 'minimize or maximize; comma-separated for several objectives')
        .default(['minimize'], 'minimize')
        .argParser(parseDirections),
    )
    .addOption(new Option('--sampler <kind>', 'random, grid, tpe, gp or qmc (default tpe)'))
    .addOption(new Option('--sampler-options <json>', 'the sampler\'s options as JSON, e.g. \'{"nStartupTrials":10}\'').argParser(parseJsonObject))
    .addOption(new Option('--pruner <kind>', 'nop, median, percentile, successiveHalving, hyperband, threshold or patient (default nop)'))
    .addOption(new Option('--pruner-options <json>', 'the pruner\'s options as JSON, e.g. \'{"reductionFactor":4}\'').argParser(parseJsonObject))
    .addOption(new Option('--seed <n>', 'seed of every trial\'s randomness').argParser(parseCount(0)))
    .addOption(new Option('--max-trials <n>', 'study-wide budget of trials').argParser(parseCount(1)))
    .addOption(new Option('--heartbeat-grace <seconds>', 'fail running trials silent this long (0: never)').argParser(parseCount(0)))
    .addOption(new Option('--max-retries <n>', 're-enqueue a failed trial this many times').argParser(parseCount(0)))
    .option('--load-if-exists', 'succeed, loading it, when the study exists already')
    .addOption(formatOption(['table', 'json']));
  addStudySourceOptions(command);
  command.action((name: string, flags: CreateStudyFlags) =>
    withStudySource(flags, async (source) => {
      const options: CreateStudyOptions = {
        name,
        directions: flags.direction ?? ['minimize'],
        sampler: kindOptions<SamplerOptions>('sampler', flags.sampler, flags.samplerOptions),
        pruner: kindOptions<PrunerOptions>('pruner', flags.pruner, flags.prunerOptions),
        seed: flags.seed,
        maxTrials: flags.maxTrials,
        loadIfExists: flags.loadIfExists ?? false,
        failurePolicy:
          flags.heartbeatGrace === undefined && flags.maxRetries === undefined
            ? undefined
            : { heartbeatGraceSeconds: flags.heartbeatGrace, maxRetries: flags.maxRetries },
      };
      const { study, created } = await source.createStudy(options);
      if (flags.format === 'json') return writeJson({ created, study: studyJson(study, undefined) });
      process.stdout.write(`${created ? 'created' : 'loaded existing'} study ${study.name} (${study.directions.join(', ')}, seed ${study.seed})\n`);
    }),
  );
}

function parseDirections(value: string): Direction[] {
  const directions = value.split(',').map((d) => d.trim().toLowerCase());
  for (const d of directions) if (d !== 'minimize' && d !== 'maximize') throw new InvalidArgumentError('Each direction must be minimize or maximize.');
  return directions as Direction[];
}

function parseJsonObject(value: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (error) {
    throw new InvalidArgumentError(`Not valid JSON (${(error as Error).message}).`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new InvalidArgumentError('Must be a JSON object.');
  return parsed as Record<string, unknown>;
}

function kindOptions<T>(flag: string, kind: string | undefined, options: Record<string, unknown> | undefined): T | undefined {
  if (kind === undefined) {
    if (options !== undefined) throw new UsageError(`--${flag}-options needs --${flag}`);
    return undefined;
  }
  return { [kind.trim()]: options ?? {} } as T;
}
