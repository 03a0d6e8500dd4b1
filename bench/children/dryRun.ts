/**
 * The dry-run child of target 4: the shipped CLI itself, `node dist/scim-sync.js run --dry-run`
 * (the bundle `npm run build` makes), exactly as an admin runs it — no bench code in the process.
 * So its figures come from outside: CPU (user + system) and peak RSS of the whole process from
 * `/usr/bin/time -v`, node's start and module loading included; what the run did from the JSON
 * report it writes (`--report`).
 */
import { readFileSync } from 'node:fs';
import type { RunReport } from '../../src/report/runReport.js';
import { BENCH_TOKEN } from '../lib/benchToken.js';
import { canMeasureFromOutside, runMeasured } from '../lib/childProcesses.js';
import { SHIPPED_CLI } from '../lib/paths.js';

export interface DryRunOutput {
  exitCode: number | null;
  /** The report's one-line result. */
  result: string;
  /** Wall time of the whole process, from the parent. */
  wallMs: number;
  /** CPU (user + system) of the whole process, from node's start to its exit: /usr/bin/time -v. */
  cpuMs: number;
  /** Peak RSS of the whole process: /usr/bin/time -v. */
  peakRssMB: number;
  remote?: { users: number; pages: number };
  roster?: { rows: number; accepted: number };
  requests: { total: number };
  summary: RunReport['summary'];
}

/** Runs `scim-sync run --dry-run --config CONFIG --report REPORT` and reads what it wrote. */
export async function runShippedDryRun(configPath: string, reportPath: string): Promise<DryRunOutput> {
  if (!canMeasureFromOutside()) throw new Error('the dry run is measured with /usr/bin/time -v: install it (apt-get install time)');
  const args = ['run', '--dry-run', '--config', configPath, '--report', reportPath];
  const run = await runMeasured(SHIPPED_CLI, args, { env: { PATH: process.env.PATH ?? '', SCIM_TOKEN: BENCH_TOKEN } });
  let report: RunReport;
  try {
    report = JSON.parse(readFileSync(reportPath, 'utf8')) as RunReport;
  } catch (error) {
    throw new Error(`scim-sync ${args.join(' ')} exited ${run.exitCode} without a readable report (${String(error)}).\nstderr: ${run.stderr.slice(-4000)}`);
  }
  if (run.timeCpuMs === undefined || run.timePeakRssMB === undefined)
    throw new Error(`/usr/bin/time -v gave no CPU or peak RSS for the dry run: ${run.stderr.slice(-2000)}`);
  return {
    exitCode: run.exitCode,
    result: report.result,
    wallMs: run.wallMs,
    cpuMs: run.timeCpuMs,
    peakRssMB: run.timePeakRssMB,
    remote: report.remote,
    roster: report.roster && { rows: report.roster.rows, accepted: report.roster.accepted },
    requests: { total: report.requests.total },
    summary: report.summary,
  };
}
