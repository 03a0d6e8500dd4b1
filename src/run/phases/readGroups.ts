import type { Ledger } from '../../domain/ledger.js';
import type { RemoteGroup } from '../../domain/remoteGroup.js';
import type { Roster } from '../../domain/roster.js';
import { interruptedBy } from '../../domain/runOutcome.js';
import { groupsOffered, GroupsForbiddenError, GroupsNotServedError, readRemoteGroups } from '../../scim/readRemoteGroups.js';
import type { ScimClient } from '../../scim/scimClient.js';
import type { ServiceCapabilities } from '../../scim/serviceProviderConfig.js';
import { explainServiceFailure } from '../explainServiceFailure.js';
import type { RunContext, RunStop } from '../runContext.js';
import { profileOf } from '../syncPolicy.js';
import { pageSizeFor } from './readService.js';

export interface GroupDirectory {
  groups: RemoteGroup[];
  pages: number;
}

/** What decides which listed groups this run may manage: the names the roster produces, and the ledger. */
export interface GroupReadInputs {
  roster: Pick<Roster, 'users'>;
  ledger: Pick<Ledger, 'groups'>;
}

/**
 * Phase 2c (only with `groups`): whether the service has groups at all (`/ResourceTypes`), then
 * the group listing, page by page, as carefully as the users (a listing that can't be complete
 * stops the run: a managed group missing from it would leave the ledger for good). A service
 * without groups, or a token that may not read them, stops the run before anything is sent
 * (exit 2): keeping groups there can't work, and users alone would be half the job asked for.
 */
export async function readGroups(
  run: RunContext,
  client: ScimClient,
  capabilities: ServiceCapabilities,
  inputs: GroupReadInputs,
): Promise<GroupDirectory | RunStop> {
  try {
    const offered = await groupsOffered(client);
    if (offered.offered === false) return noGroups(run, `its /ResourceTypes lists ${offered.types.join(', ') || 'nothing'}, no Group`);
    const { maxPages, maxRereads } = run.config.target;
    const read = await readRemoteGroups(client, pageSizeFor(run.config, capabilities), {
      maxPages,
      maxRereads,
      mayManage: mayManageOf(run, inputs),
      logger: run.logger,
    });
    if (read.memberReads > 0) {
      run.logger.info({ memberReads: read.memberReads }, `the service lists groups without members: ${read.memberReads} managed group(s) read one by one`);
    }
    return { groups: read.groups, pages: read.pages };
  } catch (error) {
    if (error instanceof GroupsNotServedError) return noGroups(run, `GET /Groups answered ${answer(error.request)}`);
    if (error instanceof GroupsForbiddenError) return forbidden(run, error);
    const signal = run.options.signal;
    if (signal?.aborted) return { stop: interruptedBy(signal), result: 'interrupted while reading the service; nothing was changed' };
    const why = `reading groups from the service failed: ${explainServiceFailure(error, run.config.target.baseUrl)}`;
    return { stop: { kind: 'some-failed' }, error: why, result: `the run failed before planning: ${why}; nothing was changed` };
  }
}

/**
 * A listed group this run may manage: its displayName is one an active roster row produces
 * (compared as the service compares names), or its id is in the ledger's groups. At least every
 * group the planner will manage (groupPlan.ts), so no managed group is planned on unread members.
 */
function mayManageOf(run: RunContext, { roster, ledger }: GroupReadInputs): (group: { id: string; displayName: string }) => boolean {
  const caseExact = profileOf(run.config).groups?.displayNameCaseExact ?? false;
  const keyOf = (name: string) => (caseExact ? name : name.toLowerCase());
  const produced = new Set<string>();
  for (const user of roster.users) if (user.active) for (const name of user.groups ?? []) produced.add(keyOf(name));
  const ledgerIds = ledger.groups ?? new Map<string, unknown>();
  return (group) => ledgerIds.has(group.id) || produced.has(keyOf(group.displayName));
}

function answer(error: { httpStatus?: number; scimType?: string; detail?: string }): string {
  const scimType = error.scimType === undefined ? '' : ` ${error.scimType}`;
  return `${error.httpStatus ?? '?'}${scimType}${error.detail ? `: ${JSON.stringify(error.detail)}` : ''}`;
}

function noGroups(run: RunContext, evidence: string): RunStop {
  return {
    stop: { kind: 'unusable-input' },
    error:
      `the service has no groups (${evidence}), so groups.from can't be kept there; nothing was sent. ` +
      `Check target.baseUrl and target.provider, or remove groups from ${run.config.file}`,
    result: 'the service has no /Groups; nothing was sent',
  };
}

function forbidden(run: RunContext, error: GroupsForbiddenError): RunStop {
  return {
    stop: { kind: 'unusable-input' },
    error:
      `the service refused to list groups: GET /Groups answered ${answer(error.request)}, so the token may not read groups; nothing was sent. ` +
      `Give the token's account permission to manage groups (or use a token that has it), or remove groups from ${run.config.file}`,
    result: 'the token may not read /Groups; nothing was sent',
  };
}
