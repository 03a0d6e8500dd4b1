import { readFileSync } from 'node:fs';
import type { OperationKind } from '../domain/plan.js';
import type { SavedPlan } from '../domain/savedPlan.js';
import { PLAN_FILE_FORMAT } from '../domain/savedPlan.js';
import { exitCodeOf } from '../domain/runOutcome.js';
import { escapeControlChars } from '../display/escapeControlChars.js';
import { planDigest } from '../planFile/planDigest.js';
import { PlanFileError } from '../planFile/PlanFileError.js';
import { planFileShapeProblem } from '../planFile/planFileSchema.js';
import { parsePlanJson } from '../planFile/readPlanFile.js';
import { formatPlanTable, formatSummary } from '../report/formatPlanTable.js';
import { formatSavedPlan } from '../report/formatSavedPlan.js';
import type { RunReport } from '../report/runReport.js';

export interface ShowOptions {
  /** `--op`: list only these kinds of operation. */
  op?: OperationKind[];
}

/**
 * `scim-sync show FILE`: a plan file (from `plan`, or saved by a refused run) or a run report,
 * as the table people read. Reads only the file; sends nothing. Exit 2 when it is neither.
 */
export function showCommand(file: string, opts: ShowOptions): number {
  let value: unknown;
  try {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new PlanFileError(file, `can't be read (${(error as NodeJS.ErrnoException).code})`, { cause: error });
    }
    value = parsePlanJson(file, text);
  } catch (error) {
    if (!(error instanceof PlanFileError)) throw error;
    return fail(error.message);
  }
  const record = (value ?? {}) as Record<string, unknown>;
  if (record.format === PLAN_FILE_FORMAT) {
    const shape = planFileShapeProblem(value);
    if (shape) return fail(`plan file ${file} is damaged: ${shape}`);
    const plan = value as SavedPlan;
    const digestMatches = planDigest(record) === plan.digest;
    process.stdout.write(formatSavedPlan({ file, plan, digestMatches, now: new Date(), only: opts.op }));
    return exitCodeOf({ kind: 'succeeded' });
  }
  if (typeof record.runId === 'string' && Array.isArray(record.operations) && typeof record.summary === 'object') {
    const report = value as RunReport;
    const operations = report.operations.filter((o) => !opts.op || opts.op.includes(o.op));
    process.stdout.write(`Report ${escapeControlChars(file)} (run ${escapeControlChars(report.runId)}, ${report.startedAt})\n\n`);
    process.stdout.write(operations.length === 0 && report.operations.length > 0 ? 'No operations to list.\n' : formatPlanTable({ ...report, operations }));
    process.stdout.write(formatSummary(report));
    return exitCodeOf({ kind: 'succeeded' });
  }
  return fail(`${file} is neither a scim-sync plan file (no "format": "${PLAN_FILE_FORMAT}") nor a run report (no runId, operations and summary)`);
}

function fail(message: string): number {
  process.stderr.write(`scim-sync: ${escapeControlChars(message)}\n`);
  return exitCodeOf({ kind: 'unusable-input' });
}
