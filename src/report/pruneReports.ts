import { readdirSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Exactly the names writeReport gives (`scim-sync-<startedAt>-<runId8>[-dry-run]-exit<code>.json`,
 * and the older `scim-sync-<startedAt>-<runId8>.json`): a file written with `--report`, or anything
 * else an admin keeps in the folder, is never deleted, whatever its name.
 */
export const GENERATED_REPORT = /^scim-sync-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z-[0-9a-f]{8}(-dry-run)?(-exit\d{1,3})?\.json$/;

/**
 * Keeps the newest `keep` report files in `dir` (by modification time) and deletes the rest,
 * each with the plan file saved beside it (`….plan.json`, a refused run's plan), if any.
 */
export function pruneReports(dir: string, keep: number): string[] {
  let files: { path: string; mtime: number }[];
  try {
    files = readdirSync(dir)
      .filter((f) => GENERATED_REPORT.test(f))
      .map((f) => ({ path: join(dir, f), mtime: statSync(join(dir, f)).mtimeMs }));
  } catch {
    return [];
  }
  files.sort((a, b) => b.mtime - a.mtime || b.path.localeCompare(a.path));
  const doomed = files.slice(keep).map((f) => f.path);
  for (const path of doomed) {
    unlinkSync(path);
    rmSync(path.replace(/\.json$/, '.plan.json'), { force: true });
  }
  return doomed;
}
