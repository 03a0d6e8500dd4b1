import type { SavedPlan } from '../domain/savedPlan.js';
import { writePrivateFileAtomically } from '../report/privateFile.js';

/** Atomically and owner-only, like the reports: a plan lists the staff and what changes for each. */
export function writePlanFile(path: string, plan: SavedPlan): void {
  writePrivateFileAtomically(path, JSON.stringify(plan, null, 2) + '\n');
}

/** The plan file that goes with a report: `…/scim-sync-<time>-<run>.json` → `…/scim-sync-<time>-<run>.plan.json`. */
export function planPathBeside(reportPath: string): string {
  return `${reportPath.replace(/\.json$/, '')}.plan.json`;
}
