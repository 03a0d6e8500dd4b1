import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Operation, PlanPolicy } from '../../src/domain/plan.js';
import type { RejectedRow, RosterUser } from '../../src/domain/roster.js';
import type { RemoteUser } from '../../src/domain/remoteUser.js';
import { plan } from '../../src/plan/plan.js';

const policy: PlanPolicy = { deactivateMissing: true, protect: ['admin@example.com'] };

function rosterUser(over: Partial<RosterUser> & Pick<RosterUser, 'externalId' | 'userName'>): RosterUser {
  return { line: 2, givenName: 'Ada', familyName: 'Lovelace', active: true, ...over };
}
function remoteUser(over: Partial<RemoteUser> & Pick<RemoteUser, 'id' | 'userName'>): RemoteUser {
  return { givenName: 'Ada', familyName: 'Lovelace', active: true, ...over };
}
const kinds = (ops: Operation[]) => ops.map((op) => `${op.kind}:${op.kind === 'create' ? op.user.userName : op.remote.userName}`);
const roster = (users: RosterUser[], rejected: RejectedRow[] = []) => ({ users, rejected });

describe('plan', () => {
  it('a new hire in the roster and not on the service is created', () => {
    const result = plan(roster([rosterUser({ externalId: 'E1', userName: 'ada@example.com' })]), [], policy);
    expect(kinds(result.operations)).toEqual(['create:ada@example.com']);
  });

  it('a leaver missing from the roster is deactivated', () => {
    const result = plan(roster([]), [remoteUser({ id: 'r1', userName: 'bob@example.com', externalId: 'E9' })], policy);
    expect(result.operations).toEqual([{ kind: 'deactivate', remote: expect.objectContaining({ id: 'r1' }), reason: 'missing-from-roster' }]);
  });

  it('a leaver is left alone when deactivateMissing is off', () => {
    const result = plan(roster([]), [remoteUser({ id: 'r1', userName: 'bob@example.com' })], { ...policy, deactivateMissing: false });
    expect(result.operations).toEqual([]);
  });

  it('a name change becomes an update carrying the old and new names', () => {
    const result = plan(
      roster([rosterUser({ externalId: 'E1', userName: 'ada@example.com', givenName: 'Augusta' })]),
      [remoteUser({ id: 'r1', userName: 'ada@example.com', externalId: 'E1' })],
      policy,
    );
    expect(result.operations).toEqual([expect.objectContaining({ kind: 'update', changes: [{ field: 'name.givenName', from: 'Ada', to: 'Augusta' }] })]);
  });

  it('a rehire who is inactive on the service is reactivated, with the name fix in the same operation', () => {
    const result = plan(
      roster([rosterUser({ externalId: 'E1', userName: 'ada@example.com', familyName: 'King' })]),
      [remoteUser({ id: 'r1', userName: 'ada@example.com', externalId: 'E1', active: false })],
      policy,
    );
    expect(result.operations).toEqual([expect.objectContaining({ kind: 'reactivate', changes: [{ field: 'name.familyName', from: 'Lovelace', to: 'King' }] })]);
  });

  it('a roster row with an inactive status deactivates the active account', () => {
    const result = plan(
      roster([rosterUser({ externalId: 'E1', userName: 'ada@example.com', active: false })]),
      [remoteUser({ id: 'r1', userName: 'ada@example.com', externalId: 'E1' })],
      policy,
    );
    expect(result.operations).toEqual([expect.objectContaining({ kind: 'deactivate', reason: 'inactive-in-roster' })]);
  });

  it('an inactive roster row with no account creates nothing', () => {
    const result = plan(roster([rosterUser({ externalId: 'E1', userName: 'ada@example.com', active: false })]), [], policy);
    expect(result.operations).toEqual([]);
  });

  it('an email differing only in case matches the existing account instead of creating a second one', () => {
    const result = plan(
      roster([rosterUser({ externalId: 'E1', userName: 'Ada@Example.com' })]),
      [remoteUser({ id: 'r1', userName: 'ada@example.com' })],
      policy,
    );
    expect(result.operations).toEqual([]);
    expect(result.unchanged).toBe(1);
  });

  it('externalId wins over userName: an email change of the same person is a rename of that account, not a leaver plus a new hire', () => {
    const result = plan(
      roster([rosterUser({ externalId: 'E1', userName: 'ada.king@example.com' })]),
      [remoteUser({ id: 'r1', userName: 'ada@example.com', externalId: 'E1' })],
      policy,
    );
    expect(result.operations).toEqual([
      expect.objectContaining({
        kind: 'update',
        remote: expect.objectContaining({ id: 'r1' }),
        changes: [{ field: 'userName', from: 'ada@example.com', to: 'ada.king@example.com' }],
      }),
    ]);
  });

  it('a difference the service can’t apply is a notice, not an operation, and is new only the first time', () => {
    const users = [rosterUser({ externalId: 'E1', userName: 'ada@example.com', locale: 'en-GB' })];
    const remote = [remoteUser({ id: 'r1', userName: 'ada@example.com', externalId: 'E1', locale: 'en-US' })];
    const postmanLike = {
      ...policy,
      compare: ['name.givenName', 'name.familyName', 'locale'],
      updatable: new Set(['userName', 'name.givenName', 'name.familyName']),
    };
    const first = plan(roster(users), remote, postmanLike);
    expect(first.operations).toEqual([]);
    expect(first.notUpdatable).toEqual([
      { userName: 'ada@example.com', id: 'r1', field: 'locale', from: 'en-US', to: 'en-GB', key: 'r1|locale|"en-GB"', isNew: true },
    ]);
    const again = plan(roster(users), remote, { ...postmanLike, noticed: new Set(first.notUpdatable.map((n) => n.key)) });
    expect(again.notUpdatable.map((n) => n.isNew)).toEqual([false]);
  });

  it('an empty optional cell never clears what the service holds', () => {
    const result = plan(
      roster([rosterUser({ externalId: 'E1', userName: 'ada@example.com', attributes: { title: '' } })]),
      [remoteUser({ id: 'r1', userName: 'ada@example.com', externalId: 'E1', attributes: { title: 'Analyst' } })],
      { ...policy, compare: ['name.givenName', 'name.familyName', 'title'] },
    );
    expect(result.operations).toEqual([]);
  });

  it('a protected admin missing from the roster is never deactivated', () => {
    const result = plan(roster([]), [remoteUser({ id: 'r1', userName: 'ADMIN@example.com' })], policy);
    expect(result.operations).toEqual([]);
    expect(result.skipped).toEqual([{ userName: 'ADMIN@example.com', id: 'r1', reason: 'protected' }]);
  });

  it('a protected admin whose roster row says inactive is still not touched', () => {
    const result = plan(
      roster([rosterUser({ externalId: 'E0', userName: 'admin@example.com', active: false })]),
      [remoteUser({ id: 'r1', userName: 'admin@example.com', externalId: 'E0' })],
      policy,
    );
    expect(result.operations).toEqual([]);
  });

  it('a user whose roster row was rejected is left exactly as it is, never deactivated as missing', () => {
    const result = plan(
      roster([], [{ line: 7, reason: 'invalid email', externalId: 'E5', userName: 'not-an-email' }]),
      [remoteUser({ id: 'r5', userName: 'eve@example.com', externalId: 'E5' })],
      policy,
    );
    expect(result.operations).toEqual([]);
    expect(result.skipped).toEqual([{ userName: 'eve@example.com', id: 'r5', reason: 'rejected-row' }]);
  });

  it('duplicate rows rejected as ambiguous shield the account they name by email', () => {
    const rejected = [
      { line: 3, reason: 'duplicate', externalId: 'E1', userName: 'Dup@example.com' },
      { line: 4, reason: 'duplicate', externalId: 'E2', userName: 'dup@example.com' },
    ];
    const result = plan(roster([], rejected), [remoteUser({ id: 'r1', userName: 'dup@example.com' })], policy);
    expect(result.operations).toEqual([]);
  });

  it('an account whose externalId and userName point at two different people is left alone', () => {
    const result = plan(
      roster([rosterUser({ externalId: 'E1', userName: 'ada@example.com' })]),
      [remoteUser({ id: 'r1', userName: 'old@example.com', externalId: 'E1' }), remoteUser({ id: 'r2', userName: 'ada@example.com' })],
      policy,
    );
    expect(result.operations).toEqual([]);
    expect(result.skipped).toEqual([{ userName: 'ada@example.com', reason: 'ambiguous-match' }]);
  });

  it('an account reusing the email of a roster user but carrying another externalId is not adopted or deactivated', () => {
    const result = plan(
      roster([rosterUser({ externalId: 'E2', userName: 'ada@example.com' })]),
      [remoteUser({ id: 'r1', userName: 'ada@example.com', externalId: 'E1' })],
      policy,
    );
    expect(result.operations).toEqual([]);
  });

  it('two accounts of a leaver sharing one externalId are both deactivated: no roster row claims either', () => {
    const result = plan(
      roster([]),
      [remoteUser({ id: 'r1', userName: 'old@example.com', externalId: 'E1' }), remoteUser({ id: 'r2', userName: 'new@example.com', externalId: 'E1' })],
      policy,
    );
    expect(kinds(result.operations)).toEqual(['deactivate:new@example.com', 'deactivate:old@example.com']);
  });

  it('two accounts of a leaver differing only in the case of the email are both deactivated', () => {
    const result = plan(roster([]), [remoteUser({ id: 'r1', userName: 'eve@example.com' }), remoteUser({ id: 'r2', userName: 'EVE@example.com' })], policy);
    expect(kinds(result.operations)).toEqual(['deactivate:EVE@example.com', 'deactivate:eve@example.com']);
  });

  it('a person marked inactive loses every account that is certainly theirs, even when it is ambiguous which one is "the" account', () => {
    const result = plan(
      roster([rosterUser({ externalId: 'E1', userName: 'eve@example.com', active: false })]),
      [
        remoteUser({ id: 'r1', userName: 'eve@example.com', externalId: 'E1' }),
        remoteUser({ id: 'r2', userName: 'EVE@example.com' }),
        remoteUser({ id: 'r3', userName: 'eve@example.com', externalId: 'E7' }), // another person's account: not touched
      ],
      policy,
    );
    expect(result.operations.map((op) => (op.kind === 'deactivate' ? op.remote.id : op.kind))).toEqual(['r2', 'r1']);
  });

  it('a person still employed keeps both accounts when it is ambiguous which one is theirs', () => {
    const result = plan(
      roster([rosterUser({ externalId: 'E1', userName: 'eve@example.com' })]),
      [remoteUser({ id: 'r1', userName: 'eve@example.com', externalId: 'E1' }), remoteUser({ id: 'r2', userName: 'EVE@example.com' })],
      policy,
    );
    expect(result.operations).toEqual([]);
    expect(result.skipped).toEqual([{ userName: 'eve@example.com', reason: 'ambiguous-match' }]);
  });

  it('a new hire given an address its holder is renamed away from in the same plan is created after the rename, and the next run has nothing to do', () => {
    const users = [rosterUser({ externalId: 'E1', userName: 'ada@example.com' }), rosterUser({ externalId: 'E2', userName: 'ada.old@example.com' })];
    const remote = [remoteUser({ id: 'r2', userName: 'ada@example.com', externalId: 'E2' })];
    const first = plan(roster(users), remote, policy);
    expect(kinds(first.operations)).toEqual(['update:ada@example.com', 'create:ada@example.com']);
    expect(plan(roster(users), apply(remote, first.operations), policy).operations).toEqual([]);
  });

  it('an email written in another Unicode form (NFD) is the same account, not a leaver plus a new hire', () => {
    const result = plan(
      roster([rosterUser({ externalId: 'E1', userName: 'jos\u00e9@example.com' })]),
      [remoteUser({ id: 'r1', userName: 'jose\u0301@example.com' })],
      policy,
    );
    expect(result.operations).toEqual([]);
    expect(result.unchanged).toBe(1);
  });

  it('names differing only in whitespace or Unicode form are not an update', () => {
    const result = plan(
      roster([rosterUser({ externalId: 'E1', userName: 'jose@example.com', givenName: 'Jos\u00e9', familyName: 'de  la Cruz' })]),
      [remoteUser({ id: 'r1', userName: 'jose@example.com', externalId: 'E1', givenName: 'Jose\u0301', familyName: 'de la Cruz ' })],
      policy,
    );
    expect(result.operations).toEqual([]);
  });

  it('operations come leavers first, then reactivations, updates and creates', () => {
    const result = plan(
      roster([
        rosterUser({ externalId: 'E1', userName: 'new@example.com' }),
        rosterUser({ externalId: 'E2', userName: 'renamed@example.com', givenName: 'X' }),
        rosterUser({ externalId: 'E3', userName: 'back@example.com' }),
      ]),
      [
        remoteUser({ id: 'r2', userName: 'renamed@example.com', externalId: 'E2' }),
        remoteUser({ id: 'r3', userName: 'back@example.com', externalId: 'E3', active: false }),
        remoteUser({ id: 'r4', userName: 'gone@example.com', externalId: 'E4' }),
      ],
      policy,
    );
    expect(kinds(result.operations)).toEqual([
      'deactivate:gone@example.com',
      'reactivate:back@example.com',
      'update:renamed@example.com',
      'create:new@example.com',
    ]);
  });
});

/** Applies a plan the way a well-behaved SCIM service would, to check convergence. */
function apply(remote: RemoteUser[], operations: Operation[]): RemoteUser[] {
  const byId = new Map(remote.map((r) => [r.id, { ...r }]));
  let next = 0;
  for (const op of operations) {
    if (op.kind === 'create') {
      const id = `new-${next++}`;
      byId.set(id, {
        id,
        userName: op.user.userName,
        externalId: op.user.externalId,
        givenName: op.user.givenName,
        familyName: op.user.familyName,
        active: true,
      });
    } else {
      const target = byId.get(op.remote.id)!;
      if (op.kind === 'deactivate') target.active = false;
      if (op.kind === 'reactivate') target.active = true;
      if (op.kind === 'update' || op.kind === 'reactivate')
        Object.assign(target, { userName: op.user.userName, givenName: op.user.givenName, familyName: op.user.familyName });
    }
  }
  return [...byId.values()];
}

const people = fc.uniqueArray(
  fc.record({
    n: fc.integer({ min: 0, max: 30 }),
    given: fc.constantFrom('Ada', 'Bob', 'Cy'),
    family: fc.constantFrom('Lee', 'Ng'),
    active: fc.boolean(),
    upper: fc.boolean(),
  }),
  { selector: (p) => p.n, maxLength: 15 },
);

const world = fc.record({ rosterPeople: people, remotePeople: people, withExternalId: fc.boolean() }).map(({ rosterPeople, remotePeople, withExternalId }) => ({
  users: rosterPeople.map((p, i): RosterUser => ({
    line: i + 2,
    externalId: `E${p.n}`,
    userName: p.upper ? `USER${p.n}@EXAMPLE.COM` : `user${p.n}@example.com`,
    givenName: p.given,
    familyName: p.family,
    active: p.active,
  })),
  remote: remotePeople.map((p): RemoteUser => ({
    id: `r${p.n}`,
    userName: `user${p.n}@example.com`,
    externalId: withExternalId ? `E${p.n}` : undefined,
    givenName: p.given,
    familyName: p.family,
    active: p.active,
  })),
}));

describe('plan properties', () => {
  it('applying a plan and planning again gives nothing to do', () => {
    fc.assert(
      fc.property(world, ({ users, remote }) => {
        const first = plan(roster(users), remote, policy);
        const second = plan(roster(users), apply(remote, first.operations), policy);
        expect(second.operations).toEqual([]);
      }),
    );
  });

  it('shuffling the roster and the remote users does not change the plan', () => {
    fc.assert(
      fc.property(world, fc.infiniteStream(fc.nat()), ({ users, remote }, seeds) => {
        const shuffle = <T>(xs: T[]) =>
          xs
            .map((x) => ({ x, k: seeds.next().value as number }))
            .sort((a, b) => a.k - b.k)
            .map((e) => e.x);
        // `matched` is a set (the accounts the ledger keeps), listed in roster order: compared as one.
        const asSet = (p: ReturnType<typeof plan>) => ({ ...p, matched: new Set(p.matched) });
        expect(asSet(plan(roster(shuffle(users)), shuffle(remote), policy))).toEqual(asSet(plan(roster(users), remote, policy)));
      }),
    );
  });

  it('never deactivates a user whose roster row is active', () => {
    fc.assert(
      fc.property(world, ({ users, remote }) => {
        const activeNames = new Set(users.filter((u) => u.active).map((u) => u.userName.toLowerCase()));
        const deactivated = plan(roster(users), remote, policy).operations.filter((op) => op.kind === 'deactivate');
        for (const op of deactivated) expect(activeNames.has(op.remote.userName.toLowerCase())).toBe(false);
      }),
    );
  });
});

describe('plan with --only', () => {
  it('keeps just the named people’s operations, matched in any case, from a plan made on the whole picture', () => {
    const result = plan(
      roster([
        rosterUser({ externalId: 'E1', userName: 'new@example.com' }),
        rosterUser({ externalId: 'E2', userName: 'renamed@example.com', givenName: 'X' }),
      ]),
      [remoteUser({ id: 'r2', userName: 'renamed@example.com', externalId: 'E2' }), remoteUser({ id: 'r4', userName: 'gone@example.com', externalId: 'E4' })],
      { ...policy, only: ['RENAMED@example.com', 'gone@example.com'] },
    );
    expect(kinds(result.operations)).toEqual(['deactivate:gone@example.com', 'update:renamed@example.com']);
  });
});
