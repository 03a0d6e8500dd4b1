/**
 * Child process for target 4: one whole `runSync` dry run (what `scim-sync run --dry-run` does,
 * minus the CLI's table printing), so its peak RSS is scim-sync's alone. Prints one JSON line.
 * Imports nothing of the bench's own but the token and runAsChild (node built-ins only), so what
 * the process loads is what the run needs — the CLI would add only commander.
 *
 *   node bench/dist/bench/children/dryRun.js CONFIG
 */
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../../src/config/loadConfig.js';
import { runSync } from '../../src/run/runSync.js';
import pino from 'pino';
import { BENCH_TOKEN } from '../lib/benchToken.js';
import { runAsChild } from '../lib/childProcesses.js';

export interface DryRunOutput {
  exitCode: number;
  result: string;
  wallMs: number;
  /**
   * CPU (user + system) of the whole process, from node's start: module loading included, as
   * the admin's machine pays it. The reference is measured the same way (see bench/README.md).
   */
  cpuMs: number;
  /** CPU from main() on, once the static imports (config loader, runSync and theirs) are loaded. */
  cpuAfterLoadMs: number;
  maxRssMB: number;
  remote?: { users: number; pages: number };
  roster?: { rows: number; accepted: number };
  requests: { total: number };
  summary: unknown;
}

async function main(): Promise<void> {
  const [configPath] = process.argv.slice(2);
  if (!configPath) throw new Error('usage: dryRun.js CONFIG');
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const config = loadConfig(configPath, { SCIM_TOKEN: BENCH_TOKEN });
  const { exitCode, report } = await runSync(config, { dryRun: true }, pino({ level: 'silent' }));
  const cpu = process.cpuUsage(cpu0);
  const whole = process.cpuUsage();
  const out: DryRunOutput = {
    exitCode,
    result: report.result,
    wallMs: performance.now() - t0,
    cpuMs: (whole.user + whole.system) / 1000,
    cpuAfterLoadMs: (cpu.user + cpu.system) / 1000,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
    remote: report.remote,
    roster: report.roster && { rows: report.roster.rows, accepted: report.roster.accepted },
    requests: { total: report.requests.total },
    summary: report.summary,
  };
  process.stdout.write(JSON.stringify(out) + '\n');
}

runAsChild(main);
