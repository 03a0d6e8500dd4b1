#!/usr/bin/env node
import { Command, InvalidArgumentError, Option } from 'commander';
import { escapeControlChars } from '../display/escapeControlChars.js';
import { daemonCommand } from './daemonCommand.js';
import { runCommand } from './runCommand.js';
import { validateCommand } from './validateCommand.js';

/**
 * The command line. Only parses arguments and hands over; no decisions here.
 * There is deliberately no --token option: argv is visible to every user on the host (ps).
 */
const program = new Command()
  .name('scim-sync')
  .description('Make a SCIM 2.0 service match an HR roster (CSV).')
  .showHelpAfterError()
  .addHelpText('after', '\nExit codes: 0 ok, 1 some operations failed, 2 config/roster unusable, 3 refused for safety, 4 another run holds the lock.');

const configOption = () => new Option('-c, --config <file>', 'config file (YAML)').default('config/scim-sync.yaml');

program
  .command('run')
  .description('reconcile once: read the roster and the service, send the changes, write a report')
  .addOption(configOption())
  .option('--dry-run', 'read everything and show the plan; send no POST/PUT/PATCH/DELETE', false)
  .option('--report <file>', 'write the JSON report here instead of a new file in report.dir')
  .option('--allow-deactivations <n>', 'accept up to N deactivations this run, above sync.maxDeactivations (after checking the plan)', parseCount)
  .option('--only <userName>', 'plan and apply only for this user (repeatable)', (value: string, all: string[] = []) => [...all, value])
  .option('-q, --quiet', 'only warnings and errors; print the summary only if something went wrong', false)
  .option('--http-port <port>', 'serve /healthz, /readyz and /metrics on http.host while the run goes on', parseCount)
  // For tests only, hidden from --help: judge the roster's start and end dates at this time.
  .addOption(new Option('--now <time>', 'judge start and end dates at this ISO time (tests only)').argParser(parseInstant).hideHelp())
  .action(
    async (opts: {
      config: string;
      dryRun: boolean;
      report?: string;
      allowDeactivations?: number;
      only?: string[];
      quiet: boolean;
      httpPort?: number;
      now?: Date;
    }) => {
      process.exitCode = await runCommand(opts);
    },
  );

program
  .command('daemon')
  .description('run on the schedule in daemon.schedule until SIGTERM; serves /healthz, /readyz, /metrics')
  .addOption(configOption())
  .option('-q, --quiet', 'only warnings and errors', false)
  .action(async (opts: { config: string; quiet: boolean }) => {
    process.exitCode = await daemonCommand(opts);
  });

program
  .command('validate')
  .description('check config, roster and service (ServiceProviderConfig, one page of users); sends no write')
  .addOption(configOption())
  .action(async (opts: { config: string }) => {
    process.exitCode = await validateCommand(opts);
  });

/** An ISO 8601 time with its offset (`2026-03-08T12:00:00Z`): a time without one would depend on the host's zone. */
function parseInstant(value: string): Date {
  const at = new Date(value);
  if (!/(Z|[+-]\d\d:?\d\d)$/i.test(value) || Number.isNaN(at.getTime()))
    throw new InvalidArgumentError('expected an ISO time with an offset, e.g. 2026-03-08T12:00:00Z');
  return at;
}

function parseCount(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number ≥ 0');
  return n;
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  // An unexpected failure: say what it was, without a stack trace full of internals, and exit 1.
  process.stderr.write(`scim-sync: unexpected error: ${escapeControlChars(String((error as Error).message))}\n`);
  process.exitCode = 1;
}
