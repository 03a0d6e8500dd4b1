import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../src/emulator/server.js';
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

  it('a second run while the first still holds the lock exits 4 with a clear message', async () => {
    ws.writeRoster(people(1));
    ws.config('http://127.0.0.1:9/scim/v2');
    mkdirSync(join(ws.dir, 'state'));
    writeFileSync(join(ws.dir, 'state', 'run.lock'), `${process.pid}\n`);
    const r = remember(await runCli(['run', '--config', ws.configPath], env));
    expect(r.code).toBe(4);
    expect(r.stderr).toContain(`another scim-sync run (pid ${process.pid}) is still going`);
  });

  it('a stale lock left by a dead process is taken over', async () => {
    emulator = await startEmulator({ token: TEST_TOKEN });
    ws.writeRoster(people(1));
    ws.config(emulator.url);
    const dead = await runCli(['--version']).then(() => 999_999); // no such pid on Linux (pid_max is lower)
    mkdirSync(join(ws.dir, 'state'));
    writeFileSync(join(ws.dir, 'state', 'run.lock'), `${dead}\n`);
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
