import { randomUUID } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Another scim-sync run holds the lock (an overrunning cron job, a daemon on the same state dir). */
export class RunLockedError extends Error {
  override readonly name = 'RunLockedError';
  constructor(
    readonly lockFile: string,
    /** 0 when the lock file doesn't name a pid (see UNREADABLE_STALE_AFTER_MS). */
    readonly holderPid: number,
  ) {
    super(
      holderPid > 0
        ? `another scim-sync run (pid ${holderPid}) is still going; lock file ${lockFile}. Not starting a second one.`
        : `another scim-sync run may be going: lock file ${lockFile} does not name a pid and is too recent to be treated as stale. Not starting a second one.`,
    );
  }
}

export interface RunLock {
  release(): void;
}

/**
 * A lock file that names no pid (hand-made, or a disk fault) is only treated as stale once it is
 * this old. Our own lock files are never seen empty or partial (they appear whole, see below), but
 * one written by something else might be mid-write; a young one is left alone rather than deleted
 * from under whoever is writing it.
 */
export const UNREADABLE_STALE_AFTER_MS = 5_000;

/**
 * Each attempt ends either with the lock taken, a RunLockedError, or (only when the lock file
 * changed under us: it was released, or another process took a stale lock over first) another
 * attempt. So running out means the lock is being actively taken and released by others; that is
 * reported as "locked", not as a crash.
 */
const MAX_ATTEMPTS = 10;

/**
 * A lock file `run.lock` in the state dir holding `${pid}\n${ISO time}\n`. If it names a process
 * that no longer exists (killed with -9, host rebooted), the lock is stale and taken over.
 *
 * Both steps are atomic file-system operations, so two processes starting at the same moment can't
 * both end up holding it:
 * - Taking: the content is written to a unique temp file first and then hard-linked to `run.lock`.
 *   link(2) fails with EEXIST if the lock exists, and when it succeeds the file is already complete,
 *   so nobody ever reads an empty lock file and mistakes it for garbage (which is how the previous
 *   open('wx')-then-write version let two runs in at once).
 * - Taking over a stale lock: it is renamed to a unique aside name. Only one of the processes that
 *   judged it stale wins the rename (the others get ENOENT and start again), and the winner checks
 *   what it actually moved: if that is a live process's fresh lock (the stale one was replaced
 *   between our read and our rename), it is linked back and we report the lock as held.
 */
export function acquireRunLock(stateDir: string, pid: number = process.pid): RunLock {
  mkdirSync(stateDir, { recursive: true });
  const file = join(stateDir, 'run.lock');
  let lastHolder = 0;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const taken = tryLink(file, pid);
    if (taken) return taken;

    const seen = inspect(file, pid);
    if (seen === 'gone') continue; // released between our link and our read: try again
    lastHolder = seen.holderPid;
    if (!seen.stale) throw new RunLockedError(file, seen.holderPid);

    // Stale. Move it aside atomically so only one racer gets to take it over.
    const aside = `${file}.${pid}.${randomUUID()}.stale`;
    try {
      renameSync(file, aside);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue; // another racer moved it first
      throw error;
    }
    // Between our read and the rename the stale file may have been replaced by a fresh one (another
    // racer took it over and then took the lock). Judge what we actually moved.
    const moved = inspect(aside, pid);
    if (moved === 'gone' || moved.stale) {
      removeIfPresent(aside);
      continue; // the stale lock is gone: try to take the lock
    }
    // We moved a live holder's lock: put it back and step aside. If someone took the lock in the
    // moment it was away (EEXIST), theirs stays; the live holder's release() only removes a lock
    // file that is still its own (same inode), so it won't remove theirs.
    try {
      linkSync(aside, file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    removeIfPresent(aside);
    throw new RunLockedError(file, moved.holderPid);
  }
  throw new RunLockedError(file, lastHolder);
}

/** Write our content to a unique temp file and link it to `file`: the lock appears complete or not at all. */
function tryLink(file: string, pid: number): RunLock | undefined {
  const temp = `${file}.${pid}.${randomUUID()}.tmp`;
  writeFileSync(temp, `${pid}\n${new Date().toISOString()}\n`, { mode: 0o644, flag: 'wx' });
  try {
    linkSync(temp, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return undefined;
    throw error;
  } finally {
    removeIfPresent(temp);
  }
  // The lock file's identity, so release() never removes a lock file that is no longer ours.
  const ours = statSync(file);
  let released = false;
  return {
    release: () => {
      if (released) return;
      released = true;
      try {
        const now = statSync(file);
        if (now.ino === ours.ino && now.dev === ours.dev && readHolder(file) === pid) unlinkSync(file);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    },
  };
}

/** Who holds the lock file, and whether it may be taken over. */
function inspect(file: string, pid: number): 'gone' | { holderPid: number; stale: boolean } {
  let text: string;
  let mtimeMs: number;
  try {
    mtimeMs = statSync(file).mtimeMs;
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw error;
  }
  const holder = parseHolder(text);
  if (holder === undefined) return { holderPid: 0, stale: Date.now() - mtimeMs > UNREADABLE_STALE_AFTER_MS };
  // Our own pid in the lock means a leftover from an earlier process that had our pid (a container
  // restarted as pid 1), not a run that is going: as before, it is taken over.
  return { holderPid: holder, stale: holder === pid || !isAlive(holder) };
}

function readHolder(file: string): number | undefined {
  try {
    return parseHolder(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

function parseHolder(text: string): number | undefined {
  const line = text.split('\n')[0] ?? '';
  if (!/^\d+$/.test(line.trim())) return undefined;
  const pid = Number.parseInt(line, 10);
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}

function removeIfPresent(file: string): void {
  try {
    unlinkSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else, so it is alive.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
