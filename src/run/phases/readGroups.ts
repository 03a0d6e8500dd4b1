import type { RemoteGroup } from '../../domain/remoteGroup.js';
import { interruptedBy } from '../../domain/runOutcome.js';
import { GoneError } from '../../scim/errors.js';
import { groupsOffered, readRemoteGroups } from '../../scim/readRemoteGroups.js';
import type { ScimClient } from '../../scim/scimClient.js';
import type { ServiceCapabilities } from '../../scim/serviceProviderConfig.js';
import { explainServiceFailure } from '../explainServiceFailure.js';
import type { RunContext, RunStop } from '../runContext.js';
import { pageSizeFor } from './readService.js';

export interface GroupDirectory {
  groups: RemoteGroup[];
  pages: number;
}

/**
 * Phase 2c (only with `groups`): whether the service has groups at all (`/ResourceTypes`), then
 * the group listing, page by page. A service without groups stops the run before anything is
 * sent (exit 2): keeping groups there can't work, and users alone would be half the job asked for.
 */
export async function readGroups(run: RunContext, client: ScimClient, capabilities: ServiceCapabilities): Promise<GroupDirectory | RunStop> {
  try {
    const offered = await groupsOffered(client);
    if (offered.offered === false) return noGroups(run, `its /ResourceTypes lists ${offered.types.join(', ') || 'nothing'}, no Group`);
    return await readRemoteGroups(client, pageSizeFor(run.config, capabilities), { maxPages: run.config.target.maxPages });
  } catch (error) {
    if (error instanceof GoneError) return noGroups(run, `GET /Groups answered ${error.httpStatus ?? 404}`);
    const signal = run.options.signal;
    if (signal?.aborted) return { stop: interruptedBy(signal), result: 'interrupted while reading the service; nothing was changed' };
    const why = `reading groups from the service failed: ${explainServiceFailure(error, run.config.target.baseUrl)}`;
    return { stop: { kind: 'some-failed' }, error: why, result: `the run failed before planning: ${why}; nothing was changed` };
  }
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
