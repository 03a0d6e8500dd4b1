import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { GroupOperation, GroupPlan } from '../../src/domain/groupOperation.js';
import type { PlanPolicy } from '../../src/domain/plan.js';
import type { RemoteGroup } from '../../src/domain/remoteGroup.js';
import type { RemoteUser } from '../../src/domain/remoteUser.js';
import type { RosterUser } from '../../src/domain/roster.js';
import type { GroupInputs, GroupPolicy } from '../../src/plan/groupPlan.js';
import { plan } from '../../src/plan/plan.js';

const policy: PlanPolicy = { deactivateMissing: true, protect: ['admin@example.com'] };
const groupPolicy: GroupPolicy = { membersPerRequest: 100, deleteEmpty: false, caseExact: true, ledger: new Map() };

function row(n: number, groups: string[] | undefined, over: Partial<RosterUser> = {}): RosterUser {
  return { line: n + 1, externalId: `E${n}`, userName: `u${n}@example.com`, givenName: 'Ada', familyName: 'Lovelace', active: true, groups, ...over };
}
function account(n: number, over: Partial<RemoteUser> = {}): RemoteUser {
  return { id: `r${n}`, userName: `u${n}@example.com`, externalId: `E${n}`, givenName: 'Ada', familyName: 'Lovelace', active: true, ...over };
}
function groupsOf(users: RosterUser[], remote: RemoteUser[], remoteGroups: RemoteGroup[], over: Partial<GroupPolicy> = {}, planPolicy = policy): GroupPlan {
  const inputs: GroupInputs = { remoteGroups, policy: { ...groupPolicy, ...over } };
  return plan({ users, rejected: [] }, remote, planPolicy, inputs).groups!;
}
/** One line per operation: `kind group: members`, as an admin reads the table. */
const lines = (ops: GroupOperation[]) =>
  ops.map(
    (op) =>
      `${op.kind} ${op.group.displayName}${op.kind === 'delete-group' ? '' : `: ${op.members.map((m) => `${m.userName.split('@')[0]}(${m.reason})`).join(' ')}`}`,
  );

describe('group plan', () => {
  it('departments become groups: one create per distinct name, new hires and existing accounts as its first members', () => {
    const users = [row(1, ['Dept - Sales', 'All Staff']), row(2, ['Dept - Eng', 'All Staff']), row(3, ['Dept - Sales', 'All Staff'])];
    const result = groupsOf(users, [account(1), account(2)], []);
    expect(lines(result.operations)).toEqual([
      'create-group All Staff: u1(named-by-row) u2(named-by-row) u3(named-by-row)',
      'create-group Dept - Eng: u2(named-by-row)',
      'create-group Dept - Sales: u1(named-by-row) u3(named-by-row)',
    ]);
    // u3 is a new hire: no id yet, the create's answer gives it.
    const sales = result.operations[2]!;
    expect(sales.kind !== 'delete-group' && sales.members.map((m) => m.id)).toEqual(['r1', undefined]);
  });

  it('a department change moves the person: removed from the old group, added to the new one', () => {
    const groups = [
      { id: 'g1', displayName: 'Dept - Sales', members: ['r1', 'r2'] },
      { id: 'g2', displayName: 'Dept - Eng', members: ['r3'] },
    ];
    const users = [row(1, ['Dept - Sales']), row(2, ['Dept - Eng']), row(3, ['Dept - Eng'])];
    const result = groupsOf(users, [account(1), account(2), account(3)], groups);
    expect(lines(result.operations)).toEqual(['remove-members Dept - Sales: u2(not-named-by-row)', 'add-members Dept - Eng: u2(named-by-row)']);
    expect(result.memberRemovals).toBe(1);
    expect(result.managedMemberships).toBe(3);
  });

  it('a leaver leaves every managed group, whether missing from the roster or inactive in it', () => {
    const groups = [
      { id: 'g1', displayName: 'Dept - Sales', members: ['r1', 'r2', 'r3'] },
      { id: 'g2', displayName: 'All Staff', members: ['r1', 'r2', 'r3'] },
    ];
    const users = [row(1, ['Dept - Sales', 'All Staff']), row(2, ['Dept - Sales', 'All Staff'], { active: false })];
    const result = groupsOf(users, [account(1), account(2), account(3)], groups);
    expect(lines(result.operations)).toEqual(['remove-members All Staff: u2(leaver) u3(leaver)', 'remove-members Dept - Sales: u2(leaver) u3(leaver)']);
  });

  it('with sync.deactivateMissing off, an active account missing from the roster keeps its groups; an inactive one still leaves them', () => {
    const groups = [{ id: 'g1', displayName: 'Dept - Sales', members: ['r1', 'r2', 'r3'] }];
    const users = [row(1, ['Dept - Sales'])];
    const result = groupsOf(users, [account(1), account(2), account(3, { active: false })], groups, {}, { ...policy, deactivateMissing: false });
    expect(lines(result.operations)).toEqual(['remove-members Dept - Sales: u3(leaver)']);
  });

  it('a rehire gets their groups back from the roster with the reactivation', () => {
    const groups = [{ id: 'g1', displayName: 'Dept - Sales', members: ['r1'] }];
    const result = plan({ users: [row(1, ['Dept - Sales']), row(2, ['Dept - Sales'])], rejected: [] }, [account(1), account(2, { active: false })], policy, {
      remoteGroups: groups,
      policy: groupPolicy,
    });
    expect(result.operations.map((o) => o.kind)).toEqual(['reactivate']);
    expect(lines(result.groups!.operations)).toEqual(['add-members Dept - Sales: u2(named-by-row)']);
  });

  it('a hand-made group the roster does not name is never changed, even with managed accounts in it', () => {
    const groups = [{ id: 'g9', displayName: 'Break-glass admins', members: ['r1', 'r2'] }];
    const result = groupsOf([row(1, ['Dept - Sales'])], [account(1), account(2)], groups);
    expect(lines(result.operations)).toEqual(['create-group Dept - Sales: u1(named-by-row)']);
    expect(result.unmanaged).toBe(1);
    expect(result.managed).toEqual([{ displayName: 'Dept - Sales' }]);
  });

  it('an adopted group keeps members who are not this sync’s accounts (protected, unmanaged, unknown ids)', () => {
    const groups = [{ id: 'g1', displayName: 'Dept - Sales', members: ['r1', 'admin', 'bot', 'nested-group'] }];
    const remote = [account(1), { id: 'admin', userName: 'admin@example.com', active: true }, { id: 'bot', userName: 'bot@ci.example.net', active: true }];
    const manage = { domains: ['example.com'], linked: true, ledger: new Map(), outOfScope: 'ignore' as const };
    const result = groupsOf([row(1, ['Dept - Sales'])], remote, groups, {}, { ...policy, manage });
    expect(result.operations).toEqual([]);
    expect(result.managedMemberships).toBe(1);
  });

  it('a group from an earlier run that the roster no longer names (a changed template) empties; a new one is created', () => {
    const groups = [{ id: 'g1', displayName: 'Sales', members: ['r1', 'r2'] }];
    const ledger = new Map([['g1', { displayName: 'Sales', linkedAt: '2026-01-01T00:00:00Z' }]]);
    const result = groupsOf([row(1, ['Dept - Sales']), row(2, ['Dept - Sales'])], [account(1), account(2)], groups, { ledger });
    expect(lines(result.operations)).toEqual([
      'remove-members Sales: u1(not-named-by-row) u2(not-named-by-row)',
      'create-group Dept - Sales: u1(named-by-row) u2(named-by-row)',
    ]);
  });

  it('an emptied group is deleted only with deleteEmpty, and a group the roster names never is', () => {
    const groups = [
      { id: 'g1', displayName: 'Old', members: ['r1'] },
      { id: 'g2', displayName: 'Dept - Sales', members: ['r2'] },
    ];
    const ledger = new Map([
      ['g1', { displayName: 'Old', linkedAt: '2026-01-01T00:00:00Z' }],
      ['g2', { displayName: 'Dept - Sales', linkedAt: '2026-01-01T00:00:00Z' }],
    ]);
    const users = [row(1, ['Dept - Sales'])];
    expect(lines(groupsOf(users, [account(1), account(2)], groups, { ledger }).operations)).not.toContain('delete-group Old');
    expect(lines(groupsOf(users, [account(1), account(2)], groups, { ledger, deleteEmpty: true }).operations)).toEqual([
      'remove-members Dept - Sales: u2(leaver)',
      'remove-members Old: u1(not-named-by-row)',
      'add-members Dept - Sales: u1(named-by-row)',
      'delete-group Old',
    ]);
  });

  it('chunks memberships at groups.membersPerRequest: exactly the limit is one request, one more is two', () => {
    const users = Array.from({ length: 5 }, (_, i) => row(i, ['Big']));
    const remote = users.map((_, i) => account(i));
    const atLimit = groupsOf(users, remote, [{ id: 'g', displayName: 'Big', members: [] }], { membersPerRequest: 5 });
    expect(atLimit.operations.map((o) => o.kind !== 'delete-group' && o.members.length)).toEqual([5]);
    const over = groupsOf(users, remote, [{ id: 'g', displayName: 'Big', members: [] }], { membersPerRequest: 4 });
    expect(over.operations.map((o) => o.kind !== 'delete-group' && o.members.length)).toEqual([4, 1]);
    // A new group carries its first chunk in the create; the rest follow as additions.
    const created = groupsOf(users, remote, [], { membersPerRequest: 2 });
    expect(created.operations.map((o) => `${o.kind}:${o.kind === 'delete-group' ? 0 : o.members.length}`)).toEqual([
      'create-group:2',
      'add-members:2',
      'add-members:1',
    ]);
  });

  it('names differing only in case: two groups on a case-exact service (Postman), one on a service that ignores case', () => {
    const groups = [{ id: 'g1', displayName: 'Dept - Sales', members: ['r1'] }];
    const users = [row(1, ['Dept - Sales']), row(2, ['Dept - sales'])];
    expect(lines(groupsOf(users, [account(1), account(2)], groups, { caseExact: true }).operations)).toEqual(['create-group Dept - sales: u2(named-by-row)']);
    expect(lines(groupsOf(users, [account(1), account(2)], groups, { caseExact: false }).operations)).toEqual(['add-members Dept - Sales: u2(named-by-row)']);
  });

  it('--only keeps just the named people’s memberships', () => {
    const groups = [{ id: 'g1', displayName: 'Dept - Sales', members: ['r1', 'r2'] }];
    const result = groupsOf([row(3, ['Dept - Sales'])], [account(1), account(2), account(3)], groups, {}, { ...policy, only: ['U2@example.com'] });
    expect(lines(result.operations)).toEqual(['remove-members Dept - Sales: u2(leaver)']);
    // The removal cap weighs what is sent: u1's removal is not in this run.
    expect(result.memberRemovals).toBe(1);
  });

  it('property: applying the group plan reaches the roster’s memberships, and planning again plans nothing', () => {
    const names = ['A', 'B', 'C'];
    fc.assert(
      fc.property(
        fc.array(fc.record({ groups: fc.subarray(names), active: fc.boolean(), onService: fc.boolean() }), { maxLength: 12 }),
        fc.array(fc.record({ name: fc.constantFrom(...names, 'Hand-made'), members: fc.subarray([...Array(12).keys()]) }), { maxLength: 4 }),
        fc.integer({ min: 1, max: 3 }),
        (people, existing, chunk) => {
          const users = people.map((p, i) => row(i, p.groups, { active: p.active }));
          const remote = people.flatMap((p, i) => (p.onService ? [account(i)] : []));
          const seen = new Set<string>();
          const groups: RemoteGroup[] = existing
            .filter((g) => !seen.has(g.name) && seen.add(g.name))
            .map((g, i) => ({ id: `g${i}`, displayName: g.name, members: g.members.filter((n) => remote.some((r) => r.id === `r${n}`)).map((n) => `r${n}`) }));
          const first = groupsOf(users, remote, groups, { membersPerRequest: chunk });
          for (const op of first.operations) if (op.kind !== 'delete-group') expect(op.members.length).toBeLessThanOrEqual(chunk);
          // Apply it the way a service would: creates get ids, new hires get their accounts.
          const after = new Map(groups.map((g) => [g.displayName, new Set(g.members)]));
          const idOf = (userName: string) => `r${userName.slice(1, userName.indexOf('@'))}`;
          for (const op of first.operations) {
            if (op.kind === 'delete-group') continue;
            const members = after.get(op.group.displayName) ?? new Set<string>();
            after.set(op.group.displayName, members);
            for (const m of op.members) {
              if (op.kind === 'remove-members') members.delete(idOf(m.userName));
              else members.add(idOf(m.userName));
            }
          }
          const nowRemote = people.flatMap((p, i) => (p.onService || p.active ? [account(i, { active: p.active })] : []));
          const nowGroups = [...after.entries()].map(([displayName, members], i) => ({
            id: groups.find((g) => g.displayName === displayName)?.id ?? `new${i}`,
            displayName,
            members: [...members],
          }));
          const managed = new Set(first.managed.map((g) => g.displayName));
          for (const g of nowGroups) {
            if (!managed.has(g.displayName)) continue; // nobody's roster row names it and no earlier run made it: untouched
            const wanted = people.flatMap((p, i) => (p.active && p.groups.includes(g.displayName) ? [`r${i}`] : []));
            expect(g.members.sort()).toEqual(wanted.sort());
          }
          const ledger = new Map(nowGroups.filter((g) => managed.has(g.displayName)).map((g) => [g.id, { displayName: g.displayName, linkedAt: 'x' }]));
          expect(groupsOf(users, nowRemote, nowGroups, { membersPerRequest: chunk, ledger }).operations).toEqual([]);
        },
      ),
    );
  });
});
