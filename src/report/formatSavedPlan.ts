import type { OperationKind } from '../domain/plan.js';
import type { SavedPlan } from '../domain/savedPlan.js';
import { escapeControlChars } from '../display/escapeControlChars.js';
import { formatTable } from './formatPlanTable.js';

export interface SavedPlanView {
  file: string;
  plan: SavedPlan;
  /** Whether the content still has the digest it carries (`apply` refuses it otherwise). */
  digestMatches: boolean;
  now: Date;
  /** `--op`: only these kinds of operation are listed (the counts are always of the whole plan). */
  only?: readonly OperationKind[];
}

/** A saved plan for people (`scim-sync show`): where it comes from, whether it is intact, and its operations. */
export function formatSavedPlan({ file, plan, digestMatches, now, only }: SavedPlanView): string {
  const hours = (now.getTime() - Date.parse(plan.createdAt)) / 3_600_000;
  const count = (kind: OperationKind) => `${kind} ${plan.operations.filter((o) => o.op === kind).length}`;
  const head = [
    `Plan file ${file}`,
    `  made ${plan.createdAt} (${hours.toFixed(1)} hours ago) by run ${plan.runId}, config ${plan.config.file}`,
    `  service: ${plan.service.baseUrl} (${plan.service.provider}); roster: ${plan.roster.file} (${plan.roster.users} accepted rows)`,
    `  digest: ${plan.digest} — ${digestMatches ? 'matches its content' : 'DOES NOT MATCH its content: the file was altered, and `apply` will refuse it'}`,
    ...(plan.safety ? [`  safety: ${plan.safety.reason}`] : []),
    `  operations: ${(['create', 'update', 'deactivate', 'reactivate'] as const).map(count).join(', ')}${only ? ` (listed: ${only.join(', ')})` : ''}`,
  ].map((line) => escapeControlChars(line));
  const shown = plan.operations.filter((o) => !only || only.includes(o.op));
  const table =
    shown.length === 0
      ? 'No operations to list.\n'
      : formatTable(
          ['OPERATION', 'USER', 'CHANGE', 'REQUESTS'],
          shown.map((o) => [o.op, o.userName, o.changes, o.requests.map((r) => `${r.method} ${r.path}`).join(', ')]),
        );
  const next = digestMatches
    ? `next: \`scim-sync apply ${file}\` sends these operations, except any whose account changed since the plan was made (skipped as stale)`
    : 'next: make a new plan with `scim-sync plan --out FILE` and review that one';
  return `${head.join('\n')}\n\n${table}\n${escapeControlChars(next)}\n`;
}
