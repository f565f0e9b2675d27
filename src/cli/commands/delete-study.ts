import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { addStudySourceOptions, type StudySourceFlags, UsageError, withStudySource } from '../study-source-options.js';

/** `hpo delete-study NAME`: deletes a study and its trials, after a confirmation unless --yes. */
export function registerDeleteStudyCommand(program: Command): void {
  const command = program
    .command('delete-study')
    .description('delete a study and all its trials (asks first unless --yes)')
    .argument('<study>', 'study name')
    .option('-y, --yes', 'do not ask for confirmation');
  addStudySourceOptions(command);
  command.action((name: string, flags: StudySourceFlags & { yes?: boolean }) =>
    withStudySource(flags, async (source) => {
      const info = await source.getStudy(name);
      const c = info.trialCounts;
      const total = c.waiting + c.running + c.complete + c.pruned + c.fail;
      if (!flags.yes) {
        if (!process.stdin.isTTY) throw new UsageError(`refusing to delete study ${name} without confirmation: pass --yes when not on a terminal`);
        const rl = createInterface({ input: process.stdin, output: process.stderr });
        const answer = await rl.question(`Delete study ${name} and its ${total} trial${total === 1 ? '' : 's'}${c.running > 0 ? ` (${c.running} running)` : ''}? [y/N] `);
        rl.close();
        if (!/^y(es)?$/i.test(answer.trim())) {
          process.stderr.write('not deleted\n');
          process.exitCode = 1;
          return;
        }
      }
      await source.deleteStudy(name);
      process.stdout.write(`deleted study ${name} (${total} trial${total === 1 ? '' : 's'})\n`);
    }),
  );
}
