import type { OperationOutcome } from '../domain/outcome.js';
import { showInput } from '../display/quoteInput.js';
import { escapeControlChars } from '../display/escapeControlChars.js';
import type { RunReport } from './runReport.js';
import { UPCOMING_DAYS } from '../domain/lifecycle.js';

/**
 * The plan / outcomes as a fixed-width table for a terminal. With no operations it says why:
 * nothing to do, or no plan at all because the run was refused or stopped before planning.
 */
export function formatPlanTable(report: Pick<RunReport, 'operations' | 'remote' | 'refused' | 'error' | 'unchangedSince' | 'upcoming'>): string {
  return formatOperations(report) + formatUpcoming(report.upcoming ?? []);
}

function formatOperations(report: Pick<RunReport, 'operations' | 'remote' | 'refused' | 'error' | 'unchangedSince'>): string {
  const operations: readonly OperationOutcome[] = report.operations;
  if (operations.length === 0) {
    if (report.unchangedSince) return 'Nothing read or sent: the roster and settings are unchanged since the last complete run (sync.fullReadEvery).\n';
    if (report.refused || report.error || !report.remote) return 'No plan was made: the run stopped before planning (the reason is below).\n';
    return 'Nothing to do: the service already matches the roster.\n';
  }
  const rows = operations.map((o) => [
    o.op,
    o.userName,
    o.changes ?? '',
    o.outcome + (o.detail ? ` (${o.httpStatus !== undefined ? `${o.httpStatus} ` : ''}${o.detail})` : ''),
  ]);
  return formatTable(['OPERATION', 'USER', 'CHANGE', 'OUTCOME'], rows);
}

/**
 * What the start and end dates will do next, so an admin can check a start or a termination
 * before it happens (times in UTC, as in the report).
 */
function formatUpcoming(upcoming: NonNullable<RunReport['upcoming']>): string {
  if (upcoming.length === 0) return '';
  const rows = upcoming.map((u) => [u.at.replace('T', ' ').replace(/Z$/, ' UTC'), u.op, u.userName]);
  return (
    `\nUpcoming in the next ${UPCOMING_DAYS} days (from the roster's start and end dates, if it stays as it is):\n` +
    formatTable(['FROM', 'OPERATION', 'USER'], rows)
  );
}

/** Rows under a header, in fixed-width columns (at most 60 wide; the last column runs on). */
export function formatTable(header: string[], rawRows: string[][]): string {
  const rows = rawRows.map((row) => row.map(tableCell));
  const widths = header.map((h, i) => Math.min(60, Math.max(h.length, ...rows.map((r) => r[i]!.length))));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

/**
 * Cells hold roster values and service replies: control characters (tab and newlines included,
 * they would break the row) are shown escaped, and a huge value is cut (the report has it whole).
 */
function tableCell(text: string): string {
  return escapeControlChars(showInput(text, MAX_TABLE_CELL_CHARS), { tab: false });
}

/** Enough for a long list of changed fields; a multi-megabyte cell would flood the terminal. */
const MAX_TABLE_CELL_CHARS = 500;

export function formatSummary(report: RunReport, reportPath?: string): string {
  const s = report.summary;
  const pair = (name: string, p: { planned: number; succeeded: number }) => (report.dryRun ? `${name} ${p.planned}` : `${name} ${p.succeeded}/${p.planned}`);
  const lines = [
    `${report.dryRun ? 'DRY RUN — nothing was sent. ' : ''}${report.result}`,
    `  ${[pair('create', s.create), pair('update', s.update), pair('deactivate', s.deactivate), pair('reactivate', s.reactivate)].join(', ')}; ` +
      `unchanged ${s.unchanged}, failed ${s.failed}, skipped ${s.skipped}, not attempted ${s.notAttempted}`,
  ];
  if (report.roster) {
    const outOfScope = report.roster.outOfScope === undefined ? '' : `, ${report.roster.outOfScope} out of scope`;
    lines.push(`  roster: ${report.roster.accepted} of ${report.roster.rows} rows accepted, ${report.roster.rejected.length} rejected${outOfScope}`);
  }
  if (report.pending?.length || report.upcoming?.length) {
    const next = report.pending?.[0];
    lines.push(
      `  dates: ${people(report.pending?.length ?? 0)} waiting for their start date` +
        (next ? ` (next: ${next.userName} on ${next.createOn})` : '') +
        `, ${count(report.upcoming?.length ?? 0, 'change')} in the next ${UPCOMING_DAYS} days`,
    );
  }
  if (report.remote)
    lines.push(
      `  service: ${count(report.remote.users, 'user')} read in ${count(report.remote.pages, 'page')}; ${count(report.requests.total, 'request')}, ${report.requests.retries} retries, ${report.requests.throttled} throttled`,
    );
  if (report.manage && report.unmanaged) lines.push(`  accounts: ${describeAccounts(report.manage, report.unmanaged)}`);
  if (report.refused) lines.push(`  refused: ${report.refused.reason}`, `  next: ${report.refused.howToProceed}`);
  if (report.stoppedBecause)
    lines.push(`  stopped: ${report.stoppedBecause.reason}${report.stoppedBecause.detail ? ` — ${report.stoppedBecause.detail}` : ''}`);
  if (report.error) lines.push(`  error: ${report.error}`);
  if (reportPath) lines.push(`  report: ${reportPath}`);
  if (report.planFile) {
    const { path, digest, use } = report.planFile;
    lines.push(`  plan file: ${path} (${use === 'applied' ? 'applied' : 'saved'}; digest ${digest})`);
    if (use === 'saved' && !report.refused) lines.push(`  next: review it with \`scim-sync show ${path}\`, then \`scim-sync apply ${path}\``);
  }
  // The result, refusal and error quote roster values and service replies: no raw control characters.
  return lines.map((line) => escapeControlChars(line)).join('\n') + '\n';
}

/**
 * "9 managed (domains corp.example; ledger), 2 unmanaged, left alone: bot@tools.example, guest@partner.example".
 * `validate` prints the same line, so the effect of sync.manage is seen before the first real run.
 */
export function describeAccounts(manage: NonNullable<RunReport['manage']>, unmanaged: NonNullable<RunReport['unmanaged']>): string {
  const why = [
    manage.domains === '*' ? 'every account (domains "*")' : `domains ${manage.domains.length > 0 ? manage.domains.join(', ') : '(none)'}`,
    ...(manage.linked ? [`ledger (${count(manage.ledgerAccounts, 'account')})`] : []),
  ].join(' + ');
  const shown = unmanaged.sample.slice(0, UNMANAGED_SHOWN);
  const more = unmanaged.count > shown.length ? `, … (${unmanaged.count - shown.length} more in the report)` : '';
  const names = unmanaged.count === 0 ? '' : `, left alone: ${shown.map((n) => showInput(n)).join(', ')}${more}`;
  return `${manage.managed} managed by ${why}; ${unmanaged.count} unmanaged${names}`;
}

/** Unmanaged userNames named in the summary; the report names 20. */
const UNMANAGED_SHOWN = 5;

function people(n: number): string {
  return `${n} ${n === 1 ? 'person' : 'people'}`;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
