import { randomUUID } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, renameSync, type Stats, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ScimSyncError } from '../domain/scimSyncError.js';

/** Another scim-sync run holds the lock (an overrunning cron job, a daemon on the same state dir). */
export class RunLockedError extends ScimSyncError {
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
 * Each attempt ends with the lock taken, a RunLockedError, or another attempt. Another attempt
 * happens only when the lock changed under us (released, or a stale one removed) or while another
 * process is busy taking a stale lock over (then we pause TAKEOVER_PAUSE_MS first). Running out
 * therefore means others are actively taking the lock: reported as "locked", not as a crash.
 */
const MAX_ATTEMPTS = 50;
const TAKEOVER_PAUSE_MS = 10;

/**
 * A lock file `run.lock` in the state dir holding `${pid}\n${ISO time}\n`. If it names a process
 * that no longer exists (killed with -9, host rebooted), the lock is stale and taken over.
 *
 * Taking it: the content is written to a unique temp file and then hard-linked to `run.lock`.
 * link(2) is atomic and fails with EEXIST when the lock exists, and a linked file is already
 * complete, so nobody ever reads an empty lock file and mistakes it for garbage (which is how the
 * earlier open('wx')-then-write version let two runs in at once).
 *
 * Taking over a stale lock: "read it, judge it stale, remove it" is three steps, and a racer that
 * judged the old file stale can remove a fresh lock that replaced it in between (with a rename
 * aside too: the fresh lock is gone while it is aside, and a third process links in before it is
 * put back; a 12-process test saw two holders that way about once in eight runs). So stale locks
 * are removed only while holding a second lock, `run.lock.takeover` (taken the same way, by link),
 * after re-reading `run.lock` under it. Under that lock the judged file can't be replaced before we
 * remove it: a stale lock's owner is dead, and everyone else who removes lock files holds the
 * takeover lock. It is held for microseconds, so one left behind by a crash is itself rare; it is
 * cleared when its pid is dead (see clearStaleTakeoverLock for the race that remains there).
 */
export function acquireRunLock(stateDir: string, pid: number = process.pid): RunLock {
  mkdirSync(stateDir, { recursive: true, mode: 0o700 }); // created first here: owner-only, like the state in it (report/privateFile.ts)
  const file = join(stateDir, 'run.lock');
  const takeover = `${file}.takeover`;
  let lastHolder = 0;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const taken = linkNew(file, pid);
    if (taken) return lockHandle(file, pid, taken);

    const seen = inspect(file, pid);
    if (seen === 'gone') continue; // released between our link and our read: try again
    lastHolder = seen.holderPid;
    if (!seen.stale) throw new RunLockedError(file, seen.holderPid);

    // Stale. Remove it only while holding the takeover lock, and only if it is still stale then.
    const ours = linkNew(takeover, pid);
    if (ours) {
      try {
        const now = inspect(file, pid);
        if (now !== 'gone' && !now.stale) throw new RunLockedError(file, now.holderPid); // replaced by a live lock meanwhile
        if (now !== 'gone') removeIfPresent(file);
      } finally {
        removeIfOurs(takeover, ours);
      }
      continue; // the stale lock is gone: try to take the lock
    }
    const other = inspect(takeover, pid);
    if (other === 'gone') continue;
    if (other.stale) {
      clearStaleTakeoverLock(takeover, other.stats);
      continue;
    }
    // Another process is taking the stale lock over right now (for microseconds): let it finish.
    lastHolder = other.holderPid;
    pause(TAKEOVER_PAUSE_MS);
  }
  throw new RunLockedError(file, lastHolder);
}

/**
 * A takeover lock whose process died (a crash in the microseconds it is held). Moved aside by
 * rename, so of several processes that judged it stale only one moves it; if what we moved is not
 * the file we judged (it was cleared and retaken in between), it is put back. While it is aside a
 * third process could take the takeover lock too: that race needs a crash inside the takeover
 * window plus several processes starting within microseconds of each other, and is accepted.
 */
function clearStaleTakeoverLock(takeover: string, judged: Stats): void {
  const aside = `${takeover}.${randomUUID()}.stale`;
  try {
    renameSync(takeover, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return; // another process moved it first
    throw error;
  }
  const moved = statSync(aside);
  if (moved.ino !== judged.ino || moved.dev !== judged.dev) {
    try {
      linkSync(aside, takeover);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  removeIfPresent(aside);
}

/**
 * Create `file` holding our pid and the time, or return undefined if it exists. Written to a
 * unique temp file first and hard-linked into place, so the file appears complete or not at all.
 * Returns the new file's identity, so we never later remove a file that is no longer ours.
 */
function linkNew(file: string, pid: number): Stats | undefined {
  const temp = `${file}.${pid}.${randomUUID()}.tmp`;
  writeFileSync(temp, `${pid}\n${new Date().toISOString()}\n`, { mode: 0o644, flag: 'wx' });
  try {
    linkSync(temp, file);
    return statSync(temp); // same inode as `file`, and nobody else can have replaced `temp`
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return undefined;
    throw error;
  } finally {
    removeIfPresent(temp);
  }
}

function lockHandle(file: string, pid: number, ours: Stats): RunLock {
  let released = false;
  return {
    release: () => {
      if (released) return;
      released = true;
      if (readHolder(file) === pid) removeIfOurs(file, ours);
    },
  };
}

/** Who holds a lock file, and whether it may be taken over. */
function inspect(file: string, pid: number): 'gone' | { holderPid: number; stale: boolean; stats: Stats } {
  let text: string;
  let stats: Stats;
  try {
    stats = statSync(file);
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw error;
  }
  const holder = parseHolder(text);
  if (holder === undefined) return { holderPid: 0, stale: Date.now() - stats.mtimeMs > UNREADABLE_STALE_AFTER_MS, stats };
  // Our own pid in the lock means a leftover from an earlier process that had our pid (a container
  // restarted as pid 1), not a run that is going: as before, it is taken over.
  return { holderPid: holder, stale: holder === pid || !isAlive(holder), stats };
}

function readHolder(file: string): number | undefined {
  try {
    return parseHolder(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

function parseHolder(text: string): number | undefined {
  const line = (text.split('\n')[0] ?? '').trim();
  if (!/^\d+$/.test(line)) return undefined;
  const pid = Number.parseInt(line, 10);
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}

/** Remove `file` if it is still the file we created (same inode), not one that replaced it. */
function removeIfOurs(file: string, ours: Stats): void {
  try {
    const now = statSync(file);
    if (now.ino === ours.ino && now.dev === ours.dev) unlinkSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
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

/** acquireRunLock is synchronous (callers take the lock before anything else starts); so is its wait. */
function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
