import type { StudyInfo } from '@hpo/client';
import type { Command } from 'commander';
import { formatOption, terminal, writeJson } from '../command-helpers.js';
import { formatNumber, formatTime } from '../output/format-value.js';
import { renderTable } from '../output/table.js';
import { studyJson } from '../output/trial-output.js';
import { addStudySourceOptions, type StudySourceFlags, withStudySource } from '../study-source-options.js';

/** `hpo studies`: every study with its directions, trials by state, best value and creation time. */
export function registerStudiesCommand(program: Command): void {
  const command = program.command('studies').description('list studies: directions, trials by state, best value, created');
  addStudySourceOptions(command).addOption(formatOption(['table', 'json']));
  command.action((flags: StudySourceFlags & { format: 'table' | 'json' }) =>
    withStudySource(flags, async (source) => {
      const studies = await source.listStudies();
      const best = await Promise.all(studies.map((s) => (s.trialCounts.complete > 0 ? source.bestTrials(s.name) : Promise.resolve([]))));
      if (flags.format === 'json') return writeJson(studies.map((s, i) => studyJson(s, best[i])));
      const out = terminal();
      if (studies.length === 0) return out.write(['no studies yet (create one with `hpo create-study NAME` or from the SDK)']);
      const rows = studies.map((s, i) => ({ s, best: bestLabel(s, best[i].map((t) => t.values ?? [])) }));
      out.write(
        renderTable(
          [
            { header: 'NAME', value: (r) => r.s.name, maxWidth: 32 },
            { header: 'DIRECTIONS', value: (r) => r.s.directions.join(',') },
            { header: 'STATE', value: (r) => r.s.state },
            { header: 'COMPLETE', value: (r) => String(r.s.trialCounts.complete), align: 'right' },
            { header: 'PRUNED', value: (r) => String(r.s.trialCounts.pruned), align: 'right' },
            { header: 'FAIL', value: (r) => String(r.s.trialCounts.fail), align: 'right' },
            { header: 'RUNNING', value: (r) => String(r.s.trialCounts.running), align: 'right' },
            { header: 'WAITING', value: (r) => String(r.s.trialCounts.waiting), align: 'right' },
            { header: 'BEST', value: (r) => r.best, align: 'right' },
            { header: 'CREATED', value: (r) => formatTime(r.s.createdAt) },
          ],
          rows,
          out,
        ),
      );
    }),
  );
}

function bestLabel(s: StudyInfo, values: readonly (readonly number[])[]): string {
  if (values.length === 0) return '';
  if (s.directions.length === 1) return formatNumber(values[0][0]);
  return `${values.length} on front`;
}
