import { afterEach, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../src/emulator/server.js';
import { runSync } from '../../src/run/runSync.js';
import { BOT, twoRostersByDomain } from '../support/twoRosters.js';
import { TEST_TOKEN, Workspace } from '../support/workspace.js';

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

describe('two rosters, one service (the built-in emulator)', () => {
  let emulator: RunningEmulator | undefined;
  afterEach(async () => {
    await emulator?.close();
  });

  const accounts = (e: RunningEmulator) =>
    e.store
      .list()
      .map((u) => `${u.userName}|${u.externalId ?? '-'}|${u.active ? 'active' : 'inactive'}`)
      .sort();

  it('two configs split by domain do not fight, and a person who moves from one roster to the other is handed over without a duplicate', async () => {
    const e = (emulator = await startEmulator({ token: TEST_TOKEN, users: [{ userName: BOT, givenName: 'CI', familyName: 'Bot' }] }));
    await twoRostersByDomain({ url: e.url, accounts: () => accounts(e), writes: () => e.requestLog.filter((r) => WRITES.has(r.method)).length });
  });

  it('two configs split by ledger (domains: [], linked: true) do not fight; a mover is deactivated once by the roster she left, then released, and never duplicated', async () => {
    const e = (emulator = await startEmulator({ token: TEST_TOKEN, users: [{ userName: BOT, givenName: 'CI', familyName: 'Bot' }] }));
    const hr = new Workspace();
    const vendor = new Workspace();
    try {
      const settings = { sync: { protect: [], maxDeactivations: 1, manage: { domains: [], linked: true } } };
      const hrConfig = hr.config(e.url, settings);
      const vendorConfig = vendor.config(e.url, settings);
      const runHr = () => runSync(hrConfig, { dryRun: false }, hr.logger);
      const runVendor = () => runSync(vendorConfig, { dryRun: false }, vendor.logger);
      const ops = async (run: typeof runHr) => (await run()).report.operations.map((o) => `${o.op}:${o.userName}`);
      // Both rosters hold people in the same domain: only the ledger tells them apart.
      hr.writeRoster([
        { employee_id: 'P1', email: 'ann@corp.example', first_name: 'Ann', last_name: 'E' },
        { employee_id: 'P3', email: 'ada@corp.example', first_name: 'Ada', last_name: 'M' },
      ]);
      vendor.writeRoster([{ employee_id: 'P2', email: 'cid@corp.example', first_name: 'Cid', last_name: 'C' }]);
      expect(await ops(runHr)).toEqual(['create:ada@corp.example', 'create:ann@corp.example']);
      expect(await ops(runVendor)).toEqual(['create:cid@corp.example']);
      expect(await ops(runHr)).toEqual([]);
      expect(await ops(runVendor)).toEqual([]);

      hr.writeRoster([{ employee_id: 'P1', email: 'ann@corp.example', first_name: 'Ann', last_name: 'E' }]);
      vendor.writeRoster([
        { employee_id: 'P2', email: 'cid@corp.example', first_name: 'Cid', last_name: 'C' },
        { employee_id: 'P3', email: 'ada@corp.example', first_name: 'Ada', last_name: 'M' },
      ]);
      // HR runs first and sees a leaver it created: deactivated (the gap the README describes).
      const left = await runHr();
      expect(left.report.operations.map((o) => `${o.op}:${o.userName}:${o.managedBy}`)).toEqual(['deactivate:ada@corp.example:ledger']);
      expect(await ops(runVendor)).toEqual(['reactivate:ada@corp.example']);
      // HR finds her active again: someone else took her over. It lets go instead of fighting.
      const released = await runHr();
      expect(released.report.operations).toEqual([]);
      expect(released.report.unmanaged?.sample).toContain('ada@corp.example');
      expect(hr.logLines.join('\n')).toContain('has been reactivated since (by another sync or an admin): it leaves the ledger');
      for (const run of [runVendor, runHr, runVendor]) expect(await ops(run)).toEqual([]);
      expect(accounts(e)).toEqual(['ada@corp.example|P3|active', 'ann@corp.example|P1|active', `${BOT}|-|active`, 'cid@corp.example|P2|active']);
    } finally {
      hr.cleanup();
      vendor.cleanup();
    }
  });
});
