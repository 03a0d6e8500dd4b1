import { randomUUID } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, renameSync, type Stats, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ScimSyncError } from '../domain/scimSyncError.js';
import { thisHost } from './hostIdentity.js';

/** What a refusal knows about the holder, for a message that tells the admin what to do. */
interface Holder {
  /** 0 when the lock file doesn't name a pid (see UNREADABLE_STALE_AFTER_MS). */
  pid: number;
  /** The holder's host identity (see hostIdentity.ts); undefined for a lock written without one. */
  host?: string;
  /** How long ago the holder last refreshed the lock file's mtime. */
  heartbeatAgeMs: number;
  /** True when the holder is on this host and its pid was seen alive. */
  judgedByPid: boolean;
}

/** Another scim-sync run holds the lock (an overrunning cron job, a daemon on the same state dir, another container). */
export class RunLockedError extends ScimSyncError {
  readonly holderPid: number;
  readonly holderHost: string | undefined;
  constructor(
    readonly lockFile: string,
    holder: Holder,
    /** After this long without a heartbeat the lock would be taken over (state.lockStaleSeconds). */
    readonly staleAfterMs: number = DEFAULT_LOCK_STALE_MS,
  ) {
    super(refusalMessage(lockFile, holder, staleAfterMs));
    this.holderPid = holder.pid;
    this.holderHost = holder.host;
  }
}

function refusalMessage(lockFile: string, holder: Holder, staleAfterMs: number): string {
  const age = `${Math.max(0, Math.round(holder.heartbeatAgeMs / 1000))} s ago`;
  const limit = `${Math.round(staleAfterMs / 1000)} s, state.lockStaleSeconds`;
  if (holder.pid === 0) {
    return `another scim-sync run may be going: lock file ${lockFile} does not name a pid and is too recent to be treated as stale. Not starting a second one. If no run is going, delete the file.`;
  }
  if (holder.judgedByPid) {
    return `another scim-sync run (pid ${holder.pid}) is still going; lock file ${lockFile}, last heartbeat ${age}. Not starting a second one. It is taken over when that process ends or its heartbeat is older than ${limit}.`;
  }
  const where = holder.host === undefined ? 'a host it does not name (written by an older scim-sync)' : `another host or container (${holder.host})`;
  return `another scim-sync run (pid ${holder.pid} on ${where}) holds lock file ${lockFile}, last heartbeat ${age}. Its pid can't be checked from here, so the lock counts as held until its heartbeat is older than ${limit}. Not starting a second one. If that run is gone for good, delete the file.`;
}

export interface RunLock {
  release(): void;
}

/**
 * A lock's heartbeat (the lock file's mtime, refreshed by its holder) older than this means its
 * holder is gone, whatever pid it names and wherever it ran: a pid can only be checked on the
 * host (and pid namespace) that wrote it, and a pid seen alive may be an unrelated process that
 * got the same number after a reboot. Default of state.lockStaleSeconds.
 */
export const DEFAULT_LOCK_STALE_MS = 300_000;

export interface RunLockOptions {
  /** state.lockStaleSeconds × 1000: a heartbeat older than this makes the lock stale. */
  staleAfterMs?: number;
  /** How often the holder refreshes the heartbeat; a tenth of staleAfterMs unless set. */
  heartbeatMs?: number;
  /**
   * Told when the heartbeat finds the lock file gone or replaced (another process judged it stale,
   * e.g. after this one's event loop was stuck for longer than staleAfterMs), or can't refresh it.
   */
  onProblem?: (message: string) => void;
  /** Who we are; only tests set these, to play another process or another host. */
  pid?: number;
  host?: string;
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
 * A lock file `run.lock` in the state dir holding `${pid}\n${ISO time}\n${host identity}\n`,
 * whose mtime the holder refreshes while it runs (the heartbeat). It is stale, and taken over, when
 * - its heartbeat is older than staleAfterMs, whoever holds it; or
 * - it was written on this host (same host identity: hostname, boot id, pid namespace) and names
 *   our own pid or a process that no longer exists (killed with -9).
 * A fresh lock from another host or container (or without a host identity) is never judged by its
 * pid: two containers sharing a state volume each have their own pid 1, 7, …, and a pid that is
 * dead or our own *here* says nothing about the process that wrote it.
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
export function acquireRunLock(stateDir: string, options: RunLockOptions = {}): RunLock {
  mkdirSync(stateDir, { recursive: true, mode: 0o700 }); // created first here: owner-only, like the state in it (report/privateFile.ts)
  const file = join(stateDir, 'run.lock');
  const takeover = `${file}.takeover`;
  const staleAfterMs = options.staleAfterMs ?? DEFAULT_LOCK_STALE_MS;
  const me: Me = { pid: options.pid ?? process.pid, host: options.host ?? thisHost(), staleAfterMs };
  // The takeover lock is held for microseconds: one older than the unreadable-file threshold is a crash's leftover.
  const meForTakeover: Me = { ...me, staleAfterMs: Math.min(staleAfterMs, UNREADABLE_STALE_AFTER_MS) };
  let lastHolder: Holder = { pid: 0, heartbeatAgeMs: 0, judgedByPid: false };
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const taken = linkNew(file, me);
    if (taken) return lockHandle(file, taken, options);

    const seen = inspect(file, me);
    if (seen === 'gone') continue; // released between our link and our read: try again
    lastHolder = seen.holder;
    if (!seen.stale) throw new RunLockedError(file, seen.holder, staleAfterMs);

    // Stale. Remove it only while holding the takeover lock, and only if it is still stale then.
    const ours = linkNew(takeover, me);
    if (ours) {
      try {
        const now = inspect(file, me);
        if (now !== 'gone' && !now.stale) throw new RunLockedError(file, now.holder, staleAfterMs); // replaced by a live lock meanwhile
        if (now !== 'gone') removeIfPresent(file);
      } finally {
        removeIfOurs(takeover, ours);
      }
      continue; // the stale lock is gone: try to take the lock
    }
    const other = inspect(takeover, meForTakeover);
    if (other === 'gone') continue;
    if (other.stale) {
      clearStaleTakeoverLock(takeover, other.stats);
      continue;
    }
    // Another process is taking the stale lock over right now (for microseconds): let it finish.
    lastHolder = other.holder;
    pause(TAKEOVER_PAUSE_MS);
  }
  throw new RunLockedError(file, lastHolder, staleAfterMs);
}

/** Who is asking, and after how long without a heartbeat a lock counts as abandoned. */
interface Me {
  pid: number;
  host: string;
  staleAfterMs: number;
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
function linkNew(file: string, me: Me): Ours | undefined {
  const temp = `${file}.${me.pid}.${randomUUID()}.tmp`;
  const text = `${me.pid}\n${new Date().toISOString()}\n${me.host}\n`;
  writeFileSync(temp, text, { mode: 0o644, flag: 'wx' });
  try {
    linkSync(temp, file);
    return { stats: statSync(temp), text }; // same inode as `file`, and nobody else can have replaced `temp`
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return undefined;
    throw error;
  } finally {
    removeIfPresent(temp);
  }
}

/**
 * The holder's handle: refreshes the heartbeat (an unref'd timer, so it never keeps the process
 * alive) until released, and releases only the file it created.
 */
/**
 * A file we created: its inode and its exact content. The inode alone is not enough: a file
 * removed and recreated (a takeover) often gets the same inode number back.
 */
interface Ours {
  stats: Stats;
  text: string;
}

function isOurs(file: string, ours: Ours): boolean {
  const now = statSync(file);
  return now.ino === ours.stats.ino && now.dev === ours.stats.dev && readFileSync(file, 'utf8') === ours.text;
}

function lockHandle(file: string, ours: Ours, options: RunLockOptions): RunLock {
  let released = false;
  const heartbeatMs = options.heartbeatMs ?? Math.max(100, Math.floor((options.staleAfterMs ?? DEFAULT_LOCK_STALE_MS) / 10));
  const timer = setInterval(() => {
    const problem = refreshHeartbeat(file, ours);
    if (problem === undefined) return;
    if (problem.lost) clearInterval(timer);
    options.onProblem?.(problem.message);
  }, heartbeatMs);
  timer.unref();
  return {
    release: () => {
      if (released) return;
      released = true;
      clearInterval(timer);
      removeIfOurs(file, ours);
    },
  };
}

/** Touches the lock file if it is still ours; says what is wrong otherwise. */
function refreshHeartbeat(file: string, ours: Ours): { lost: boolean; message: string } | undefined {
  try {
    if (!isOurs(file, ours)) {
      return {
        lost: true,
        message: `the run lock ${file} was replaced by another process's (it judged ours stale): another scim-sync run may be going at the same time; check state.lockStaleSeconds and whether this process was stalled`,
      };
    }
    const time = new Date();
    utimesSync(file, time, time);
    return undefined;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT')
      return { lost: true, message: `the run lock ${file} was removed by someone else: another scim-sync run may start while this one is going` };
    return {
      lost: false,
      message: `could not refresh the run lock's heartbeat (${file}: ${code ?? (error as Error).message}); if this lasts longer than state.lockStaleSeconds another run may take the lock over`,
    };
  }
}

/** Who holds a lock file, and whether it may be taken over. */
function inspect(file: string, me: Me): 'gone' | { holder: Holder; stale: boolean; stats: Stats } {
  let text: string;
  let stats: Stats;
  try {
    stats = statSync(file);
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw error;
  }
  const heartbeatAgeMs = Date.now() - stats.mtimeMs;
  const parsed = parseLock(text);
  if (parsed === undefined) return { holder: { pid: 0, heartbeatAgeMs, judgedByPid: false }, stale: heartbeatAgeMs > UNREADABLE_STALE_AFTER_MS, stats };
  const holder: Holder = { pid: parsed.pid, host: parsed.host, heartbeatAgeMs, judgedByPid: false };
  // Nobody refreshed it for longer than the timeout: its holder is gone, whatever its pid (a pid
  // seen alive may be an unrelated process that got the number after a reboot, e.g. pid 1).
  if (heartbeatAgeMs > me.staleAfterMs) return { holder, stale: true, stats };
  // A pid means something only in the pid namespace of the host that wrote it.
  if (parsed.host !== me.host) return { holder, stale: false, stats };
  // Our own pid here means a leftover from an earlier process that had our pid (a container
  // restarted as pid 1), not a run that is going.
  if (parsed.pid === me.pid || !isAlive(parsed.pid)) return { holder, stale: true, stats };
  return { holder: { ...holder, judgedByPid: true }, stale: false, stats };
}

/** `pid`, time, host identity (absent in locks written before it was recorded). */
function parseLock(text: string): { pid: number; host?: string } | undefined {
  const [first, , third] = text.split('\n');
  const line = (first ?? '').trim();
  if (!/^\d+$/.test(line)) return undefined;
  const pid = Number.parseInt(line, 10);
  if (!Number.isSafeInteger(pid) || pid <= 0) return undefined;
  const host = third?.trim();
  return { pid, host: host ? host : undefined };
}

/** Remove `file` if it is still the file we created (same inode and content), not one that replaced it. */
function removeIfOurs(file: string, ours: Ours): void {
  try {
    if (isOurs(file, ours)) unlinkSync(file);
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
