import type { FullRead } from '../plan/unchangedCycle.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writePrivateFileAtomically } from '../report/privateFile.js';

/** What scim-sync remembers between runs: enough to notice a truncated roster. */
export interface RunState {
  /** The last run that applied its roster in full (not stopped early, not a dry run), whatever single operations did. */
  lastSuccess?: { at: string; rosterUsers: number };
  /** The last run that read the whole service and applied every operation (for sync.fullReadEvery). */
  lastFullRead?: FullRead;
  /** Keys of "not updatable on this service" differences already reported (reported once). */
  notices?: string[];
  /** Whether the last run (not a dry run) failed, was refused or stopped: the next good one is "recovered". */
  lastRunBad?: boolean;
}

export function readRunState(dir: string): RunState {
  try {
    return JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as RunState;
  } catch {
    return {};
  }
}

/** Atomically, as 0600 in a folder created 0700 (see privateFile.ts), whatever the umask. */
export function writeRunState(dir: string, state: RunState): void {
  writePrivateFileAtomically(join(dir, 'state.json'), JSON.stringify(state, null, 2));
}
