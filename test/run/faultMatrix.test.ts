import { afterEach, describe, expect, it } from 'vitest';
import { type FaultPlan, type RunningEmulator, type SeedUser, startEmulator } from '../../src/emulator/server.js';
import type { RunReport } from '../../src/report/runReport.js';
import { runSync } from '../../src/run/runSync.js';
import { type RosterRow, TEST_TOKEN, Workspace } from '../support/workspace.js';

/**
 * The fault-injection matrix: each fault, then a run, then another run. Whatever the fault,
 * the service must end up equal to the roster, no userName twice, nobody outside the plan
 * deactivated, and every planned operation in the report with an outcome.
 */
const TEAM: SeedUser[] = [
  { userName: 'admin@example.com', givenName: 'Team', familyName: 'Admin' },
  ...Array.from({ length: 8 }, (_, i) => ({ userName: `stay${i}@example.com`, givenName: 'Stay', familyName: `${i}`, externalId: `S${i}` })),
  ...Array.from({ length: 4 }, (_, i) => ({ userName: `rename${i}@example.com`, givenName: 'Old', familyName: `${i}`, externalId: `R${i}` })),
  ...Array.from({ length: 3 }, (_, i) => ({ userName: `back${i}@example.com`, givenName: 'Back', familyName: `${i}`, externalId: `B${i}`, active: false })),
  ...Array.from({ length: 3 }, (_, i) => ({ userName: `leaver${i}@example.com`, givenName: 'Leaver', familyName: `${i}`, externalId: `L${i}` })),
];
const ROSTER: RosterRow[] = [
  ...Array.from({ length: 8 }, (_, i) => ({ employee_id: `S${i}`, email: `stay${i}@example.com`, first_name: 'Stay', last_name: `${i}` })),
  ...Array.from({ length: 4 }, (_, i) => ({ employee_id: `R${i}`, email: `rename${i}@example.com`, first_name: 'New', last_name: `${i}` })),
  ...Array.from({ length: 3 }, (_, i) => ({ employee_id: `B${i}`, email: `back${i}@example.com`, first_name: 'Back', last_name: `${i}` })),
  ...Array.from({ length: 10 }, (_, i) => ({ employee_id: `N${i}`, email: `new${i}@example.com`, first_name: 'New', last_name: `Hire${i}` })),
];
const EXPECTED = [
  'admin@example.com|Team Admin|true',
  ...ROSTER.map((r) => `${r.email}|${r.first_name} ${r.last_name}|true`),
  ...Array.from({ length: 3 }, (_, i) => `leaver${i}@example.com|Leaver ${i}|false`),
].sort();
const PLANNED_DEACTIVATIONS = new Set(['leaver0@example.com', 'leaver1@example.com', 'leaver2@example.com']);

const FAULTS: Record<string, FaultPlan> = {
  'random 5xx on a third of all requests': { seed: 7, rules: [{ rate: 0.33, action: { type: 'status', status: 503 } }] },
  'dropped connections on every third write': {
    rules: [
      { pathPattern: '^/scim/v2/Users/?', method: 'PATCH', every: 3, action: { type: 'drop' } },
      { method: 'POST', every: 3, action: { type: 'drop' } },
      { method: 'PUT', every: 3, action: { type: 'drop' } },
    ],
  },
  'answers slower than the timeout': { rules: [{ every: 4, action: { type: 'delay', ms: 800 } }] },
  '429 storm with Retry-After': { rules: [{ every: 2, times: 12, action: { type: 'status', status: 429, headers: { 'retry-after': '0.05' } } }] },
  '429 storm without Retry-After (the configured default wait)': { rules: [{ every: 2, times: 12, action: { type: 'status', status: 429 } }] },
  'creates committed, then the connection dropped': { rules: [{ method: 'POST', every: 2, action: { type: 'commitThenDrop' } }] },
};

describe('fault-injection matrix: run, run again, converge', () => {
  let ws: Workspace | undefined;
  let emulator: RunningEmulator | undefined;
  afterEach(async () => {
    await emulator?.close();
    ws?.cleanup();
  });

  for (const [name, faults] of Object.entries(FAULTS)) {
    it(`${name}: the service ends equal to the roster, with no duplicate and no unplanned deactivation`, async () => {
      ws = new Workspace();
      emulator = await startEmulator({ token: TEST_TOKEN, users: TEAM, faults, rateLimit: false });
      ws.writeRoster(ROSTER);
      const config = ws.config(emulator.url, {
        target: { timeouts: { headersMs: 300, bodyMs: 300 }, retry: { maxAttempts: 6, baseDelayMs: 5, maxDelayMs: 40, defaultRetryAfterSeconds: 0.05 } },
        sync: { maxConsecutiveFailures: 50 },
      });
      const reports: RunReport[] = [];
      for (let run = 0; run < 2; run++) reports.push((await runSync(config, { dryRun: false }, ws.logger)).report);

      const state = emulator.store.list();
      expect(state.map((u) => `${u.userName}|${u.givenName} ${u.familyName}|${u.active}`).sort()).toEqual(EXPECTED);
      expect(new Set(state.map((u) => u.userName.toLowerCase())).size).toBe(state.length);
      const deactivated = emulator.requestLog
        .filter((r) => r.method === 'PATCH' && JSON.stringify(r.body).includes('"active":false'))
        .map((r) => state.find((u) => r.path.endsWith(u.id))?.userName);
      for (const userName of deactivated) expect(PLANNED_DEACTIVATIONS.has(userName!)).toBe(true);
      // Every planned operation has an outcome in the first run's report.
      expect(reports[0]!.operations).toHaveLength(3 + 3 + 4 + 10);
      for (const op of reports[0]!.operations) expect(['succeeded', 'failed', 'not-attempted', 'skipped']).toContain(op.outcome);
      expect(reports[1]!.exitCode).toBe(0);
    });
  }
});
