#!/usr/bin/env node
import { Command, InvalidArgumentError, Option } from 'commander';
import { runCommand } from './runCommand.js';

/**
 * The command line. Only parses arguments and hands over; no decisions here.
 * There is deliberately no --token flag: argv is visible to every user on the host (ps).
 */
const program = new Command()
  .name('scim-sync')
  .description('Make a SCIM 2.0 service match an HR roster (CSV).')
  .showHelpAfterError();

program
  .command('run')
  .description('reconcile once: read the roster and the service, send the changes, write a report')
  .addOption(new Option('-c, --config <file>', 'config file (YAML)').default('config/scim-sync.yaml'))
  .option('--dry-run', 'read everything and show the plan; send no POST/PUT/PATCH/DELETE', false)
  .option('--report <file>', 'write the JSON report here instead of a new file in report.dir')
  .option('--allow-deactivations <n>', 'accept up to N deactivations this run, above sync.maxDeactivations (after checking the plan)', parseCount)
  .action(async (opts: { config: string; dryRun: boolean; report?: string; allowDeactivations?: number }) => {
    process.exitCode = await runCommand(opts);
  });

function parseCount(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number ≥ 0');
  return n;
}

await program.parseAsync(process.argv);
