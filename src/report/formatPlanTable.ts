import type { OperationOutcome } from '../domain/outcome.js';
import type { GroupOperationOutcome, MembershipReason } from '../domain/groupOperation.js';
import { showInput } from '../display/quoteInput.js';
import { escapeControlChars } from '../display/escapeControlChars.js';
import type { RunReport } from './runReport.js';
import { UPCOMING_DAYS } from '../domain/lifecycle.js';
import type { SkippedUser } from '../domain/plan.js';
import { countOf } from '../display/countOf.js';

/**
 * The plan / outcomes as a fixed-width table for a terminal. With no operations it is empty when
 * the summary's first line says it all (nothing to do, nothing read), and says "no plan was made"
 * when the run was refused or stopped before planning (the summary says why).
 */
export function formatPlanTable(report: Pick<RunReport, 'operations' | 'remote' | 'refused' | 'error' | 'unchangedSince' | 'upcoming' | 'groups'>): string {
  return formatOperations(report) + formatGroupOperations(report.groups?.operations ?? []) + formatUpcoming(report.upcoming ?? []);
}

/** The group operations (`groups`): which group, who is added or removed and why, how it went. */
function formatGroupOperations(operations: readonly GroupOperationOutcome[]): string {
  if (operations.length === 0) return '';
  const rows = operations.map((o) => [
    o.op,
    o.group,
    o.members.map((m) => m.userName).join(', '),
    whyMembers(o),
    o.outcome + (o.adopted ? ' (adopted: it existed already)' : '') + (o.detail ? ` (${o.httpStatus !== undefined ? `${o.httpStatus} ` : ''}${o.detail})` : ''),
  ]);
  return '\nGroups:\n' + formatTable(['OPERATION', 'GROUP', 'MEMBERS', 'WHY', 'OUTCOME'], rows);
}

/** One reason in words, or each with its count when the members of one request differ (the report has each member's). */
function whyMembers(o: GroupOperationOutcome): string {
  if (o.op === 'delete-group') return 'empty, and no roster row names it (groups.deleteEmpty)';
  const counts = new Map<MembershipReason, number>();
  for (const m of o.members) counts.set(m.reason, (counts.get(m.reason) ?? 0) + 1);
  if (counts.size === 1) return MEMBERSHIP_REASONS[[...counts.keys()][0]!];
  return [...counts].map(([reason, n]) => `${n}: ${MEMBERSHIP_REASONS[reason]}`).join('; ');
}

const MEMBERSHIP_REASONS: Record<MembershipReason, string> = {
  'named-by-row': 'their roster rows name it',
  'not-named-by-row': 'their roster rows name other groups',
  leaver: 'leaving (deactivated, or inactive in the roster)',
};

function formatOperations(report: Pick<RunReport, 'operations' | 'remote' | 'refused' | 'error' | 'unchangedSince'>): string {
  const operations: readonly OperationOutcome[] = report.operations;
  if (operations.length === 0) {
    if (report.unchangedSince) return '';
    if (report.refused || report.error || !report.remote) return 'No plan was made: the run stopped before planning (the reason is below).\n';
    return '';
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
  const skippedWhy = explainSkipped(report.skipped);
  if (skippedWhy) lines.push(`  skipped: ${skippedWhy}`);
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
  if (report.unmatchedProtect?.length)
    lines.push(
      `  warning: sync.protect entries that match no account: ${report.unmatchedProtect.map((e) => JSON.stringify(e)).join(', ')} (check the spelling)`,
    );
  if (report.remote)
    lines.push(
      `  service: ${countOf(report.remote.users, 'user')} read in ${countOf(report.remote.pages, 'page')}; ${countOf(report.requests.total, 'request')}, ${report.requests.retries === 1 ? '1 retry' : `${report.requests.retries} retries`}, ${report.requests.throttled} throttled`,
    );
  if (report.manage && report.unmanaged) lines.push(`  accounts: ${describeAccounts(report.manage, report.unmanaged)}`);
  if (report.groups && s.groups) lines.push(`  groups: ${describeGroups(report.groups, s.groups, pair)}`);
  if (report.refused) lines.push(`  refused: ${report.refused.reason}`, `  next: ${report.refused.howToProceed}`);
  if (report.stoppedBecause)
    lines.push(`  stopped: ${report.stoppedBecause.reason}${report.stoppedBecause.detail ? ` — ${report.stoppedBecause.detail}` : ''}`);
  // A run that failed before planning says why in its result already.
  if (report.error && !report.result.includes(report.error)) lines.push(`  error: ${report.error}`);
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

/** "create 2/2, add 1/1, remove 1/1, delete 0/0 (members: 5 added, 1 removed); 3 managed, 1 left alone (4 groups read in 1 page)". */
function describeGroups(
  groups: NonNullable<RunReport['groups']>,
  s: NonNullable<RunReport['summary']['groups']>,
  pair: (name: string, p: { planned: number; succeeded: number }) => string,
): string {
  const listed = groups.listed ? ` (${countOf(groups.listed.groups, 'group')} read in ${countOf(groups.listed.pages, 'page')})` : '';
  return (
    `${pair('create', s['create-group'])}, ${pair('add', s['add-members'])}, ${pair('remove', s['remove-members'])}, ${pair('delete', s['delete-group'])} ` +
    `(members: ${s.membersAdded} added, ${s.membersRemoved} removed); ` +
    `${groups.managed} managed, ${groups.unmanaged} left alone${listed}`
  );
}

/** Unmanaged userNames named in the summary; the report names 20. */
const UNMANAGED_SHOWN = 5;

function people(n: number): string {
  return `${n} ${n === 1 ? 'person' : 'people'}`;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/**
 * "skipped 2" explained in one line: who and why, by reason — `1 protected (admin@example.com);
 * 1 with a rejected roster row (ivan@example.com)` — a few names each, the report has them all.
 */
function explainSkipped(skipped: RunReport['skipped']): string | undefined {
  if (skipped.length === 0) return undefined;
  const byReason = new Map<SkippedUser['reason'], string[]>();
  for (const user of skipped) byReason.set(user.reason, [...(byReason.get(user.reason) ?? []), user.userName]);
  return [...byReason]
    .map(([reason, names]) => {
      const shown = names.slice(0, MAX_SKIPPED_NAMES).join(', ') + (names.length > MAX_SKIPPED_NAMES ? `, … ${names.length - MAX_SKIPPED_NAMES} more` : '');
      return `${names.length} ${SKIP_REASONS[reason]} (${shown})`;
    })
    .join('; ');
}

const MAX_SKIPPED_NAMES = 3;

const SKIP_REASONS: Record<SkippedUser['reason'], string> = {
  protected: 'protected by sync.protect',
  'rejected-row': 'with a rejected roster row, left as they are',
  'ambiguous-match': 'matched ambiguously (two rows or keys point at them), left for a person to sort out',
  'inactive-not-on-service': 'inactive in the roster and not on the service',
  'out-of-scope': 'out of source.scope, left alone',
  'before-start': 'waiting for their start date',
};
