import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { RunReport } from '../../src/report/runReport.js';
import { test } from '../support/fixtures.js';
import { TEST_TOKEN } from '../support/workspace.js';
import { runCli } from './runCli.js';

test('run --only applies just the named users’ changes; a name found nowhere (a typo) exits 2 and sends nothing', async ({ ws, emulators }) => {
  const emulator = await emulators.start({ users: [{ userName: 'old@example.com', givenName: 'O', familyName: 'Ld', externalId: 'X' }] });
  ws.writeRoster([
    { employee_id: 'E1', email: 'a@example.com', first_name: 'A', last_name: 'B' },
    { employee_id: 'E2', email: 'c@example.com', first_name: 'C', last_name: 'D' },
  ]);
  ws.config(emulator.url);
  const typo = await runCli(['run', '--config', ws.configPath, '--only', 'C@example.com', '--only', 'nobdy@example.com'], { SCIM_TOKEN: TEST_TOKEN });
  expect(typo.code).toBe(2);
  expect(typo.stdout).toContain('--only names nobdy@example.com, found neither in the roster nor on the service');
  expect(emulator.writeCount()).toBe(0);
  const r = await runCli(['run', '--config', ws.configPath, '--only', 'C@example.com'], { SCIM_TOKEN: TEST_TOKEN });
  expect(r.code, r.stderr).toBe(0);
  expect(
    emulator.store
      .list()
      .map((u) => `${u.userName}:${u.active}`)
      .sort(),
  ).toEqual(['c@example.com:true', 'old@example.com:true']);
  expect(existsSync(join(ws.dir, 'reports'))).toBe(true);
  const report = (ws.reports() as RunReport[]).find((rep) => rep.exitCode === 0);
  expect(report!.operations.map((o) => o.userName)).toEqual(['c@example.com']);
});
