import { describe, expect } from 'vitest';
import { test } from '../support/fixtures.js';
import { TEST_TOKEN } from '../support/workspace.js';
import { runCli } from './runCli.js';

describe('scim-sync validate', () => {
  test('validate reads config, roster, ServiceProviderConfig and one page, prints what it found and sends no write', async ({ ws, emulators }) => {
    const users = Array.from({ length: 7 }, (_, i) => ({ userName: `u${i}@example.com`, givenName: 'U', familyName: `${i}` }));
    const emulator = await emulators.start({ users, maxPageSize: 5 });
    ws.writeRoster([{ employee_id: 'E1', email: 'a@example.com', first_name: 'A', last_name: 'B' }]);
    ws.config(emulator.url, { target: { pageSize: 50 } });
    const r = await runCli(['validate', '--config', ws.configPath], { SCIM_TOKEN: TEST_TOKEN });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('roster: ');
    expect(r.stdout).toContain('1 rows, 1 accepted, 0 rejected');
    expect(r.stdout).toContain('patch supported: true; filter supported: true (maxResults 5)');
    expect(r.stdout).toContain('users on the service: 7');
    expect(r.stdout).toContain('page size: asked for 5, got 5 (honoured)'); // the largest page the service advertises, not target.pageSize
    // One page to check the page size; admin@example.com (sync.protect) is not on it: one filter lookup,
    // which finds nobody; then the whole list (2 pages of 5) to count managed accounts. Nothing but GETs.
    expect(emulator.requestLog.map((e) => `${e.method} ${e.path}`)).toEqual([
      'GET /scim/v2/ServiceProviderConfig',
      'GET /scim/v2/Users',
      'GET /scim/v2/Users',
      'GET /scim/v2/Users',
      'GET /scim/v2/Users',
    ]);
    expect(emulator.requestLog.filter((e) => e.query.filter === 'userName eq "admin@example.com"')).toHaveLength(1);
    expect(r.stdout).toContain('  warning: sync.protect entries that match no account on the service: "admin@example.com" (check the spelling)');
    expect(r.stdout).toContain('accounts: 7 managed by domains example.com + ledger (0 accounts); 0 unmanaged\n');
    expect(r.stdout + r.stderr).not.toContain(TEST_TOKEN);
  });

  test('validate shows the effect of sync.manage before the first real run: managed and unmanaged counts and the first unmanaged userNames', async ({
    ws,
    emulators,
  }) => {
    const users = [
      { userName: 'ada@corp.example', givenName: 'Ada', familyName: 'L', externalId: 'E1' },
      { userName: 'gone@corp.example', givenName: 'Gone', familyName: 'G', externalId: 'E2' },
      { userName: 'ci-bot@tools.example', givenName: 'CI', familyName: 'Bot' },
      { userName: 'guest@partner.example', givenName: 'Guest', familyName: 'P' },
    ];
    const emulator = await emulators.start({ users });
    ws.writeRoster([{ employee_id: 'E1', email: 'ada@corp.example', first_name: 'Ada', last_name: 'L' }]);
    ws.config(emulator.url, { sync: { protect: [] } });
    const r = await runCli(['validate', '--config', ws.configPath], { SCIM_TOKEN: TEST_TOKEN });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(
      'accounts: 2 managed by domains corp.example + ledger (0 accounts); 2 unmanaged, left alone: ci-bot@tools.example, guest@partner.example\n',
    );
    expect(emulator.requestLog.filter((e) => e.method !== 'GET')).toEqual([]);
  });

  test('validate warns about a schedule more frequent than a run can take, and shorter than a full read at the budget', async ({ ws, emulators }) => {
    const users = Array.from({ length: 100 }, (_, i) => ({ userName: `u${i}@example.com`, givenName: 'U', familyName: `${i}` }));
    const emulator = await emulators.start({ users, maxPageSize: 5 });
    ws.writeRoster([{ employee_id: 'E1', email: 'a@example.com', first_name: 'A', last_name: 'B' }]);
    ws.config(emulator.url, { daemon: { schedule: '*/30 * * * * *' }, target: { requestsPerMinute: 30 } });
    const r = await runCli(['validate', '--config', ws.configPath], { SCIM_TOKEN: TEST_TOKEN });
    expect(r.code, r.stderr).toBe(0); // warnings, not errors: a demo may want every 30 s
    expect(r.stdout).toContain('  warning: daemon.schedule "*/30 * * * * *" starts a run every 30 s: more often than once a minute');
    expect(r.stdout).toContain(
      '  warning: reading every user takes about 20 requests, 40 s at target.requestsPerMinute 30, longer than the 30 s between runs of daemon.schedule "*/30 * * * * *"',
    );
    // Counting managed accounts would read for longer than a run may take: validate says where to look instead.
    expect(r.stdout).toContain(
      'accounts: not counted here (reading every user takes about 40 s at the budget); `run --dry-run` shows managed and unmanaged accounts',
    );
  });

  test('validate with a wrong token exits 1 with the service’s answer', async ({ ws, emulators }) => {
    const emulator = await emulators.start({ token: 'other' });
    ws.writeRoster([{ employee_id: 'E1', email: 'a@example.com', first_name: 'A', last_name: 'B' }]);
    ws.config(emulator.url);
    const r = await runCli(['validate', '--config', ws.configPath], { SCIM_TOKEN: TEST_TOKEN });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('GET /ServiceProviderConfig answered 401: Unable to access the team. Check if you have entered a valid API key.');
  });

  test('a service without /ServiceProviderConfig: validate and run judge it alike (RFC defaults assumed), and both go on', async ({ ws, emulators }) => {
    const noDiscovery = { rules: [{ pathPattern: '/ServiceProviderConfig$', every: 1, action: { type: 'status' as const, status: 404 } }] };
    const emulator = await emulators.start({ faults: noDiscovery });
    ws.writeRoster([{ employee_id: 'E1', email: 'a@example.com', first_name: 'A', last_name: 'B' }]);
    ws.config(emulator.url);
    const validate = await runCli(['validate', '--config', ws.configPath], { SCIM_TOKEN: TEST_TOKEN });
    expect(validate.code, validate.stdout + validate.stderr).toBe(0);
    expect(validate.stdout).toContain('no usable /ServiceProviderConfig: a run assumes PATCH and filters are supported');
    expect(validate.stdout).toContain('ok: a run can start (no write was sent)');
    const run = await runCli(['run', '--config', ws.configPath], { SCIM_TOKEN: TEST_TOKEN });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(emulator.store.findByUserName('a@example.com')?.active).toBe(true);
  });
});
