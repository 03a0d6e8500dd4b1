import { join } from 'node:path';
import { writePrivateFileAtomically } from './privateFile.js';
import type { RunReport } from './runReport.js';

/**
 * Writes the report atomically (temp file + rename), so a crash or a full disk never leaves a
 * half-written report that tooling would choke on. Owner-only (see privateFile.ts). Returns the path written.
 */
export function writeReport(report: RunReport, target: { file?: string; dir: string }): string {
  const path = reportPathFor(report, target);
  writePrivateFileAtomically(path, JSON.stringify(report, null, 2) + '\n'); // 0600 in a 0700 folder: it lists your staff
  return path;
}

/** Where a run's report goes: `--report FILE`, or a new file named as below (what pruneReports recognises). */
export function reportPathFor(report: Pick<RunReport, 'startedAt' | 'runId' | 'dryRun' | 'exitCode'>, target: { file?: string; dir: string }): string {
  return target.file ?? join(target.dir, reportFileName(report));
}

/**
 * `scim-sync-<startedAt>-<runId8>[-dry-run]-exit<code>.json`: a listing of the folder shows which
 * runs were dry runs and which failed, without opening them. Sorts by time like before.
 */
export function reportFileName(report: Pick<RunReport, 'startedAt' | 'runId' | 'dryRun' | 'exitCode'>): string {
  return `scim-sync-${report.startedAt.replace(/[:.]/g, '-')}-${report.runId.slice(0, 8)}${report.dryRun ? '-dry-run' : ''}-exit${report.exitCode}.json`;
}
