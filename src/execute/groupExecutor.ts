import PQueue from 'p-queue';
import type { Logger } from 'pino';
import type { GroupMember, GroupOperation, GroupOperationOutcome } from '../domain/groupOperation.js';
import { userNameKey } from '../domain/userNameKey.js';
import { addMembersRequest, createGroupRequest, deleteGroupRequest, displayNameFilterPath, removeMembersRequest } from '../providers/groupRequests.js';
import type { GroupDialect } from '../providers/targetProfile.js';
import type { ScimRequest } from '../providers/buildRequests.js';
import type { BulkBatcher } from '../scim/bulkBatcher.js';
import { ConflictError, GoneError, ScimRequestError } from '../scim/errors.js';
import type { ScimClient } from '../scim/scimClient.js';

/** The report line of a group operation before anything is known about how it went. */
export function describeGroupOperation(op: GroupOperation, outcome: GroupOperationOutcome['outcome']): GroupOperationOutcome {
  return {
    op: op.kind,
    group: op.group.displayName,
    ...(op.group.id !== undefined && { groupId: op.group.id }),
    members: op.kind === 'delete-group' ? [] : op.members.map(({ userName, reason }) => ({ userName, reason })),
    outcome,
  };
}

export interface GroupExecutorOptions {
  dialect: GroupDialect;
  /** Group operations in flight at once (target.concurrency). */
  concurrency: number;
  logger: Logger;
  /** Whether the run has stopped (signal, run-fatal answer, circuit breaker): nothing more is sent. */
  stopped: () => boolean;
  /**
   * When the run's writes travel in SCIM Bulk requests: the group writes do too, in a lane of
   * their own (GROUP_BULK_LANE), each still settling with its own answer (a create's id, a 409, a 404).
   */
  bulk?: BulkBatcher;
}

/** The Bulk lane of group writes: after the users' lanes, never mixed into their Bulk requests. */
export const GROUP_BULK_LANE = 'groups';

/**
 * Sends group operations through the run's client, so through the same rate gate as the users.
 * It is apart from the user executor on purpose: a failed membership change is recorded and never
 * counts towards the circuit breaker that would stop the user operations. Called once per step of
 * the run's order (removals; then creates and additions once the users are created), it remembers
 * the ids of the groups it created, for the additions that follow.
 */
export class GroupExecutor {
  private readonly createdIds = new Map<string, string>();
  private readonly notCreated = new Set<string>();
  /** Groups (by id) one of whose member removals did not succeed: never deleted this run. */
  private readonly notEmptied = new Set<string>();

  constructor(
    private readonly client: ScimClient,
    private readonly options: GroupExecutorOptions,
  ) {}

  /**
   * Runs the operations (of one step) and gives one outcome each. `people`: for members that had
   * no account when planned, the ids this run's user creates got (by userName key); and the
   * members not to add, with why (a rehire whose reactivation failed gets no access by group).
   */
  async execute(operations: readonly GroupOperation[], people: PeopleThisRun = NO_ONE): Promise<GroupOperationOutcome[]> {
    // With Bulk every operation of the step starts at once, so its writes fill Bulk requests; the gate still bounds what is in flight.
    const queue = new PQueue({ concurrency: this.options.bulk ? Number.POSITIVE_INFINITY : this.options.concurrency });
    const outcomes = operations.map((op) => describeGroupOperation(op, 'not-attempted'));
    // Creates first, so the additions to a new group find its id.
    const creates = operations.flatMap((op, i) => (op.kind === 'create-group' ? [i] : []));
    const others = operations.flatMap((op, i) => (op.kind === 'create-group' ? [] : [i]));
    for (const batch of [creates, others]) {
      for (const i of batch) void queue.add(async () => (outcomes[i] = await this.settle(operations[i]!, outcomes[i]!, people)));
      await queue.onIdle();
    }
    return outcomes;
  }

  private async settle(op: GroupOperation, planned: GroupOperationOutcome, people: PeopleThisRun): Promise<GroupOperationOutcome> {
    if (this.options.stopped()) return this.settled(op, planned);
    const groupId = op.group.id ?? this.createdIds.get(op.group.displayName);
    if (op.kind !== 'create-group' && groupId === undefined) {
      const why = this.notCreated.has(op.group.displayName) ? 'the group could not be created' : 'the group has no id';
      return { ...planned, outcome: 'skipped', detail: `${why}; the next run tries again` };
    }
    if (op.kind === 'delete-group') {
      const keep = await this.whyNotDelete(op.group.id);
      if (keep !== undefined) return { ...planned, outcome: 'skipped', detail: keep };
    }
    const { ids, held } = op.kind === 'delete-group' ? { ids: [], held: [] } : resolve(op.members, people);
    const note = held.length > 0 ? `not added: ${held.join('; ')}` : undefined;
    if (op.kind === 'add-members' && ids.length === 0) return { ...planned, outcome: 'skipped', detail: note };
    try {
      const facts = await this.send(op, groupId, ids);
      return this.settled(op, { ...planned, outcome: 'succeeded', ...facts, ...(note !== undefined && { detail: note }) });
    } catch (error) {
      this.settled(op, { ...planned, outcome: 'failed' });
      if (op.kind === 'create-group') this.notCreated.add(op.group.displayName);
      if (!(error instanceof ScimRequestError)) {
        // The gate refused the request because the run is stopping: it never reached the service.
        if (this.options.stopped()) return planned;
        throw error;
      }
      // Only a 404 says the group is gone; Postman's 403 "not a member" maps to GoneError too, but about a user.
      const gone = error instanceof GoneError && error.httpStatus === 404 && op.kind !== 'create-group';
      const detail = gone
        ? `${error.detail ?? 'not found'} — the group was deleted on the service meanwhile; the next run creates it again if the roster still names it`
        : (error.detail ?? error.message);
      this.options.logger.warn({ op: op.kind, group: op.group.displayName, httpStatus: error.httpStatus, detail }, 'group operation failed');
      return { ...planned, outcome: 'failed', httpStatus: error.httpStatus, detail };
    }
  }

  /** Remembers a group whose removals did not all succeed (failed, or never sent), so it is not deleted. */
  private settled(op: GroupOperation, outcome: GroupOperationOutcome): GroupOperationOutcome {
    if (op.kind === 'remove-members' && outcome.outcome !== 'succeeded' && op.group.id !== undefined) this.notEmptied.add(op.group.id);
    return outcome;
  }

  /**
   * A group is deleted (groups.deleteEmpty) only when it is empty now: every removal of this run
   * succeeded and the service shows no member left. Postman's deleteScimGroup deactivates the
   * accounts assigned only through the group (seed 002), so a group that still holds anyone stays.
   */
  private async whyNotDelete(groupId: string): Promise<string | undefined> {
    if (this.notEmptied.has(groupId)) return 'not deleted: removing its members did not fully succeed, and deleting it could cut off the people still in it';
    const { body } = await this.client.get(`/Groups/${encodeURIComponent(groupId)}`);
    const members = (body as { members?: unknown } | undefined)?.members;
    if (Array.isArray(members) && members.length > 0) {
      return `not deleted: the service still shows ${members.length} member(s) in it (added meanwhile, or not ours); deleting it could cut them off`;
    }
    return undefined;
  }

  private async send(op: GroupOperation, groupId: string | undefined, ids: string[]): Promise<Partial<GroupOperationOutcome>> {
    const { dialect } = this.options;
    switch (op.kind) {
      case 'create-group':
        return this.create(op.group.displayName, ids);
      case 'add-members':
        await this.sendRequest(addMembersRequest(groupId!, ids, dialect));
        return { groupId };
      case 'remove-members':
        await this.sendRequest(removeMembersRequest(groupId!, ids, dialect));
        return { groupId };
      case 'delete-group':
        await this.sendRequest(deleteGroupRequest(groupId!));
        return { groupId };
    }
  }

  /**
   * POST the group with its first members. A 409 means someone made it meanwhile (by hand, or an
   * earlier run whose answer was lost): it is looked up by name and adopted — the members it lacks
   * are added, and it is managed from now on (its extra members are the next run's to remove,
   * within groups.maxMemberRemovals).
   */
  private async create(displayName: string, ids: string[]): Promise<Partial<GroupOperationOutcome>> {
    try {
      const body = (await this.sendRequest(createGroupRequest(displayName, ids))) as { id?: unknown } | undefined;
      if (typeof body?.id !== 'string') {
        // Nothing to add members to later; the next run's listing finds the group if it was made.
        this.notCreated.add(displayName);
        return { outcome: 'failed', detail: 'the service answered the create without the group’s id; the next run finds the group by its name' };
      }
      this.createdIds.set(displayName, body.id);
      return { groupId: body.id };
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      const existing = await this.findByName(displayName);
      if (!existing) throw error; // the 409 stands: nothing to adopt by that name
      this.createdIds.set(displayName, existing.id);
      const lacking = ids.filter((id) => !existing.members.includes(id));
      if (lacking.length > 0) await this.sendRequest(addMembersRequest(existing.id, lacking, this.options.dialect));
      this.options.logger.info({ group: displayName, id: existing.id }, 'group already existed (409): adopted');
      return { groupId: existing.id, adopted: true };
    }
  }

  private async findByName(displayName: string): Promise<{ id: string; members: string[] } | undefined> {
    const { body } = await this.client.get(displayNameFilterPath(displayName));
    const resources = (body as { Resources?: unknown } | undefined)?.Resources;
    const same = (name: unknown) =>
      typeof name === 'string' && (this.options.dialect.displayNameCaseExact ? name === displayName : name.toLowerCase() === displayName.toLowerCase());
    for (const r of Array.isArray(resources) ? (resources as Record<string, unknown>[]) : []) {
      if (typeof r?.id !== 'string' || !same(r.displayName)) continue;
      const members = Array.isArray(r.members) ? (r.members as { value?: unknown }[]).flatMap((m) => (typeof m?.value === 'string' ? [m.value] : [])) : [];
      return { id: r.id, members };
    }
    return undefined;
  }

  private async sendRequest(request: ScimRequest): Promise<unknown> {
    if (this.options.bulk?.active) return this.options.bulk.send(request, GROUP_BULK_LANE);
    return (await this.client.send(request.method, request.path, request.body)).body;
  }
}

/** What the user operations of this run did that group additions depend on. */
export interface PeopleThisRun {
  /** The ids this run's user creates got, by userName key. */
  created: ReadonlyMap<string, string>;
  /** Members not to add, by userName key, with why (a failed reactivation: the account stays off). */
  heldBack: ReadonlyMap<string, string>;
}

const NO_ONE: PeopleThisRun = { created: new Map(), heldBack: new Map() };

/** Member ids: known when planned, or the id a create of this run returned; the rest are held back, with why. */
function resolve(members: readonly GroupMember[], people: PeopleThisRun): { ids: string[]; held: string[] } {
  const ids: string[] = [];
  const held: string[] = [];
  for (const m of members) {
    const key = userNameKey(m.userName);
    const why = people.heldBack.get(key);
    const id = m.id ?? people.created.get(key);
    if (why !== undefined) held.push(`${m.userName} (${why})`);
    else if (id === undefined) held.push(`${m.userName} (no account was created for them this run)`);
    else ids.push(id);
  }
  return { ids, held };
}
