import type { Plan } from '../domain/plan.js';
import type { RemoteUser } from '../domain/remoteUser.js';
import type { Roster } from '../domain/roster.js';
import { buildSavedPlan } from '../planFile/buildSavedPlan.js';
import { writePlanFile } from '../planFile/writePlanFile.js';
import type { RequestContext } from '../providers/buildRequests.js';
import type { PlanFileRef } from '../report/runReport.js';
import type { ServiceCapabilities } from '../scim/serviceProviderConfig.js';
import { fileSha256, settingsSha256 } from './fingerprint.js';
import { logShownInSummary, type RunContext } from './runContext.js';
import { mappedPaths, planPolicy, profileOf } from './syncPolicy.js';

/** What a saved plan is made of: the plan, what it was planned against, and a safety limit it exceeds. */
export interface PlanToSave {
  plan: Plan;
  roster: Roster;
  remoteUsers: readonly RemoteUser[];
  capabilities: ServiceCapabilities;
  safety?: { reason: string; howToProceed: string };
}

/** Writes this run's plan as a plan file at `path` (for `scim-sync show` and `scim-sync apply`). */
export async function savePlan(run: RunContext, path: string, what: PlanToSave): Promise<PlanFileRef> {
  const { config } = run;
  const saved = buildSavedPlan(what.plan.operations, what.remoteUsers, planPolicy(config).compare ?? [], requestContext(run, what.capabilities), {
    runId: run.runId,
    createdAt: new Date(),
    config: { file: config.file, sha256: settingsSha256(config) },
    roster: { file: what.roster.file, sha256: await fileSha256(what.roster.file), users: what.roster.users.length },
    service: { baseUrl: config.target.baseUrl, provider: config.target.provider },
    safety: what.safety,
  });
  writePlanFile(path, saved);
  // The summary names the plan file on a terminal; the JSON logs carry it for machines.
  logShownInSummary(run, 'info', { planFile: path, digest: saved.digest, operations: saved.operations.length }, 'plan saved');
  return { path, digest: saved.digest, use: 'saved' };
}

/** How requests look on this service: the same context the live executor builds them with. */
export function requestContext(run: RunContext, capabilities: ServiceCapabilities): RequestContext {
  return { profile: profileOf(run.config), mapped: mappedPaths(run.config), patchSupported: capabilities.patch };
}
