import type { Command } from 'commander';
import { formatOption, terminal, writeJson } from '../command-helpers.js';
import { formatNumber, formatParam } from '../output/format-value.js';
import { trialJson, trialsTable } from '../output/trial-output.js';
import { addStudySourceOptions, type StudySourceFlags, withStudySource } from '../study-source-options.js';

/** `hpo best NAME`: the best trial, or the Pareto front when the study has several objectives. */
export function registerBestCommand(program: Command): void {
  const command = program
    .command('best')
    .description('the best trial of a study (the Pareto front for several objectives)')
    .argument('<study>', 'study name');
  addStudySourceOptions(command).addOption(formatOption(['table', 'json']));
  command.action((name: string, flags: StudySourceFlags & { format: 'table' | 'json' }) =>
    withStudySource(flags, async (source) => {
      const study = await source.getStudy(name);
      const best = await source.bestTrials(name);
      if (flags.format === 'json') return writeJson({ study: study.name, directions: study.directions, best_trials: best.map(trialJson) });
      const out = terminal();
      if (best.length === 0) return out.write([`study ${name} has no complete trial yet`]);
      if (study.directions.length > 1) {
        out.write([`Pareto front of ${name}: ${best.length} trial${best.length === 1 ? '' : 's'} (${study.directions.join(', ')})`, '']);
        return out.write(trialsTable(best, study.directions, out));
      }
      const t = best[0];
      const lines = [
        `${out.style.bold(`Best trial of ${name}`)}: #${t.number} (${study.directions[0]})`,
        `  value   ${out.style.green(formatNumber(t.value))}`,
        ...Object.entries(t.params).map(([k, v], i) => `  ${i === 0 ? 'params' : '      '}  ${k} = ${formatParam(v)}`),
        ...Object.entries(t.userAttrs).map(([k, v], i) => `  ${i === 0 ? 'attrs ' : '      '}  ${k} = ${formatParam(v)}`),
      ];
      out.write(lines);
    }),
  );
}
