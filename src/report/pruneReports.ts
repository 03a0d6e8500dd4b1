import { readdirSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';

/** Keeps the newest `keep` report files in `dir` (by modification time) and deletes the rest. */
export function pruneReports(dir: string, keep: number): string[] {
  let files: { path: string; mtime: number }[];
  try {
    files = readdirSync(dir)
      .filter((f) => f.startsWith('scim-sync-') && f.endsWith('.json'))
      .map((f) => ({ path: join(dir, f), mtime: statSync(join(dir, f)).mtimeMs }));
  } catch {
    return [];
  }
  files.sort((a, b) => b.mtime - a.mtime || b.path.localeCompare(a.path));
  const doomed = files.slice(keep).map((f) => f.path);
  for (const path of doomed) unlinkSync(path);
  return doomed;
}
