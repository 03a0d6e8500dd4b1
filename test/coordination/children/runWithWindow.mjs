// A child process for the shared-budget tests: the real `scim-sync run` (dist/cli/runCommand.js)
// with a short rate window, which no command-line flag sets. Plain JS: it runs the compiled CLI.
//   node runWithWindow.mjs CONFIG WINDOW_MS
import process from 'node:process';
import { runCommand } from '../../../dist/cli/runCommand.js';

const [config, windowMs] = process.argv.slice(2);
process.exitCode = await runCommand({ config, dryRun: false, quiet: true, rateWindowMs: Number(windowMs) });
