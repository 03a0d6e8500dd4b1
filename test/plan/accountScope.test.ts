import { describe, expect, it } from 'vitest';
import type { LedgerEntry } from '../../src/domain/ledger.js';
import type { ManagePolicy, Operation, PlanPolicy } from '../../src/domain/plan.js';
import type { OutOfScopeRow, RosterUser } from '../../src/domain/roster.js';
import type { RemoteUser } from '../../src/domain/remoteUser.js';
import { plan } from '../../src/plan/plan.js';
import { checkPlan } from '../../src/plan/safety.js';

/** The planner with sync.manage and source.scope: which accounts are ours, and what happens to the rest. */

const rosterUser = (externalId: string, userName: string, active = true): RosterUser => ({
  line: 2,
  externalId,
  userName,
  givenName: 'A',
  familyName: 'B',
  active,
});
const remote = (id: string, userName: string, over: Partial<RemoteUser> = {}): RemoteUser => ({
  id,
  userName,
  givenName: 'A',
  familyName: 'B',
  active: true,
  ...over,
});
const linked = (...ids: string[]): Map<string, LedgerEntry> => new Map(ids.map((id) => [id, { userName: `${id}@x`, linkedAt: '2026-01-01T00:00:00.000Z' }]));
const manage = (over: Partial<ManagePolicy> = {}): ManagePolicy => ({
  domains: ['corp.example'],
  linked: true,
  ledger: new Map(),
  outOfScope: 'ignore',
  ...over,
});
const policy = (m: ManagePolicy): PlanPolicy => ({ deactivateMissing: true, protect: ['admin@corp.example'], manage: m });
const ops = (list: Operation[]) => list.map((op) => `${op.kind}:${op.kind === 'create' ? op.user.userName : op.remote.userName}`);

describe('plan with sync.manage', () => {
  it('a bot account in another domain survives without being in protect: unmanaged, listed, never changed', () => {
    const result = plan(
      { users: [rosterUser('E1', 'ada@corp.example')], rejected: [] },
      [remote('r1', 'ada@corp.example', { externalId: 'E1' }), remote('b1', 'ci-bot@tools.example')],
      policy(manage()),
    );
    expect(result.operations).toEqual([]);
    expect(result.unmanaged).toEqual([{ id: 'b1', userName: 'ci-bot@tools.example', active: true }]);
    expect(result.skipped).toEqual([]);
  });

  it('a leaver in a managed domain is still deactivated, and the operation says why', () => {
    const result = plan({ users: [], rejected: [] }, [remote('r9', 'gone@corp.example', { externalId: 'E9' })], policy(manage()));
    expect(result.operations).toEqual([expect.objectContaining({ kind: 'deactivate', reason: 'missing-from-roster', managedBy: 'domain' })]);
  });

  it('domains compare without case, and exactly: a subdomain is not the domain', () => {
    const result = plan({ users: [], rejected: [] }, [remote('r1', 'Gone@CORP.example'), remote('r2', 'gone@eu.corp.example')], policy(manage()));
    expect(ops(result.operations)).toEqual(['deactivate:Gone@CORP.example']);
    expect(result.unmanaged.map((u) => u.userName)).toEqual(['gone@eu.corp.example']);
  });

  it('a ledger account in an unlisted domain is deactivated when it leaves', () => {
    const result = plan({ users: [], rejected: [] }, [remote('r5', 'contractor@partner.example')], policy(manage({ ledger: linked('r5') })));
    expect(result.operations).toEqual([expect.objectContaining({ kind: 'deactivate', reason: 'missing-from-roster', managedBy: 'ledger' })]);
  });

  it('with linked: false the ledger does not make an account ours', () => {
    const result = plan({ users: [], rejected: [] }, [remote('r5', 'contractor@partner.example')], policy(manage({ ledger: linked('r5'), linked: false })));
    expect(result.operations).toEqual([]);
    expect(result.unmanaged).toHaveLength(1);
  });

  it('"*" manages every account, as before sync.manage existed', () => {
    const result = plan({ users: [], rejected: [] }, [remote('b1', 'bot@tools.example')], policy(manage({ domains: '*' })));
    expect(result.operations).toEqual([expect.objectContaining({ kind: 'deactivate', managedBy: 'every-account' })]);
  });

  it('an account matched by an in-scope row is ours in any domain: updated, reactivated, and recorded as matched', () => {
    const users = [rosterUser('E1', 'ada@partner.example'), rosterUser('E2', 'bo@partner.example')];
    const result = plan(
      { users, rejected: [] },
      [remote('r1', 'ada@partner.example', { externalId: 'E1', givenName: 'Old' }), remote('r2', 'bo@partner.example', { externalId: 'E2', active: false })],
      policy(manage({ domains: [] })),
    );
    expect(ops(result.operations)).toEqual(['reactivate:bo@partner.example', 'update:ada@partner.example']);
    expect(result.matched.sort()).toEqual(['r1', 'r2']);
    expect(result.unmanaged).toEqual([]);
  });

  it('a leaver this sync deactivated and someone reactivated since is released, not fought over (unless its domain is managed)', () => {
    const ledger = new Map([
      ['r1', { userName: 'moved@partner.example', linkedAt: 't0', leftAt: 't1' }],
      ['r2', { userName: 'back@corp.example', linkedAt: 't0', leftAt: 't1' }],
      ['r3', { userName: 'still@partner.example', linkedAt: 't0', leftAt: 't1' }],
    ]);
    const remotes = [remote('r1', 'moved@partner.example'), remote('r2', 'back@corp.example'), remote('r3', 'still@partner.example', { active: false })];
    const result = plan({ users: [], rejected: [] }, remotes, policy(manage({ ledger })));
    expect(ops(result.operations)).toEqual(['deactivate:back@corp.example']);
    expect(result.unmanaged).toEqual([{ id: 'r1', userName: 'moved@partner.example', active: true, released: true }]);
  });

  it('login names without a domain (Nintex) are managed through the ledger alone', () => {
    const result = plan(
      { users: [], rejected: [] },
      [remote('r1', 'joe.bloggs'), remote('r2', 'svc.backup')],
      policy(manage({ domains: [], ledger: linked('r1') })),
    );
    expect(ops(result.operations)).toEqual(['deactivate:joe.bloggs']);
    expect(result.unmanaged.map((u) => u.userName)).toEqual(['svc.backup']);
  });
});

describe('plan with source.scope', () => {
  const out = (line: number, externalId: string, userName: string): OutOfScopeRow => ({ line, externalId, userName });

  it('an out-of-scope row is left alone: its account is neither updated nor deactivated, and not created', () => {
    const result = plan(
      { users: [], rejected: [], outOfScope: [out(3, 'C1', 'carl@corp.example'), out(4, 'C2', 'new@corp.example')] },
      [remote('r1', 'carl@corp.example', { externalId: 'C1', givenName: 'Different' })],
      policy(manage()),
    );
    expect(result.operations).toEqual([]);
    expect(result.skipped).toEqual([{ userName: 'carl@corp.example', id: 'r1', reason: 'out-of-scope' }]);
  });

  it('a row that leaves scope is ignored by default, and a leaver with sync.outOfScope: deactivate when it was ours', () => {
    const data = { users: [], rejected: [], outOfScope: [out(3, 'E1', 'ada@corp.example')] };
    const remotes = [remote('r1', 'ada@corp.example', { externalId: 'E1' })];
    expect(plan(data, remotes, policy(manage({ ledger: linked('r1') }))).operations).toEqual([]);
    const deactivating = plan(data, remotes, policy(manage({ ledger: linked('r1'), outOfScope: 'deactivate' })));
    expect(deactivating.operations).toEqual([expect.objectContaining({ kind: 'deactivate', reason: 'left-scope' })]);
    // Never ours (not in the ledger): out of scope is not "left scope".
    expect(plan(data, remotes, policy(manage({ outOfScope: 'deactivate' }))).operations).toEqual([]);
  });

  it("leaving scope deactivates only an account certainly that row's, not one carrying another externalId", () => {
    const data = { users: [], rejected: [], outOfScope: [out(3, 'E1', 'ada@corp.example')] };
    const result = plan(data, [remote('r2', 'ada@corp.example', { externalId: 'E7' })], policy(manage({ ledger: linked('r2'), outOfScope: 'deactivate' })));
    expect(result.operations).toEqual([]);
    expect(result.skipped).toEqual([expect.objectContaining({ reason: 'out-of-scope' })]);
  });
});

describe('the deactivation cap with sync.manage', () => {
  it('counts managed accounts only: 50 bots do not widen "10%" of 10 employees', () => {
    const employees = Array.from({ length: 10 }, (_, i) => remote(`e${i}`, `e${i}@corp.example`, { externalId: `E${i}` }));
    const bots = Array.from({ length: 50 }, (_, i) => remote(`b${i}`, `bot${i}@tools.example`));
    const users = employees.slice(2).map((e) => rosterUser(e.externalId!, e.userName));
    const remotes = [...employees, ...bots];
    const result = plan({ users, rejected: [] }, remotes, policy(manage()));
    expect(ops(result.operations)).toEqual(['deactivate:e0@corp.example', 'deactivate:e1@corp.example']);
    const refusal = checkPlan(result, remotes, { maxDeactivations: '10%', maxRejectedShare: 0.05, protect: [] });
    expect(refusal?.reason).toBe('the plan deactivates 2 users, more than sync.maxDeactivations allows (1 = 10% of 10 managed users)');
    // Under "*" the 50 bots would have counted (and been deactivated): the cap is over what is managed.
    const everyone = plan({ users, rejected: [] }, remotes, policy(manage({ domains: '*' })));
    expect(checkPlan(everyone, remotes, { maxDeactivations: '10%', maxRejectedShare: 0.05, protect: [] })?.reason).toContain('of 60 managed users');
  });
});
