import { existsSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../src/emulator/server.js';
import { thisHost } from '../../src/state/hostIdentity.js';
import { TEST_TOKEN, Workspace } from '../support/workspace.js';
import { type CliResult, runCli } from './runCli.js';

/** Every output of every CLI scenario, checked at the end for the token. */
const allOutput: string[] = [];
const remember = (r: CliResult, ws?: Workspace) => {
  allOutput.push(r.stdout, r.stderr, JSON.stringify(ws?.reports() ?? []));
  return r;
};

describe('scim-sync CLI', () => {
  let ws: Workspace;
  let emulator: RunningEmulator;
  const env = { SCIM_TOKEN: TEST_TOKEN };
  beforeEach(() => {
    ws = new Workspace();
  });
  afterEach(async () => {
    await emulator?.close();
    ws.cleanup();
  });
  afterAll(() => {
    expect(allOutput.join('\n')).not.toContain(TEST_TOKEN);
  });

  const people = (n: number) => Array.from({ length: n }, (_, i) => ({ employee_id: `E${i}`, email: `p${i}@example.com`, first_name: 'P', last_name: `${i}` }));

  it('--help lists the commands and options and never a token flag', async () => {
    const top = remember(await runCli(['--help']));
    expect(top.code).toBe(0);
    expect(top.stdout).toContain('run [options]');
    const run = remember(await runCli(['run', '--help']));
    expect(run.stdout).toContain('--dry-run');
    expect(run.stdout).toContain('--allow-deactivations <n>');
    expect(run.stdout).not.toMatch(/--token/);
  });

  it('a successful run exits 0 and prints the summary and the report path', async () => {
    emulator = await startEmulator({ token: TEST_TOKEN });
    ws.writeRoster(people(3));
    ws.config(emulator.url);
    const r = remember(await runCli(['run', '--config', ws.configPath], env), ws);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('all 3 operations succeeded');
    expect(r.stdout).toMatch(/report: .*scim-sync-.*\.json/);
    expect(emulator.store.size).toBe(3);
  });

  it('--dry-run prints the plan as a table and sends nothing', async () => {
    emulator = await startEmulator({ token: TEST_TOKEN });
    ws.writeRoster(people(2));
    ws.config(emulator.url);
    const report = join(ws.dir, 'plan.json');
    const r = remember(await runCli(['run', '--config', ws.configPath, '--dry-run', '--report', report], env), ws);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/OPERATION\s+USER\s+CHANGE\s+OUTCOME/);
    expect(r.stdout).toMatch(/create\s+p0@example.com\s+new user\s+planned/);
    expect(r.stdout).toContain('DRY RUN — nothing was sent.');
    expect(emulator.writeCount()).toBe(0);
  });

  it('a typo in the config exits 2 naming the file, line and key, with a suggestion', async () => {
    ws.writeRoster(people(1));
    ws.config('http://127.0.0.1:9/scim/v2');
    writeFileSync(ws.configPath, 'source:\n  path: ./roster.csv\n  colums: {}\n');
    const r = remember(await runCli(['run', '--config', ws.configPath], env));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`config error: ${ws.configPath} line 3: source.colums: unknown key (did you mean "source.columns"?)`);
  });

  it('an unset ${ENV} variable exits 2 naming the variable and the key', async () => {
    ws.writeRoster(people(1));
    ws.config('http://127.0.0.1:9/scim/v2');
    const r = remember(await runCli(['run', '--config', ws.configPath], {}));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/line \d+: target\.token: environment variable SCIM_TOKEN is not set/);
  });

  it('the token may come from SCIM_TOKEN_FILE alone although the config says token: ${SCIM_TOKEN}', async () => {
    emulator = await startEmulator({ token: TEST_TOKEN });
    ws.writeRoster(people(1));
    ws.config(emulator.url);
    writeFileSync(join(ws.dir, 'token'), `${TEST_TOKEN}\n`);
    const r = remember(await runCli(['run', '--config', ws.configPath], { SCIM_TOKEN_FILE: join(ws.dir, 'token') }), ws);
    expect(r.code, r.stderr).toBe(0);
    expect(emulator.store.size).toBe(1);
  });

  it('--quiet prints nothing on success, not even rejected roster rows (all of them are in the report)', async () => {
    emulator = await startEmulator({ token: TEST_TOKEN });
    const rows = people(30);
    rows[5] = { ...rows[5]!, email: 'not-an-email' }; // 1 of 30 rows: under source.maxRejectedShare
    ws.writeRoster(rows);
    ws.config(emulator.url);
    const loud = remember(await runCli(['run', '--config', ws.configPath, '--dry-run', '--report', join(ws.dir, 'plan.json')], env));
    expect(loud.stderr).toContain('roster row rejected');
    const report = join(ws.dir, 'quiet.json');
    const quiet = remember(await runCli(['run', '--config', ws.configPath, '--quiet', '--report', report], env));
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(quiet.stdout).toBe('');
    expect(quiet.stderr).toBe('');
    const written = JSON.parse(readFileSync(report, 'utf8')) as { roster: { rejected: { line: number }[] } };
    expect(written.roster.rejected.map((row) => row.line)).toEqual([7]);
    expect(emulator.store.size).toBe(29);
  });

  it('a dry run refused by the deactivation cap shows the plan, and its advice fits a dry run', async () => {
    const leavers = Array.from({ length: 5 }, (_, i) => ({ userName: `gone${i}@example.com`, externalId: `G${i}`, givenName: 'G', familyName: `${i}` }));
    emulator = await startEmulator({ token: TEST_TOKEN, users: leavers });
    ws.writeRoster(people(1));
    ws.config(emulator.url, { sync: { maxDeactivations: 1 } });
    const dry = remember(await runCli(['run', '--config', ws.configPath, '--dry-run', '--report', join(ws.dir, 'dry.json')], env));
    expect(dry.code).toBe(3);
    expect(dry.stdout).toMatch(/deactivate\s+gone0@example.com/);
    expect(dry.stdout).not.toContain('Nothing to do');
    expect(dry.stdout).not.toContain('or with --dry-run');
    expect(dry.stdout).toContain(
      'next: check the planned deactivations listed in the report; if they are right, run without --dry-run, with --allow-deactivations 5',
    );
    const dryReport = JSON.parse(readFileSync(join(ws.dir, 'dry.json'), 'utf8')) as { refused: { howToProceed: string } };
    expect(dryReport.refused.howToProceed).toContain('run without --dry-run, with --allow-deactivations 5');
    const live = remember(await runCli(['run', '--config', ws.configPath, '--report', join(ws.dir, 'live.json')], env));
    expect(live.code).toBe(3);
    expect(live.stdout).toContain('(or with --dry-run)');
    expect(emulator.writeCount()).toBe(0);
  });

  it('a dry run refused before planning says no plan was made, not "nothing to do"', async () => {
    ws.writeRoster([...people(2), { employee_id: 'E9', email: 'broken', first_name: 'B', last_name: 'R' }]);
    ws.config('http://127.0.0.1:9/scim/v2');
    const r = remember(await runCli(['run', '--config', ws.configPath, '--dry-run', '--report', join(ws.dir, 'plan.json')], env));
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('No plan was made');
    expect(r.stdout).not.toContain('Nothing to do');
    expect(r.stdout).toContain('refused: 1 of 3 roster rows were rejected');
  });

  it('validate and daemon (every command) check daemon.schedule and daemon.timezone, naming the file, line (or variable) and key', async () => {
    ws.writeRoster(people(1));
    ws.writeConfig('http://127.0.0.1:9/scim/v2', { daemon: { schedule: '61 * * * *' } });
    const line =
      readFileSync(ws.configPath, 'utf8')
        .split('\n')
        .findIndex((l) => l.trim().startsWith('schedule:')) + 1;
    for (const command of ['validate', 'daemon']) {
      const r = remember(await runCli([command, '--config', ws.configPath], env));
      expect(r.code, command).toBe(2);
      expect(r.stderr, command).toContain(`config error: ${ws.configPath} line ${line}: daemon.schedule: got "61 * * * *", expected a cron expression`);
      expect(r.stdout, command).not.toContain('is valid');
    }
    ws.writeConfig('http://127.0.0.1:9/scim/v2', { daemon: { timezone: 'Mars/Olympus_Mons' } });
    const tzLine =
      readFileSync(ws.configPath, 'utf8')
        .split('\n')
        .findIndex((l) => l.trim().startsWith('timezone:')) + 1;
    const tz = remember(await runCli(['validate', '--config', ws.configPath], env));
    expect(tz.code).toBe(2);
    expect(tz.stderr).toContain(`config error: ${ws.configPath} line ${tzLine}: daemon.timezone: got "Mars/Olympus_Mons", expected an IANA time zone`);
    const fromEnv = remember(await runCli(['validate', '--config', ws.configPath], { ...env, SCIM_SYNC_TIMEZONE: 'Nowhere/Else' }));
    expect(fromEnv.code).toBe(2);
    expect(fromEnv.stderr).toContain(`config error: ${ws.configPath}: daemon.timezone (from SCIM_SYNC_TIMEZONE): got "Nowhere/Else"`);
  });

  it('a token file with a line break inside exits 2 naming the key, sends nothing and leaves no lock (it used to hang undici until Node exited 13)', async () => {
    emulator = await startEmulator({ token: TEST_TOKEN });
    ws.writeRoster(people(1));
    ws.config(emulator.url);
    const [first, second] = [TEST_TOKEN.slice(0, 12), TEST_TOKEN.slice(12)];
    writeFileSync(join(ws.dir, 'token'), `${first}\n${second}\n`);
    const r = remember(await runCli(['run', '--config', ws.configPath], { SCIM_TOKEN_FILE: join(ws.dir, 'token') }), ws);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(`target.tokenFile (from SCIM_TOKEN_FILE): ${join(ws.dir, 'token')}: the token has a line break at character 13`);
    expect(`${r.stdout}${r.stderr}`).not.toContain(first);
    expect(`${r.stdout}${r.stderr}`).not.toContain(second);
    expect(emulator.requestLog).toHaveLength(0);
    expect(existsSync(join(ws.dir, 'state', 'run.lock'))).toBe(false);
  });

  it('a second run while the first still holds the lock exits 4 with a clear message', async () => {
    ws.writeRoster(people(1));
    ws.config('http://127.0.0.1:9/scim/v2');
    mkdirSync(join(ws.dir, 'state'));
    writeFileSync(join(ws.dir, 'state', 'run.lock'), `${process.pid}\n${new Date().toISOString()}\n${thisHost()}\n`);
    const r = remember(await runCli(['run', '--config', ws.configPath], env));
    expect(r.code).toBe(4);
    expect(r.stderr).toContain(`another scim-sync run (pid ${process.pid}) is still going`);
  });

  it('a fresh lock from another container on the same state volume (where its pid is alive) exits 4 and sends nothing', async () => {
    emulator = await startEmulator({ token: TEST_TOKEN });
    ws.writeRoster(people(3));
    ws.config(emulator.url);
    mkdirSync(join(ws.dir, 'state'));
    // Its pid (a dead or unrelated one here, or even ours) says nothing about the process over there.
    const otherContainer = 'host=3f2a9c1d7e4b boot=00000000-0000-4000-8000-000000000000 pidns=pid:[4026532999]';
    writeFileSync(join(ws.dir, 'state', 'run.lock'), `999999\n${new Date().toISOString()}\n${otherContainer}\n`);
    const r = remember(await runCli(['run', '--config', ws.configPath], env));
    expect(r.code, r.stdout + r.stderr).toBe(4);
    expect(r.stderr).toContain(`another scim-sync run (pid 999999 on another host or container (${otherContainer})) holds lock file`);
    expect(r.stderr).toContain('state.lockStaleSeconds');
    expect(emulator.requestLog).toEqual([]);
  });

  it('a lock naming an unrelated live pid (pid 1 after a reboot) whose heartbeat is older than state.lockStaleSeconds is taken over', async () => {
    emulator = await startEmulator({ token: TEST_TOKEN });
    ws.writeRoster(people(1));
    ws.config(emulator.url, { state: { lockStaleSeconds: 60 } });
    mkdirSync(join(ws.dir, 'state'));
    const lockFile = join(ws.dir, 'state', 'run.lock');
    writeFileSync(lockFile, `1\n2020-01-01T00:00:00.000Z\n${thisHost()}\n`);
    const twoMinutesAgo = (Date.now() - 120_000) / 1000;
    utimesSync(lockFile, twoMinutesAgo, twoMinutesAgo);
    const r = remember(await runCli(['run', '--config', ws.configPath], env), ws);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(emulator.store.size).toBe(1);
    expect(existsSync(lockFile)).toBe(false);
  });

  it('a stale lock left by a dead process is taken over', async () => {
    emulator = await startEmulator({ token: TEST_TOKEN });
    ws.writeRoster(people(1));
    ws.config(emulator.url);
    const dead = await runCli(['--version']).then(() => 999_999); // no such pid on Linux (pid_max is lower)
    mkdirSync(join(ws.dir, 'state'));
    writeFileSync(join(ws.dir, 'state', 'run.lock'), `${dead}\n${new Date().toISOString()}\n${thisHost()}\n`);
    const r = remember(await runCli(['run', '--config', ws.configPath], env), ws);
    expect(r.code).toBe(0);
  });

  it('SIGTERM mid-run finishes in-flight requests, writes the report and exits 143', async () => {
    emulator = await startEmulator({ token: TEST_TOKEN, latencyMs: 150 });
    ws.writeRoster(people(20));
    ws.config(emulator.url, { target: { concurrency: 2 } });
    const report = join(ws.dir, 'interrupted.json');
    const r = remember(
      await runCli(['run', '--config', ws.configPath, '--report', report], env, (child) => {
        const timer = setInterval(() => {
          if (emulator.writeCount() >= 3) {
            clearInterval(timer);
            child.kill('SIGTERM');
          }
        }, 5);
      }),
      ws,
    );
    expect(r.code, r.stdout + r.stderr).toBe(143);
    const written = JSON.parse((await import('node:fs')).readFileSync(report, 'utf8')) as { operations: { outcome: string }[]; exitCode: number };
    expect(written.exitCode).toBe(143);
    const succeeded = written.operations.filter((o) => o.outcome === 'succeeded').length;
    expect(succeeded).toBe(emulator.store.size);
    expect(succeeded).toBeGreaterThanOrEqual(3);
    expect(written.operations.filter((o) => o.outcome === 'not-attempted').length).toBe(20 - succeeded);
  });

  it('kill -9 mid-run, then a second run converges with no duplicate accounts', async () => {
    emulator = await startEmulator({ token: TEST_TOKEN, latencyMs: 50 });
    ws.writeRoster(people(12));
    ws.config(emulator.url, { target: { concurrency: 3 } });
    const first = await runCli(['run', '--config', ws.configPath], env, (child) => {
      const timer = setInterval(() => {
        if (emulator.writeCount() >= 4) {
          clearInterval(timer);
          child.kill('SIGKILL');
        }
      }, 2);
    });
    expect(first.signal).toBe('SIGKILL');
    const partial = emulator.store.size;
    expect(partial).toBeLessThan(12);
    const second = remember(await runCli(['run', '--config', ws.configPath], env), ws);
    expect(second.code).toBe(0); // the dead run's lock was stale and taken over
    const userNames = emulator.store.list().map((u) => u.userName);
    expect(userNames).toHaveLength(12);
    expect(new Set(userNames).size).toBe(12);
  });
});
