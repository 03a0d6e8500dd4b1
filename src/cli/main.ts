#!/usr/bin/env node
import { Command, InvalidArgumentError, Option } from 'commander';
import { escapeControlChars } from '../display/escapeControlChars.js';
import { runCommand } from './runCommand.js';
import { validateCommand } from './validateCommand.js';
import { showCommand } from './showCommand.js';
import { historyCommand } from './historyCommand.js';
import type { OperationKind } from '../domain/plan.js';
import { keepHeapNearLiveSize } from './heapGrowth.js';

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
const rosterOption = () =>
  new Option('--roster <file>', 'read the roster from this file, or from standard input with "-", instead of source.path / source.url');

program
  .command('run')
  .description('reconcile once: read the roster and the service, send the changes, write a report')
  .addOption(configOption())
  .option('--dry-run', 'read everything and show the plan; send no POST/PUT/PATCH/DELETE', false)
  .option('--report <file>', 'write the JSON report here instead of a new file in report.dir')
  .option('--allow-deactivations <n>', 'accept up to N deactivations this run, above sync.maxDeactivations (after checking the plan)', parseCount)
  .option(
    '--allow-member-removals <n>',
    'accept up to N group membership removals this run, above groups.maxMemberRemovals (after checking the plan)',
    parseCount,
  )
  .option('--only <userName>', 'plan and apply only for this user (repeatable)', (value: string, all: string[] = []) => [...all, value])
  .option('-q, --quiet', 'only warnings and errors; print the summary only if something went wrong', false)
  .option('--http-port <port>', 'serve /healthz, /readyz and /metrics on http.host while the run goes on', parseCount)
  .addOption(rosterOption())
  // For tests only, hidden from --help: judge the roster's start and end dates at this time.
  .addOption(new Option('--now <time>', 'judge start and end dates at this ISO time (tests only)').argParser(parseInstant).hideHelp())
  .action(
    async (opts: {
      config: string;
      dryRun: boolean;
      report?: string;
      allowDeactivations?: number;
      allowMemberRemovals?: number;
      only?: string[];
      quiet: boolean;
      httpPort?: number;
      roster?: string;
      now?: Date;
    }) => {
      process.exitCode = await runCommand(opts);
    },
  );

program
  .command('plan')
  .description('read the roster and the service, show the plan and save it to a plan file for review and `apply`; sends no write')
  .addOption(configOption())
  .requiredOption('--out <file>', 'write the plan file here')
  .option('--report <file>', 'write the JSON report here instead of a new file in report.dir')
  .option('-q, --quiet', 'only warnings and errors', false)
  .action(async (opts: { config: string; out: string; report?: string; quiet: boolean }) => {
    process.exitCode = await runCommand({ config: opts.config, dryRun: true, savePlanTo: opts.out, report: opts.report, quiet: opts.quiet });
  });

program
  .command('apply')
  .description('send a saved plan: re-read the service, skip operations whose account changed since (stale), send the rest')
  .argument('<file>', 'the plan file (from `scim-sync plan --out`, or saved beside a refused run’s report)')
  .addOption(configOption())
  .option('--report <file>', 'write the JSON report here instead of a new file in report.dir')
  .option('-q, --quiet', 'only warnings and errors; print the summary only if something went wrong', false)
  .option('--http-port <port>', 'serve /healthz, /readyz and /metrics on http.host while the run goes on', parseCount)
  .action(async (file: string, opts: { config: string; report?: string; quiet: boolean; httpPort?: number }) => {
    process.exitCode = await runCommand({ ...opts, dryRun: false, applyPlan: file });
  });

program
  .command('show')
  .description('print a plan file or a run report as a table; reads only the file')
  .argument('<file>', 'a plan file or a report')
  .option('--op <kind>', 'list only this kind of operation: create, update, deactivate, reactivate (repeatable)', parseOpKind)
  .action((file: string, opts: { op?: OperationKind[] }) => {
    process.exitCode = showCommand(file, opts);
  });

program
  .command('history')
  .description('list past runs from report.dir, newest first: time, result, exit code, counts, requests, duration')
  .addOption(configOption())
  .option('--last <n>', 'how many runs', parsePositive, 20)
  .action((opts: { config: string; last: number }) => {
    process.exitCode = historyCommand(opts);
  });

program
  .command('daemon')
  .description('run on the schedule in daemon.schedule until SIGTERM; serves /healthz, /readyz, /metrics')
  .addOption(configOption())
  .option('-q, --quiet', 'only warnings and errors', false)
  .action(async (opts: { config: string; quiet: boolean }) => {
    // Loaded only here: the schedule, the health server and the metrics (prom-client) are the daemon's.
    const { daemonCommand } = await import('./daemonCommand.js');
    process.exitCode = await daemonCommand(opts);
  });

program
  .command('validate')
  .description('check config, roster and service (ServiceProviderConfig, one page of users); sends no write')
  .addOption(configOption())
  .addOption(rosterOption())
  .action(async (opts: { config: string; roster?: string }) => {
    process.exitCode = await validateCommand(opts);
  });

const OP_KINDS: readonly OperationKind[] = ['create', 'update', 'deactivate', 'reactivate'];

function parseOpKind(value: string, all: OperationKind[] = []): OperationKind[] {
  const kinds = value.split(',').map((k) => k.trim());
  const unknown = kinds.filter((k) => !OP_KINDS.includes(k as OperationKind));
  if (unknown.length > 0) throw new InvalidArgumentError(`expected one of ${OP_KINDS.join(', ')} (got ${unknown.join(', ')})`);
  return [...all, ...(kinds as OperationKind[])];
}

function parsePositive(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number ≥ 1');
  return n;
}

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

keepHeapNearLiveSize();
try {
  await program.parseAsync(process.argv);
} catch (error) {
  // An unexpected failure: say what it was, without a stack trace full of internals, and exit 1.
  process.stderr.write(`scim-sync: unexpected error: ${escapeControlChars(String((error as Error).message))}\n`);
  process.exitCode = 1;
}
