import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Reports list the staff and what changes for each; the state file says when the last run
 * succeeded and how big the roster was. Neither is anyone else's business on a shared host, so
 * they are created readable by the owner only, whatever the process umask (a service started
 * with umask 000 would otherwise create them 0666, and their folders 0777).
 *
 * Only what scim-sync creates gets these modes: an existing folder keeps the permissions its
 * admin gave it (they may have opened it to a monitoring group on purpose).
 */
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** Creates `dir` (and missing parents) as 0700; an existing folder is left as it is. */
export function makePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
}

/**
 * Writes `path` as a 0600 file, atomically (temp file + rename), so a crash or a full disk never
 * leaves a half-written file that tooling would choke on, and a file replaced this way takes the
 * new mode. The temp file is created exclusively (`wx`): a leftover from a crashed run is removed
 * first, and a file or symlink someone plants in between makes the write fail instead of being
 * followed or reused with its own permissions.
 */
export function writePrivateFileAtomically(path: string, content: string): void {
  makePrivateDir(dirname(path));
  const temp = `${path}.${process.pid}.tmp`;
  rmSync(temp, { force: true });
  try {
    writeFileSync(temp, content, { mode: PRIVATE_FILE_MODE, flag: 'wx' });
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}
