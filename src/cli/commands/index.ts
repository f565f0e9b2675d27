import type { Command } from 'commander';
import { registerBestCommand } from './best.js';
import { registerCreateStudyCommand } from './create-study.js';
import { registerDeleteStudyCommand } from './delete-study.js';
import { registerEnqueueCommand } from './enqueue.js';
import { registerExportCommand } from './export.js';
import { registerMigrateCommand } from './migrate.js';
import { registerServeCommand } from './serve.js';
import { registerStudiesCommand } from './studies.js';
import { registerStudyShowCommand } from './study-show.js';
import { registerTrialsCommand } from './trials.js';
import { registerWatchCommand } from './watch.js';

/**
 * Every `hpo` subcommand, in the order `hpo --help` lists them. A command lives in its own file in this
 * folder and exports `register<Name>Command(program)`; add it to this list to make it exist.
 */
const COMMANDS: ReadonlyArray<(program: Command) => void> = [
  registerServeCommand,
  registerMigrateCommand,
  // Inspection commands: through a server (--server, HPO_SERVER) or the store directly (--database-url, --data-dir).
  registerStudiesCommand,
  registerStudyShowCommand,
  registerTrialsCommand,
  registerBestCommand,
  registerWatchCommand,
  registerCreateStudyCommand,
  registerDeleteStudyCommand,
  registerEnqueueCommand,
  registerExportCommand,
];

export function registerCommands(program: Command): void {
  for (const register of COMMANDS) register(program);
}
