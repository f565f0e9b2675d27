import { Command } from 'commander';
import { registerCommands } from './commands/index.js';
import { packageVersion } from './package-version.js';

/** `hpo`: the server and the study-inspection tool in one binary (see `hpo --help`). */
const program = new Command('hpo')
  .description('Hyperparameter optimisation as a gRPC service')
  .version(packageVersion())
  // A usage error stays one line (plus a hint), as every hpo error: the full help would bury it.
  .showHelpAfterError('(add --help for usage)');

registerCommands(program);

await program.parseAsync(process.argv);
