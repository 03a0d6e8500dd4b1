import type { FullRead } from '../plan/unchangedCycle.js';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** What scim-sync remembers between runs: enough to notice a truncated roster. */
export interface RunState {
  /** The last run that applied its roster in full (not stopped early, not a dry run), whatever single operations did. */
  lastSuccess?: { at: string; rosterUsers: number };
  /** The last run that read the whole service and applied every operation (for sync.fullReadEvery). */
  lastFullRead?: FullRead;
  /** Keys of "not updatable on this service" differences already reported (reported once). */
  notices?: string[];
}

export function readRunState(dir: string): RunState {
  try {
    return JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as RunState;
  } catch {
    return {};
  }
}

export function writeRunState(dir: string, state: RunState): void {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'state.json');
  writeFileSync(`${file}.tmp`, JSON.stringify(state, null, 2));
  renameSync(`${file}.tmp`, file);
}
