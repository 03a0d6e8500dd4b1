import { basename } from 'node:path';
import { formatTable } from './formatPlanTable.js';
import { type HistoryEntry, timeFromName } from './readHistory.js';

/** Past runs as a table, newest first: time, result, exit code, counts (succeeded/planned), requests, duration. */
export function formatHistory(entries: readonly HistoryEntry[], dir: string): string {
  if (entries.length === 0) return `No reports in ${dir}.\n`;
  const rows = entries.map((entry) => {
    if ('broken' in entry) return [timeFromName(entry.file), `BROKEN ${basename(entry.file)}: ${entry.broken}`, '', '', '', '', '', '', '', ''];
    const r = entry.report;
    const pair = (p: { planned: number; succeeded: number }) => (r.dryRun ? `${p.planned}` : `${p.succeeded}/${p.planned}`);
    const seconds = (Date.parse(r.finishedAt) - Date.parse(r.startedAt)) / 1000;
    return [
      r.startedAt,
      `${r.outcome}${r.dryRun ? ' (dry run)' : ''}${r.planFile?.use === 'applied' ? ' (apply)' : ''}`,
      String(r.exitCode),
      pair(r.summary.create),
      pair(r.summary.update),
      pair(r.summary.deactivate),
      pair(r.summary.reactivate),
      String(r.summary.failed),
      String(r.requests.total),
      Number.isFinite(seconds) ? `${seconds.toFixed(1)} s` : '?',
    ];
  });
  return formatTable(['TIME', 'RESULT', 'EXIT', 'CREATE', 'UPDATE', 'DEACTIVATE', 'REACTIVATE', 'FAILED', 'REQUESTS', 'DURATION'], rows);
}
