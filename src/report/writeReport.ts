import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { RunReport } from './runReport.js';

/**
 * Writes the report atomically (temp file + rename), so a crash or a full disk never leaves a
 * half-written report that tooling would choke on. Returns the path written.
 */
export function writeReport(report: RunReport, target: { file?: string; dir: string }): string {
  const path = target.file ?? join(target.dir, `scim-sync-${report.startedAt.replace(/[:.]/g, '-')}-${report.runId.slice(0, 8)}.json`);
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify(report, null, 2) + '\n', { mode: 0o640 });
  renameSync(temp, path);
  return path;
}
