import { mkdirSync, openSync, readFileSync, unlinkSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';

/** Another scim-sync run holds the lock (an overrunning cron job, a daemon on the same state dir). */
export class RunLockedError extends Error {
  override readonly name = 'RunLockedError';
  constructor(
    readonly lockFile: string,
    readonly holderPid: number,
  ) {
    super(`another scim-sync run (pid ${holderPid}) is still going; lock file ${lockFile}. Not starting a second one.`);
  }
}

export interface RunLock {
  release(): void;
}

/**
 * A lock file holding our pid, created atomically (O_EXCL). If the file names a process that
 * no longer exists (killed with -9, host rebooted), the lock is stale and taken over.
 */
export function acquireRunLock(stateDir: string, pid: number = process.pid): RunLock {
  mkdirSync(stateDir, { recursive: true });
  const file = join(stateDir, 'run.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o644);
      writeSync(fd, `${pid}\n${new Date().toISOString()}\n`);
      closeSync(fd);
      return {
        release: () => {
          if (readHolder(file) === pid) unlinkSync(file);
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readHolder(file);
      if (holder !== undefined && holder !== pid && isAlive(holder)) throw new RunLockedError(file, holder);
      unlinkSync(file); // stale: its process is gone (or the file is unreadable garbage)
    }
  }
  throw new Error(`could not take the run lock ${file}`);
}

function readHolder(file: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(file, 'utf8').split('\n')[0] ?? '', 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
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
