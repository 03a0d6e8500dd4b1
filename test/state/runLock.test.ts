import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { thisHost } from '../../src/state/hostIdentity.js';
import { acquireRunLock, DEFAULT_LOCK_STALE_MS, RunLockedError, UNREADABLE_STALE_AFTER_MS } from '../../src/state/runLock.js';
import { runProcess } from '../support/runProcess.js';

/** The concurrency scenarios run real processes, so they use the compiled module (built by test/globalSetup.ts). */
const DIST_RUN_LOCK = fileURLToPath(new URL('../../dist/state/runLock.js', import.meta.url));

/**
 * One contender: waits until `startAt` (so all of them race at the same instant), then keeps trying
 * to take the lock until it has held it once, holding it `holdMs`. Prints one JSON line.
 */
const CONTENDER = `
import { pathToFileURL } from 'node:url';
const [modulePath, stateDir, startAt, holdMs, deadline] = process.argv.slice(2);
const { acquireRunLock, RunLockedError } = await import(pathToFileURL(modulePath).href);
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
while (Date.now() < Number(startAt)) await sleep(1);
let refusals = 0;
for (;;) {
  let lock;
  try {
    lock = acquireRunLock(stateDir);
  } catch (error) {
    if (!(error instanceof RunLockedError)) throw error;
    refusals++;
    if (Date.now() > Number(deadline)) {
      console.log(JSON.stringify({ pid: process.pid, refusals }));
      process.exit(0);
    }
    await sleep(2);
    continue;
  }
  const acquired = now();
  await sleep(Number(holdMs));
  const released = now();
  lock.release();
  console.log(JSON.stringify({ pid: process.pid, acquired, released, refusals }));
  process.exit(0);
}
`;

interface ContenderResult {
  pid: number;
  acquired?: number;
  released?: number;
  refusals: number;
}

const run = (cmd: string, args: string[]) => runProcess(cmd, args);

/** A lock file's content as scim-sync writes it: pid, time, host identity (this host unless told). */
const lockText = (pid: number, host: string = thisHost()) => `${pid}\n2020-01-01T00:00:00.000Z\n${host}\n`;

/** Another host (or container) in the host-identity format: a different hostname, boot and pid namespace. */
const OTHER_HOST = 'host=other-container boot=00000000-0000-4000-8000-000000000000 pidns=pid:[4026532999]';

/** Sets a file's mtime (the lock's heartbeat) `ms` into the past. */
const age = (file: string, ms: number) => {
  const then = (Date.now() - ms) / 1000;
  utimesSync(file, then, then);
};

/** A pid that existed a moment ago and whose process has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  const pid = child.pid!;
  await new Promise((resolve) => child.on('exit', resolve));
  return pid;
}

describe('acquireRunLock', () => {
  let dir: string;
  let lockFile: string;
  const children: ChildProcess[] = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'scim-sync-lock-'));
    lockFile = join(dir, 'run.lock');
  });
  afterEach(() => {
    for (const child of children.splice(0)) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('takes the lock with our pid, a time and this host’s identity, releases it, and leaves no temp files behind', () => {
    const lock = acquireRunLock(dir);
    const [pid, time, host] = readFileSync(lockFile, 'utf8').split('\n');
    expect(Number(pid)).toBe(process.pid);
    expect(Number.isNaN(Date.parse(time!))).toBe(false);
    expect(host).toBe(thisHost());
    expect(host).toMatch(/^host=\S+/);
    // Where Linux gives them: the boot id (new after a reboot) and the pid namespace (one per container).
    if (existsSync('/proc/sys/kernel/random/boot_id')) expect(host).toContain(`boot=${readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim()}`);
    if (existsSync('/proc/self/ns/pid')) expect(host).toMatch(/ pidns=pid:\[\d+\]/);
    expect(readdirSync(dir)).toEqual(['run.lock']);
    lock.release();
    expect(readdirSync(dir)).toEqual([]);
    lock.release(); // twice is harmless
    const again = acquireRunLock(dir);
    again.release();
    expect(readdirSync(dir)).toEqual([]);
  });

  /** A process that stays alive for the test (stopped in afterEach). */
  async function liveProcess(): Promise<ChildProcess> {
    const holder = spawn('sleep', ['30'], { stdio: 'ignore' });
    children.push(holder);
    await new Promise((resolve) => holder.on('spawn', resolve));
    return holder;
  }

  /** The RunLockedError acquireRunLock throws here (fails the test if it takes the lock). */
  function refusal(): RunLockedError {
    try {
      acquireRunLock(dir).release();
    } catch (error) {
      expect(error).toBeInstanceOf(RunLockedError);
      return error as RunLockedError;
    }
    throw new Error('the lock was taken, but should have been refused');
  }

  it('a lock held by a live process is refused with RunLockedError naming that pid, and left in place', async () => {
    const holder = await liveProcess();
    writeFileSync(lockFile, lockText(holder.pid!));
    const locked = refusal();
    expect(locked.holderPid).toBe(holder.pid);
    expect(locked.lockFile).toBe(lockFile);
    expect(locked.message).toBe(
      `another scim-sync run (pid ${holder.pid}) is still going; lock file ${lockFile}, last heartbeat 0 s ago. Not starting a second one. It is taken over when that process ends or its heartbeat is older than 300 s, state.lockStaleSeconds.`,
    );
    expect(readFileSync(lockFile, 'utf8')).toBe(lockText(holder.pid!));
    expect(readdirSync(dir)).toEqual(['run.lock']);
  });

  it('a lock held by the parent process is refused too', () => {
    writeFileSync(lockFile, lockText(process.ppid));
    expect(() => acquireRunLock(dir)).toThrow(expect.objectContaining({ name: 'RunLockedError', holderPid: process.ppid }));
  });

  it('a stale lock from this host whose pid is dead is taken over', async () => {
    const dead = await deadPid();
    writeFileSync(lockFile, lockText(dead));
    const lock = acquireRunLock(dir);
    expect(Number(readFileSync(lockFile, 'utf8').split('\n')[0])).toBe(process.pid);
    expect(readdirSync(dir)).toEqual(['run.lock']);
    lock.release();
    expect(readdirSync(dir)).toEqual([]);
  });

  it.each([
    ['an empty', ''],
    ['a garbage', 'not a pid\n'],
  ])('%s lock file younger than the threshold is not deleted: the lock counts as held', (_, content) => {
    writeFileSync(lockFile, content);
    const locked = refusal();
    expect(locked.holderPid).toBe(0);
    expect(locked.message).toContain(`lock file ${lockFile} does not name a pid`);
    expect(readFileSync(lockFile, 'utf8')).toBe(content);
    expect(readdirSync(dir)).toEqual(['run.lock']);
  });

  it('an unreadable lock file older than the threshold is stale and taken over', () => {
    writeFileSync(lockFile, '');
    const old = (Date.now() - UNREADABLE_STALE_AFTER_MS - 60_000) / 1000;
    utimesSync(lockFile, old, old);
    const lock = acquireRunLock(dir);
    expect(Number(readFileSync(lockFile, 'utf8').split('\n')[0])).toBe(process.pid);
    lock.release();
    expect(existsSync(lockFile)).toBe(false);
  });

  it('a takeover lock left by a process that died mid-takeover is cleared, and the stale lock taken over', async () => {
    writeFileSync(lockFile, lockText(await deadPid()));
    writeFileSync(`${lockFile}.takeover`, lockText(await deadPid()));
    const lock = acquireRunLock(dir);
    expect(Number(readFileSync(lockFile, 'utf8').split('\n')[0])).toBe(process.pid);
    expect(readdirSync(dir)).toEqual(['run.lock']);
    lock.release();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a stale lock that a live process is busy taking over is left to it: RunLockedError once waiting runs out', async () => {
    const holder = await liveProcess();
    const dead = await deadPid();
    writeFileSync(lockFile, lockText(dead));
    writeFileSync(`${lockFile}.takeover`, lockText(holder.pid!));
    expect(() => acquireRunLock(dir)).toThrow(expect.objectContaining({ name: 'RunLockedError', holderPid: holder.pid }));
    expect(readFileSync(lockFile, 'utf8')).toBe(lockText(dead));
    expect(readdirSync(dir).sort()).toEqual(['run.lock', 'run.lock.takeover']);
  });

  it('release() does not remove a lock file that is no longer ours', () => {
    const lock = acquireRunLock(dir);
    // Replaced under us by another file naming the same pid (a second acquire in this process).
    writeFileSync(join(dir, 'other'), `${process.pid}\nsomeone else's file\n`);
    renameSync(join(dir, 'other'), lockFile);
    lock.release();
    expect(readFileSync(lockFile, 'utf8')).toBe(`${process.pid}\nsomeone else's file\n`);
  });

  describe('two containers sharing a state volume (separate pid namespaces: the same pid names different processes)', () => {
    it('a fresh lock naming our own pid, written in another container, is refused: there it is a live run', () => {
      writeFileSync(lockFile, lockText(process.pid, OTHER_HOST));
      const locked = refusal();
      expect(locked.holderPid).toBe(process.pid);
      expect(locked.holderHost).toBe(OTHER_HOST);
      expect(locked.message).toContain(`another scim-sync run (pid ${process.pid} on another host or container (${OTHER_HOST})) holds lock file ${lockFile}`);
      expect(locked.message).toContain("can't be checked from here");
      expect(locked.message).toContain('older than 300 s, state.lockStaleSeconds');
      expect(readFileSync(lockFile, 'utf8')).toBe(lockText(process.pid, OTHER_HOST));
    });

    it('a fresh lock from another host naming a pid that does not exist here is refused', async () => {
      const dead = await deadPid();
      writeFileSync(lockFile, lockText(dead, OTHER_HOST));
      expect(refusal().holderPid).toBe(dead);
      expect(readFileSync(lockFile, 'utf8')).toBe(lockText(dead, OTHER_HOST));
    });

    it('a lock written without a host identity (an older scim-sync) is judged by its heartbeat, not by its pid', async () => {
      const dead = await deadPid();
      writeFileSync(lockFile, `${dead}\n2020-01-01T00:00:00.000Z\n`);
      expect(refusal().message).toContain('a host it does not name');
      age(lockFile, DEFAULT_LOCK_STALE_MS + 1_000);
      acquireRunLock(dir).release();
    });

    it('a lock from another host whose heartbeat is older than state.lockStaleSeconds is taken over', () => {
      writeFileSync(lockFile, lockText(process.pid, OTHER_HOST));
      age(lockFile, 20_000);
      expect(refusal().holderHost).toBe(OTHER_HOST); // 20 s: fresh under the default 300 s
      const lock = acquireRunLock(dir, { staleAfterMs: 10_000 });
      expect(readFileSync(lockFile, 'utf8').split('\n')[2]).toBe(thisHost());
      lock.release();
      expect(readdirSync(dir)).toEqual([]);
    });

    it('the holder refreshes its heartbeat while it holds the lock, so a run on another host keeps waiting', async () => {
      const lock = acquireRunLock(dir, { staleAfterMs: 30_000, heartbeatMs: 50 });
      try {
        age(lockFile, 60_000); // as if the holder had been quiet for a minute
        const until = Date.now() + 10_000;
        while (Date.now() - statSync(lockFile).mtimeMs > 30_000) {
          if (Date.now() > until) throw new Error('the heartbeat was never refreshed');
          await new Promise((r) => setTimeout(r, 20));
        }
        expect(() => acquireRunLock(dir, { host: OTHER_HOST, staleAfterMs: 30_000 })).toThrow(RunLockedError);
      } finally {
        lock.release();
      }
      expect(readdirSync(dir)).toEqual([]);
    });

    it('a holder whose lock was taken over by another process is told so by its heartbeat', async () => {
      const problems: string[] = [];
      const lock = acquireRunLock(dir, { heartbeatMs: 20, onProblem: (m) => problems.push(m) });
      try {
        unlinkSync(lockFile);
        writeFileSync(lockFile, lockText(process.pid, OTHER_HOST)); // another container's lock now
        const until = Date.now() + 10_000;
        while (problems.length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
        expect(problems[0]).toContain(`the run lock ${lockFile} was replaced by another process's`);
      } finally {
        lock.release();
      }
      expect(readFileSync(lockFile, 'utf8')).toBe(lockText(process.pid, OTHER_HOST)); // not ours to remove
    });
  });

  it('a lock from this host naming an unrelated live pid (pid 1 after a reboot) is stale once its heartbeat is older than the timeout', async () => {
    const unrelated = await liveProcess();
    writeFileSync(lockFile, lockText(unrelated.pid!));
    age(lockFile, DEFAULT_LOCK_STALE_MS + 60_000);
    const lock = acquireRunLock(dir);
    expect(Number(readFileSync(lockFile, 'utf8').split('\n')[0])).toBe(process.pid);
    lock.release();
    expect(readdirSync(dir)).toEqual([]);
  });

  describe('with 12 processes racing for it', () => {
    const CONTENDERS = 12;
    const HOLD_MS = 300;

    async function race(): Promise<ContenderResult[]> {
      expect(existsSync(DIST_RUN_LOCK), `${DIST_RUN_LOCK} missing: build first (unset SCIM_SYNC_SKIP_BUILD)`).toBe(true);
      const scriptDir = mkdtempSync(join(tmpdir(), 'scim-sync-lock-script-'));
      try {
        const script = join(scriptDir, 'contender.mjs');
        writeFileSync(script, CONTENDER);
        const startAt = Date.now() + 1_500; // after all of them have started up
        const deadline = startAt + 15_000;
        const runs = await Promise.all(
          Array.from({ length: CONTENDERS }, () => run(process.execPath, [script, DIST_RUN_LOCK, dir, String(startAt), String(HOLD_MS), String(deadline)])),
        );
        for (const r of runs) expect(r.code, r.stderr).toBe(0);
        return runs.map((r) => JSON.parse(r.stdout.trim()) as ContenderResult);
      } finally {
        rmSync(scriptDir, { recursive: true, force: true });
      }
    }

    function expectOneHolderAtATime(results: ContenderResult[]): void {
      const held = results
        .filter((r) => r.acquired !== undefined)
        .map((r) => ({ pid: r.pid, acquired: r.acquired!, released: r.released! }))
        .sort((a, b) => a.acquired - b.acquired);
      // Every contender keeps trying until it has held the lock once, so all of them get a turn...
      expect(held).toHaveLength(CONTENDERS);
      // ...and no two turns overlap. (Each recorded interval lies inside the real holding time.)
      const overlaps = held.slice(1).filter((h, i) => h.acquired < held[i]!.released);
      expect(overlaps, JSON.stringify(held, null, 1)).toEqual([]);
      // Contended for real: most of them were turned away at least once.
      expect(results.filter((r) => r.refusals > 0).length).toBeGreaterThanOrEqual(CONTENDERS / 2);
      expect(readdirSync(dir)).toEqual([]);
    }

    it('never lets two of them hold it at once', async () => {
      expectOneHolderAtATime(await race());
    }, 30_000);

    it('never lets two of them take over the same stale lock', async () => {
      writeFileSync(lockFile, lockText(await deadPid()));
      expectOneHolderAtATime(await race());
    }, 30_000);
  });
});
