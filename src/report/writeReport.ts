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

/** Where a run's report goes: `--report FILE`, or a new file named by the run's start and id (what pruneReports recognises). */
export function reportPathFor(run: Pick<RunReport, 'startedAt' | 'runId'>, target: { file?: string; dir: string }): string {
  return target.file ?? join(target.dir, `scim-sync-${run.startedAt.replace(/[:.]/g, '-')}-${run.runId.slice(0, 8)}.json`);
}
