import { expect } from 'vitest';
import { runSync, type RunResult } from '../../src/run/runSync.js';
import { Workspace } from './workspace.js';

/**
 * Two rosters, one service: employees from HR and contractors from a vendor system, each synced
 * by its own config with its own state.dir, set up as the README's example (split by domain).
 * The scenario runs against any SCIM service a test starts (the emulator, scimmy).
 */
export interface SharedService {
  url: string;
  /** One line per account: userName|externalId|active, sorted. */
  accounts(): string[];
  /** Write requests the service has received so far. */
  writes(): number;
}

export const BOT = 'ci-bot@tools.example';

export async function twoRostersByDomain(service: SharedService, extraConfig: Record<string, unknown> = {}): Promise<void> {
  const hr = new Workspace();
  const vendor = new Workspace();
  try {
    const employees = (rows: string[][]) =>
      hr.writeRoster(rows.map(([id, email, first, last]) => ({ employee_id: id!, email: email!, first_name: first!, last_name: last! })));
    const contractors = (rows: string[][]) =>
      vendor.writeRoster(rows.map(([id, email, first, last]) => ({ employee_id: id!, email: email!, first_name: first!, last_name: last! })));
    const hrConfig = hr.config(service.url, {
      ...extraConfig,
      sync: { protect: [], maxDeactivations: 1, manage: { domains: ['corp.example'], linked: false } },
    });
    const vendorConfig = vendor.config(service.url, {
      ...extraConfig,
      sync: { protect: [], maxDeactivations: 1, manage: { domains: ['contractors.corp.example'], linked: false } },
    });
    const runHr = async (): Promise<RunResult> => runSync(hrConfig, { dryRun: false }, hr.logger);
    const runVendor = async (): Promise<RunResult> => runSync(vendorConfig, { dryRun: false }, vendor.logger);
    const deactivations = (r: RunResult) => r.report.operations.filter((o) => o.op === 'deactivate').map((o) => o.userName);

    employees([
      ['P1', 'ann@corp.example', 'Ann', 'Employee'],
      ['P3', 'ada@corp.example', 'Ada', 'Mover'],
    ]);
    contractors([['P2', 'cid@contractors.corp.example', 'Cid', 'Contractor']]);
    // Each first run creates its own people and leaves the other's (and the bot) alone.
    for (const run of [runHr, runVendor, runHr, runVendor]) {
      const result = await run();
      expect(result.exitCode, result.report.result).toBe(0);
      expect(deactivations(result)).toEqual([]);
    }
    expect(service.accounts()).toEqual([
      'ada@corp.example|P3|active',
      'ann@corp.example|P1|active',
      `${BOT}|-|active`,
      'cid@contractors.corp.example|P2|active',
    ]);
    const settled = service.writes();
    // Each counts the bot and the other roster's people as unmanaged.
    for (const [run, unmanaged] of [
      [runHr, [BOT, 'cid@contractors.corp.example']],
      [runVendor, ['ada@corp.example', 'ann@corp.example', BOT]],
    ] as const) {
      const result = await run();
      expect(result.report.operations, 'a settled pair of configs sends nothing').toEqual([]);
      expect(result.report.unmanaged).toEqual({ count: unmanaged.length, sample: unmanaged });
    }
    expect(service.writes()).toBe(settled);

    // Ada becomes a contractor: the vendor roster gets her (same person id, the contractors'
    // domain) and HR's export drops her. The vendor run, first, takes her account over by
    // externalId and renames it; HR's run then finds her in a domain it doesn't manage.
    employees([['P1', 'ann@corp.example', 'Ann', 'Employee']]);
    contractors([
      ['P2', 'cid@contractors.corp.example', 'Cid', 'Contractor'],
      ['P3', 'ada@contractors.corp.example', 'Ada', 'Mover'],
    ]);
    const handover = await runVendor();
    expect(handover.report.operations.map((o) => `${o.op}:${o.userName}:${o.outcome}`)).toEqual(['update:ada@corp.example:succeeded']);
    for (const run of [runHr, runVendor, runHr]) {
      const result = await run();
      expect(result.exitCode, result.report.result).toBe(0);
      expect(result.report.operations).toEqual([]);
    }
    expect(service.accounts()).toEqual([
      'ada@contractors.corp.example|P3|active',
      'ann@corp.example|P1|active',
      `${BOT}|-|active`,
      'cid@contractors.corp.example|P2|active',
    ]);
  } finally {
    hr.cleanup();
    vendor.cleanup();
  }
}
