import {
  operationUserName,
  type FieldChange,
  type NotUpdatable,
  type Operation,
  type Plan,
  type PlanPolicy,
  type SkippedUser,
  type UnmanagedAccount,
} from '../domain/plan.js';
import type { RejectedRow, Roster, RosterUser } from '../domain/roster.js';
import type { RemoteUser } from '../domain/remoteUser.js';
import { sameValue } from '../domain/attributePaths.js';
import { remoteValue, rosterValue } from '../domain/attributeValues.js';
import { userNameKey } from '../domain/userNameKey.js';
import { accountScope } from './accountScope.js';
import { protectList } from './protectList.js';
import { KeyIndex } from './keyIndex.js';
import { type GroupInputs, type Placement, planGroups } from './groupPlan.js';

/**
 * The functional core: every decision about who is created, renamed, deactivated or
 * reactivated is made here, from data alone. No I/O, no clock, no randomness: the same inputs
 * in any order give the same plan (operations sorted by kind, then userName; `matched` is a set).
 *
 * Matching: by externalId first, else by userName compared case-insensitively.
 * Safety rules that live here rather than in the shells:
 *   - a remote user matching a *rejected* roster row is left exactly as it is;
 *   - protected userNames are never touched;
 *   - a remote user that two roster rows (or two keys) point at ambiguously is left alone,
 *     unless the row says the person left: then every account that is certainly theirs is
 *     deactivated (a wrong guess must fail towards less access, never more);
 *   - an account no in-scope row matches is a leaver only if it is this sync's (see accountScope:
 *     `source.scope`, `sync.manage`); every other account is unmanaged, never changed.
 */
export function plan(
  roster: Pick<Roster, 'users' | 'rejected' | 'outOfScope'>,
  remoteUsers: readonly RemoteUser[],
  policy: PlanPolicy,
  groups?: GroupInputs,
): Plan {
  const protectedNames = protectList(policy.protect);
  const shield = shieldFromRejectedRows(roster.rejected);
  const index = indexRemote(remoteUsers);

  const differ = attributeDiffer(policy);
  const operations: Operation[] = [];
  const skipped: SkippedUser[] = [];
  const notUpdatable: NotUpdatable[] = [];
  const unmanaged: UnmanagedAccount[] = [];
  const matched: string[] = [];
  const scopeOf = accountScope(roster.outOfScope, policy.manage);
  const claims = new Claims(remoteUsers); // the accounts a roster row or a skip accounts for
  let unchanged = 0;
  // With groups: the accounts whose memberships this plan decides (see groupPlan.ts).
  const placements: Placement[] | undefined = groups && [];

  // Needed only when an address is held by another person's account, which is rare: worked
  // out on first need, so the common plan doesn't pay a second matching pass.
  let renamedAway: Set<string> | undefined;
  const isRenamedAway = (id: string) => (renamedAway ??= accountsRenamedAway(roster.users, index, policy)).has(id);
  // Indexed loops over the rows and accounts: a for-of allocates an iterator result per step until
  // V8 optimises the loop, ~4 MB of garbage per 100,000 rows (the plan runs once, mostly cold).
  for (let row = 0; row < roster.users.length; row++) {
    const user = roster.users[row]!;
    const match = findMatch(user, index, isRenamedAway);
    if (match.kind === 'ambiguous') {
      for (const remote of match.candidates) claims.claimId(remote.id);
      const isProtected = [user.userName, ...match.candidates.map((r) => r.userName)].some((name) => protectedNames.covers(name));
      if (!user.active && !isProtected && match.sameIdentity.some((r) => r.active)) {
        // HR says this person left, and every one of these accounts is theirs (same
        // externalId, or their email and no other externalId): whichever is "the" account,
        // none may stay active. Deactivating is the safe direction of a guess.
        for (const remote of match.sameIdentity) {
          if (remote.active) operations.push({ kind: 'deactivate', remote, user, reason: 'inactive-in-roster' });
          placements?.push({ id: remote.id, userName: remote.userName, groups: [], leaver: true });
        }
      } else {
        skipped.push({ userName: user.userName, reason: isProtected ? 'protected' : 'ambiguous-match' });
      }
      continue;
    }
    const remote = match.remote;
    if (remote) claims.claim(remote, match.at);
    if (protectedNames.covers(user.userName) || (remote && protectedNames.covers(remote.userName))) {
      skipped.push({ userName: remote?.userName ?? user.userName, id: remote?.id, reason: 'protected' });
      continue;
    }
    if (remote) matched.push(remote.id);
    if (user.active && user.pendingUntil !== undefined) {
      // Before their start window (src/plan/lifecycleDates.ts): nothing is created or reactivated,
      // and an account already there is left as it is — a window shortened in the config must
      // not take back an account made early.
      skipped.push({ userName: remote?.userName ?? user.userName, id: remote?.id, reason: 'before-start' });
      continue;
    }
    const changes = remote ? differ(user, remote, notUpdatable) : undefined;
    const operation = decideForRosterUser(user, remote, changes);
    if (placements && (remote || user.active)) {
      placements.push({ id: remote?.id, userName: remote?.userName ?? user.userName, groups: user.active ? (user.groups ?? []) : [], leaver: !user.active });
    }
    if (operation) operations.push(operation);
    else if (remote) unchanged++;
    else skipped.push({ userName: user.userName, reason: 'inactive-not-on-service' });
  }

  // Accounts no roster row points at. Two of them may share an address or an externalId (made
  // by hand, or a leftover of an old rename): no row claims either, so both are leavers.
  for (let at = 0; at < remoteUsers.length; at++) {
    const remote = remoteUsers[at]!;
    if (claims.isClaimed(remote, at)) continue;
    claims.claimId(remote.id);
    if (protectedNames.covers(remote.userName)) {
      skipped.push({ userName: remote.userName, id: remote.id, reason: 'protected' });
    } else if (shield.covers(remote)) {
      skipped.push({ userName: remote.userName, id: remote.id, reason: 'rejected-row' });
    } else {
      const scope = scopeOf(remote);
      if (scope.kind === 'out-of-scope') skipped.push({ userName: remote.userName, id: remote.id, reason: 'out-of-scope' });
      else if (scope.kind === 'unmanaged')
        unmanaged.push({ id: remote.id, userName: remote.userName, active: remote.active, ...(scope.released && { released: true }) });
      else {
        // A managed account no in-scope row claims leaves its managed groups when it is deactivated
        // now or is inactive already. One left active (sync.deactivateMissing: false: people the
        // export doesn't carry, such as contractors) keeps its access, groups included.
        const deactivating = scope.kind === 'left-scope' || (remote.active && policy.deactivateMissing);
        if (deactivating || !remote.active) placements?.push({ id: remote.id, userName: remote.userName, groups: [], leaver: true });
        if (scope.kind === 'left-scope') operations.push({ kind: 'deactivate', remote, reason: 'left-scope' });
        else if (remote.active && policy.deactivateMissing) {
          operations.push({ kind: 'deactivate', remote, reason: 'missing-from-roster', ...(scope.by && { managedBy: scope.by }) });
        } else {
          // Inactive already, or leavers are not ours to deactivate: nothing to do.
        }
      }
    }
  }

  operations.sort(byExecutionOrder);
  skipped.sort((a, b) => compareText(a.userName, b.userName));
  notUpdatable.sort((a, b) => compareText(a.key, b.key));
  unmanaged.sort((a, b) => compareText(a.userName, b.userName));
  // `matched` stays in roster order: it is a set (the ledger's), and sorting 100,000 ids cost a
  // sixth of the plan.
  // Nothing protected, nothing to report: no list of every userName just to find that out.
  const unmatchedProtect = policy.protect.length === 0 ? [] : protectedNames.unmatched(remoteUsers.map((r) => r.userName));
  const planned: Plan = { operations: restrictTo(operations, policy.only), unchanged, skipped, notUpdatable, unmanaged, matched, unmatchedProtect };
  if (groups && placements) planned.groups = planGroups(placements, groups, policy.only);
  return planned;
}

/**
 * `--only`: the whole picture is still planned (so matching works exactly as in a full run),
 * then only the named people's operations are kept, whether named by roster or service userName.
 */
function restrictTo(operations: Operation[], only: readonly string[] | undefined): Operation[] {
  if (only === undefined) return operations;
  const wanted = new Set(only.map(userNameKey));
  return operations.filter(
    (op) => wanted.has(userNameKey(operationUserName(op))) || (op.kind !== 'deactivate' && op.kind !== 'create' && wanted.has(userNameKey(op.user.userName))),
  );
}

/** `changes`: undefined when nothing differs (the common case allocates no list). */
function decideForRosterUser(user: RosterUser, remote: RemoteUser | undefined, changes: FieldChange[] | undefined): Operation | undefined {
  if (!remote) return user.active ? { kind: 'create', user } : undefined;
  if (!user.active) {
    return remote.active ? { kind: 'deactivate', remote, user, reason: 'inactive-in-roster' } : undefined;
  }
  if (!remote.active) return { kind: 'reactivate', user, remote, changes: changes ?? [] };
  return changes ? { kind: 'update', user, remote, changes } : undefined;
}

/**
 * Compares the mapped attributes of a matched pair, the way the service means them (see
 * sameValue). An empty roster cell means "no opinion", never "clear it": a column an export
 * leaves blank must not wipe what the service holds. `userName` is compared too: matched by
 * externalId, a different email is a rename of the same person. Differences the service can't
 * apply are split off as notices (pushed to `blocked`), reported once (their keys are remembered
 * between runs). Returns the changes, or undefined when there are none: most pairs are unchanged,
 * and they allocate nothing.
 */
function attributeDiffer(policy: PlanPolicy): (user: RosterUser, remote: RemoteUser, blocked: NotUpdatable[]) => FieldChange[] | undefined {
  const paths = ['userName', ...(policy.compare ?? ['name.givenName', 'name.familyName']).filter((p) => p !== 'userName')];
  return (user, remote, blocked) => {
    let changes: FieldChange[] | undefined;
    for (let i = 0; i < paths.length; i++) {
      const field = paths[i]!; // indexed: called once per matched account (see the row loop)
      if (field === 'externalId' && remote.externalId !== undefined) continue; // the match key itself
      const to = rosterValue(user, field);
      if (to === undefined || to === '' || (Array.isArray(to) && to.length === 0)) continue;
      const from = remoteValue(remote, field);
      if (sameValue(field, to, from)) continue;
      const change = { field, from, to };
      const updatable = !policy.updatable || policy.updatable.has(field);
      // A service that doesn't return the attribute at all (Postman's locale) can't be said to
      // differ on it, so there is nothing to report — unless the attribute is never sent (Postman's
      // department): then the service can't hold it, and the roster's value is what it misses.
      if (updatable) (changes ??= []).push(change);
      else if (from !== undefined || policy.neverSent?.has(field)) {
        const key = `${remote.id}|${field}|${JSON.stringify(to)}`;
        blocked.push({ userName: remote.userName, id: remote.id, ...change, key, isNew: !policy.noticed?.has(key) });
      }
    }
    return changes;
  };
}

type Match =
  /** `at`: the account's place in the remote list, when the common case found it (see claims). */
  | { kind: 'one'; remote: RemoteUser | undefined; at?: number }
  /** `sameIdentity`: the candidates that are certainly this person's (see findMatch). */
  | { kind: 'ambiguous'; candidates: RemoteUser[]; sameIdentity: RemoteUser[] };

/** Neither key names an account (a new hire, or a leaver never created). */
const NO_MATCH: Match = { kind: 'one', remote: undefined };

interface RemoteIndex {
  users: readonly RemoteUser[];
  /** Each account's userNameKey, by its place in the list. */
  nameKeys: readonly string[];
  /** Places by key (see KeyIndex: a Map per key cost ~80 MB at a million accounts, and more time). */
  byExternalId: KeyIndex;
  byUserName: KeyIndex;
}

function indexRemote(remoteUsers: readonly RemoteUser[]): RemoteIndex {
  const nameKeys = new Array<string>(remoteUsers.length);
  for (let at = 0; at < remoteUsers.length; at++) nameKeys[at] = userNameKey(remoteUsers[at]!.userName);
  return {
    users: remoteUsers,
    nameKeys,
    byExternalId: new KeyIndex(remoteUsers.length, (at) => remoteUsers[at]!.externalId),
    byUserName: KeyIndex.over(nameKeys),
  };
}

/** The accounts at the places a key index gives (lowest place first). */
function accountsWith(index: RemoteIndex, keys: KeyIndex, key: string): RemoteUser[] {
  return keys.positionsOf(key).map((at) => index.users[at]!);
}

/**
 * externalId wins. If the externalId points at one user and the userName at another, both are
 * left alone: guessing would either rename the wrong account or deactivate a live one.
 *
 * An account found by userName that carries *another* person's externalId belongs to that
 * person, not to this row, unless that person's own row is renaming it away in this same plan
 * (`isRenamedAway`: HR gave the address to someone new); then the address is as good as free.
 */
function findMatch(user: RosterUser, index: RemoteIndex, isRenamedAway: (id: string) => boolean): Match {
  const nameKey = userNameKey(user.userName);
  // The common cases first, decided without a list: one account has the externalId, and it has
  // the row's address too while no other account does, or no account has that address (a
  // rename); or no account has either key. Everything else takes the general way below.
  const idFirst = index.byExternalId.firstOf(user.externalId);
  if (idFirst !== undefined && !index.byExternalId.isShared(idFirst)) {
    const sameAddress = index.nameKeys[idFirst] === nameKey;
    if (sameAddress ? !index.byUserName.isShared(idFirst) : index.byUserName.firstOf(nameKey) === undefined) {
      return { kind: 'one', remote: index.users[idFirst], at: idFirst };
    }
  } else if (idFirst === undefined && index.byUserName.firstOf(nameKey) === undefined) {
    return NO_MATCH;
  }
  const byId = accountsWith(index, index.byExternalId, user.externalId);
  const byName = accountsWith(index, index.byUserName, nameKey).filter(
    (r) => r.externalId === undefined || r.externalId === user.externalId || !isRenamedAway(r.id),
  );
  const ours = (r: RemoteUser) => r.externalId === undefined || r.externalId === user.externalId;
  const ambiguous = (candidates: RemoteUser[]): Match => {
    const unique = [...new Map(candidates.map((r) => [r.id, r])).values()];
    return { kind: 'ambiguous', candidates: unique, sameIdentity: unique.filter(ours) };
  };
  if (byId.length > 1) return ambiguous([...byId, ...byName]);
  const idMatch = byId[0];
  if (idMatch) {
    const other = byName.filter((r) => r.id !== idMatch.id);
    return other.length > 0 ? ambiguous([idMatch, ...other]) : { kind: 'one', remote: idMatch };
  }
  // No externalId match: a userName match only counts if that account doesn't carry another
  // person's externalId (that would be a different employee who happens to reuse the address).
  if (byName.length > 1) return ambiguous(byName);
  if (byName.length === 1 && !ours(byName[0]!)) return ambiguous(byName);
  return { kind: 'one', remote: byName[0] };
}

/**
 * Accounts that their own roster row (matched by externalId alone) will rename to another
 * userName in this plan, so their current userName is being handed over. Only when the service
 * can change userName; otherwise the address stays taken.
 */
function accountsRenamedAway(users: readonly RosterUser[], index: RemoteIndex, policy: PlanPolicy): Set<string> {
  const renamed = new Set<string>();
  if (policy.updatable && !policy.updatable.has('userName')) return renamed;
  const none = () => false; // one pass on the plain matches, so row order can't matter
  for (const user of users) {
    if (!user.active || user.pendingUntil !== undefined) continue; // a pending row changes nothing yet
    const match = findMatch(user, index, none);
    if (
      match.kind === 'one' &&
      match.remote &&
      match.remote.externalId === user.externalId &&
      userNameKey(match.remote.userName) !== userNameKey(user.userName)
    ) {
      renamed.add(match.remote.id);
    }
  }
  return renamed;
}

/**
 * Which accounts are accounted for, by id (two entries of the list with one id are one account).
 * The common match knows the account's place in the list, so it is claimed there, in a byte
 * array, rather than in a Set of a million ids; other claims go by id. An account not claimed at
 * its place may still share its id with one that is: that is asked of a Set made from the places
 * only then, so a run where every account is matched never builds it.
 */
class Claims {
  private readonly at: Uint8Array;
  private readonly ids = new Set<string>();
  private idsClaimedAt: Set<string> | undefined;

  constructor(private readonly users: readonly RemoteUser[]) {
    this.at = new Uint8Array(users.length);
  }

  claim(remote: RemoteUser, at: number | undefined): void {
    if (at === undefined) this.claimId(remote.id);
    else {
      this.at[at] = 1;
      this.idsClaimedAt?.add(remote.id);
    }
  }

  claimId(id: string): void {
    this.ids.add(id);
  }

  /** `remote` is the list's entry at `at`. */
  isClaimed(remote: RemoteUser, at: number): boolean {
    if (this.at[at] === 1 || this.ids.has(remote.id)) return true;
    this.idsClaimedAt ??= new Set(this.users.filter((_, i) => this.at[i] === 1).map((u) => u.id));
    return this.idsClaimedAt.has(remote.id);
  }
}

interface Shield {
  covers(remote: RemoteUser): boolean;
}

/** Users whose roster row was rejected must keep exactly what they have on the service. */
function shieldFromRejectedRows(rejected: readonly RejectedRow[]): Shield {
  const externalIds = new Set(rejected.flatMap((r) => (r.externalId ? [r.externalId] : [])));
  const userNames = new Set(rejected.flatMap((r) => (r.userName ? [userNameKey(r.userName)] : [])));
  return {
    covers: (remote) => (remote.externalId !== undefined && externalIds.has(remote.externalId)) || userNames.has(userNameKey(remote.userName)),
  };
}

const EXECUTION_ORDER: Record<Operation['kind'], number> = { deactivate: 0, reactivate: 1, update: 2, create: 3 };

/** Leavers lose access first; new hires, who lose nothing by waiting, go last. */
function byExecutionOrder(a: Operation, b: Operation): number {
  return EXECUTION_ORDER[a.kind] - EXECUTION_ORDER[b.kind] || compareText(operationUserName(a), operationUserName(b));
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
