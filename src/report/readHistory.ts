import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GENERATED_REPORT } from './pruneReports.js';
import type { RunReport } from './runReport.js';

/** One past run as found in report.dir: its report, or why the file can't be read as one. */
export type HistoryEntry = { file: string; report: RunReport } | { file: string; broken: string };

/**
 * The newest `last` reports in `dir`, newest first (their names begin with the run's start
 * time). A file that is not a readable report — cut short by a full disk, edited by hand — is
 * listed as broken with the reason, never a crash: the history is most needed when things went wrong.
 */
export function readHistory(dir: string, last: number): HistoryEntry[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((f) => GENERATED_REPORT.test(f));
  } catch {
    return [];
  }
  return names
    .sort()
    .reverse()
    .slice(0, last)
    .map((name) => readEntry(join(dir, name)));
}

function readEntry(file: string): HistoryEntry {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    return { file, broken: `unreadable: ${(error as Error).message}` };
  }
  const r = (value ?? {}) as Partial<Record<keyof RunReport, unknown>>;
  const missing = (['runId', 'startedAt', 'finishedAt', 'outcome', 'exitCode', 'summary', 'requests'] as const).filter((k) => r[k] === undefined);
  if (missing.length > 0) return { file, broken: `not a report: no ${missing.join(', ')}` };
  return { file, report: value as RunReport };
}

/** The start time a generated report's name carries (`scim-sync-2026-11-23T10-00-00-000Z-…`), as ISO text. */
export function timeFromName(file: string): string {
  const m = /scim-sync-(\d{4}-\d\d-\d\d)T(\d\d)-(\d\d)-(\d\d)-(\d{3})Z/.exec(file);
  return m ? `${m[1]}T${m[2]}:${m[3]}:${m[4]}.${m[5]}Z` : '?';
}
