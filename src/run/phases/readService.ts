import { interruptedBy } from '../../domain/runOutcome.js';
import { discoverService } from '../../scim/discoverService.js';
import { readRemoteUsers, type RemoteDirectory } from '../../scim/readRemoteUsers.js';
import type { ScimClient } from '../../scim/scimClient.js';
import type { ServiceCapabilities } from '../../scim/serviceProviderConfig.js';
import type { Config } from '../../config/loadConfig.js';
import { isStop, type RunContext, type RunStop } from '../runContext.js';
import { explainServiceFailure } from '../explainServiceFailure.js';
import { mappedPaths, profileOf } from '../syncPolicy.js';

export interface ServiceFacts {
  /** What the service said it supports (the daemon caches it between runs). */
  capabilities: ServiceCapabilities;
  /** The profile's name next to the capabilities, as the report shows them. */
  service: { provider: string } & ServiceCapabilities;
}

/**
 * Phase 2a: what the service is and whether this profile can work with it. Discovery tolerates a
 * service without /ServiceProviderConfig (it assumes RFC defaults), so `validate` and `run` agree.
 */
export async function discover(run: RunContext, client: ScimClient): Promise<ServiceFacts | RunStop> {
  try {
    const capabilities = run.options.capabilities ?? (await discoverService(client, run.logger));
    return { capabilities, service: { provider: profileOf(run.config).name, ...capabilities } };
  } catch (error) {
    return failedRead(run, error);
  }
}

/** The Postman and Nintex profiles change users with PATCH; only the generic one can do with PUT. */
export function profileFits(run: RunContext, { capabilities }: ServiceFacts): RunStop | undefined {
  const profile = profileOf(run.config);
  if (capabilities.patch || profile.name === 'generic') return undefined;
  return {
    stop: { kind: 'unusable-input' },
    error: `the ${profile.name} profile needs PATCH, but the service's /ServiceProviderConfig says patch.supported is false; check target.baseUrl and target.provider`,
    result: 'the service does not support what this profile needs; nothing was sent',
  };
}

/** Phase 2b: every user on the service, page by page. A read that can't be complete stops the run. */
export async function readUsers(run: RunContext, client: ScimClient, capabilities: ServiceCapabilities): Promise<RemoteDirectory | RunStop> {
  try {
    const { maxPages, maxRereads } = run.config.target;
    return await readRemoteUsers(client, pageSizeFor(run.config, capabilities), mappedPaths(run.config), { maxPages, maxRereads, logger: run.logger });
  } catch (error) {
    return failedRead(run, error);
  }
}

function failedRead(run: RunContext, error: unknown): RunStop {
  const signal = run.options.signal;
  if (signal?.aborted) return { stop: interruptedBy(signal), result: 'interrupted while reading the service; nothing was changed' };
  const why = `reading users from the service failed: ${explainServiceFailure(error, run.config.target.baseUrl)}`;
  return { stop: { kind: 'some-failed' }, error: why, result: `the run failed before planning: ${why}; nothing was changed` };
}

/**
 * Phase 2 as `run` and `apply` both need it: what the service is, whether this profile fits it,
 * and every user on it. A stop keeps what discovery learnt, for the report.
 */
export async function readService(
  run: RunContext,
  client: ScimClient,
): Promise<{ service: ServiceFacts; remote: RemoteDirectory } | { stop: RunStop; service?: ServiceFacts }> {
  const service = await discover(run, client);
  if (isStop(service)) return { stop: service };
  const unfit = profileFits(run, service);
  if (unfit) return { stop: unfit, service };
  const remote = await readUsers(run, client, service.capabilities);
  if (isStop(remote)) return { stop: remote, service };
  return { service, remote };
}

/**
 * The page to ask for: the largest the service advertises (`filter.maxResults`, commonly the
 * page cap too), but no more than `target.pageSize` when the admin set one (large pages can time
 * out on slow services); 100 when neither says. A service that caps lower anyway is still read
 * completely: paging goes on by what each page actually returned.
 */
export function pageSizeFor(config: Config, capabilities: ServiceCapabilities): number {
  const advertised = capabilities.filter.maxResults;
  const configured = config.target.pageSize;
  if (advertised !== undefined && configured !== undefined) return Math.min(advertised, configured);
  return advertised ?? configured ?? DEFAULT_PAGE_SIZE;
}

const DEFAULT_PAGE_SIZE = 100;
