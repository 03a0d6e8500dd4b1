/**
 * Child process for the shared-budget benchmark: the real `scim-sync run` (runCommand) with a
 * rolling window shorter than 60 s, which no command-line flag sets.
 *
 *   node bench/dist/bench/children/runWithWindow.js CONFIG WINDOW_MS
 */
import { runCommand } from '../../src/cli/runCommand.js';

const [config, windowMs] = process.argv.slice(2);
process.env.SCIM_TOKEN ??= 'bench-token-not-a-secret';
process.exitCode = await runCommand({ config: config!, dryRun: false, quiet: true, rateWindowMs: Number(windowMs) });
