import { writeFile } from 'node:fs/promises';
import { type Command, Option } from 'commander';
import { studyJson, trialJson, trialsCsv } from '../output/trial-output.js';
import { addStudySourceOptions, type StudySourceFlags, withStudySource } from '../study-source-options.js';

/** `hpo export NAME --format csv|json`: every trial of a study (and, for JSON, the study itself), to stdout or a file. */
export function registerExportCommand(program: Command): void {
  const command = program
    .command('export')
    .description('export a study\'s trials as CSV or JSON')
    .argument('<study>', 'study name')
    .addOption(new Option('--format <format>', 'output format').choices(['csv', 'json']).makeOptionMandatory())
    .option('-o, --output <file>', 'write to this file instead of stdout');
  addStudySourceOptions(command);
  command.action((name: string, flags: StudySourceFlags & { format: 'csv' | 'json'; output?: string }) =>
    withStudySource(flags, async (source) => {
      const [info, trials, best] = await Promise.all([source.getStudy(name), source.trials(name), source.bestTrials(name)]);
      const text =
        flags.format === 'csv'
          ? trialsCsv(trials, info.directions)
          : `${JSON.stringify({ study: studyJson(info, best), trials: trials.map(trialJson) }, null, 2)}\n`;
      if (flags.output) {
        await writeFile(flags.output, text);
        process.stderr.write(`exported ${trials.length} trials of ${name} to ${flags.output}\n`);
      } else process.stdout.write(text);
    }),
  );
}
