import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RunningEmulator, type SeedUser, startEmulator } from '../../src/emulator/server.js';
import { runSync } from '../../src/run/runSync.js';
import { TEST_TOKEN, Workspace } from '../support/workspace.js';

/**
 * Answers scim-sync can't read whole (too slow to end, too big to hold): the run must end, act on
 * nothing it half-read, and say which limit stopped it and which key raises it.
 */
describe('runSync when an answer never ends or is too big', () => {
  let ws: Workspace;
  let emulator: RunningEmulator;
  beforeEach(() => {
    ws = new Workspace();
  });
  afterEach(async () => {
    await emulator?.close();
    ws.cleanup();
  });

  const team = (n: number): SeedUser[] =>
    Array.from({ length: n }, (_, i) => ({ userName: `u${i}@example.com`, givenName: 'U', familyName: `${i}`, externalId: `U${i}` }));
  const rosterOf = (users: SeedUser[]) =>
    users.map((u) => ({ employee_id: u.externalId!, email: u.userName, first_name: u.givenName!, last_name: u.familyName! }));

  it('a user page that trickles a byte at a time ends the run at target.responseTimeoutSeconds: nothing is changed and the report says which key to raise', async () => {
    const users = team(3);
    emulator = await startEmulator({
      token: TEST_TOKEN,
      users,
      faults: { rules: [{ method: 'GET', pathPattern: '/Users$', action: { type: 'trickle', intervalMs: 50 } }] },
    });
    ws.writeRoster(rosterOf(users).slice(1)); // one leaver, who must not be deactivated on a half-read list
    const config = ws.config(emulator.url, { target: { responseTimeoutSeconds: 0.5, retry: { maxAttempts: 2 }, timeouts: { bodyMs: 30_000 } } });
    const { exitCode, report } = await runSync(config, { dryRun: false }, ws.logger);
    expect(exitCode).toBe(1);
    expect(report.error).toContain(
      'reading users from the service failed: GET /Users?startIndex=1&count=100 failed (status 200): no complete answer within 0.5 s (target.responseTimeoutSeconds)',
    );
    expect(emulator.requestLog.filter((r) => r.path.endsWith('/Users'))).toHaveLength(2); // retried once, then given up
    expect(emulator.writeCount()).toBe(0);
  });

  it('a user page over target.maxResponseBytes ends the run at once (not retried): nothing is changed and the report names the key', async () => {
    const users = team(40); // a page of 40 users is several kB
    emulator = await startEmulator({ token: TEST_TOKEN, users });
    ws.writeRoster(rosterOf(users).slice(1));
    const config = ws.config(emulator.url, { target: { maxResponseBytes: 4096 } });
    const { exitCode, report } = await runSync(config, { dryRun: false }, ws.logger);
    expect(exitCode).toBe(1);
    expect(report.error).toMatch(
      /GET \/Users\?startIndex=1&count=100 failed \(status 200\): the answer is larger than 4096 bytes \(Content-Length: \d+\), the limit set by target\.maxResponseBytes; .*Lower target\.pageSize/,
    );
    expect(emulator.requestLog.filter((r) => r.path.endsWith('/Users'))).toHaveLength(1);
    expect(emulator.writeCount()).toBe(0);
  });
});
