import type { Logger } from 'pino';
import type { Config } from '../config/loadConfig.js';
import { concludeExecuted, concludeStopped, reportPathOf, type RunResult, type RunSoFar } from './phases/conclude.js';
import { executePlan } from './phases/executePlan.js';
import { loadInputs } from './phases/loadInputs.js';
import { planAndCheck } from './phases/planAndCheck.js';
import { readService } from './phases/readService.js';
import { readGroups } from './phases/readGroups.js';
import { isStop, logShownInSummary, type RunContext, type RunOptions, type RunStop, startRun } from './runContext.js';
import { ServiceConnection } from './serviceConnection.js';
import type { PlanToSave } from './savePlan.js';
import { planPathBeside } from '../planFile/writePlanFile.js';
import { notifyAfterRun } from './notifyAfterRun.js';

export type { RunOptions } from './runContext.js';
export type { RunResult } from './phases/conclude.js';
export { pageSizeFor } from './phases/readService.js';

/**
 * One reconciliation, as a list of phases that return values: load the inputs → read the
 * service → plan and check → execute → conclude. Any phase may end the run early (a `RunStop`);
 * the conclusion writes the report either way. The shell owns I/O and order; every decision is
 * made by the planner and the safety checks.
 */
export async function runSync(config: Config, options: RunOptions, logger: Logger): Promise<RunResult> {
  const run = startRun(config, options, logger);
  const result = await reconcile(run);
  await notifyAfterRun(run, result);
  return result;
}

async function reconcile(run: RunContext): Promise<RunResult> {
  const inputs = await loadInputs(run);
  if (isStop(inputs)) return concludeStopped(run, { roster: inputs.roster }, inputs);

  const connection = new ServiceConnection(run);
  // What the report shows of the phases so far; the request counts are read when the run ends.
  const facts = (more: RunSoFar = {}): RunSoFar => ({ roster: inputs.roster, requests: connection.client.stats.toJSON(), ...more });
  try {
    const serviceRead = await readService(run, connection.client);
    if ('stop' in serviceRead) return concludeStopped(run, facts(serviceRead.service), serviceRead.stop);
    const { service, remote } = serviceRead;
    const read = { ...service, remote: { users: remote.users.length, pages: remote.pages } };
    const groupsRead =
      run.config.groups && (await readGroups(run, connection.client, service.capabilities, { roster: inputs.roster, ledger: inputs.ledger.ledger }));
    if (groupsRead && isStop(groupsRead)) return concludeStopped(run, facts(read), groupsRead);
    const remoteGroups = groupsRead ? { groups: groupsRead.groups.length, pages: groupsRead.pages } : undefined;

    const { checked, refusal, finding } = await planAndCheck(run, inputs.roster, remote.users, inputs.ledger.ledger, groupsRead?.groups);
    const planned = { ...read, plan: checked.plan, manage: checked.manage, lifecycle: checked.lifecycle, remoteGroups };
    const toSave = { plan: checked.plan, roster: inputs.roster, remoteUsers: remote.users, capabilities: service.capabilities };
    if (refusal) {
      const saved = refusal.stop.kind === 'refused' && refusal.notForApply === undefined ? await saveRefusedPlan(run, refusal, toSave) : refusal;
      return concludeStopped(run, facts(planned), saved);
    }
    const planFile = run.options.savePlanTo === undefined ? undefined : await savePlan(run, run.options.savePlanTo, { ...toSave, safety: finding });
    const execution = await executePlan(run, connection, checked, service.capabilities, { listInOneAnswer: remote.inOneAnswer });
    return concludeExecuted(run, facts({ ...planned, planFile }), inputs, checked, execution, finding);
  } finally {
    await connection.close();
  }
}

/**
 * A plan a safety limit refused is saved beside the report, so the admin approves exactly what
 * was refused (`scim-sync show`, then `scim-sync apply`) instead of re-running with a higher
 * limit against whatever the roster says by then.
 */
/** Plan-file code (digest, canonical JSON) is loaded only by the runs that save one. */
async function savePlan(...args: Parameters<typeof import('./savePlan.js').savePlan>): ReturnType<typeof import('./savePlan.js').savePlan> {
  const { savePlan: save } = await import('./savePlan.js');
  return save(...args);
}

async function saveRefusedPlan(run: RunContext, refusal: RunStop, toSave: PlanToSave): Promise<RunStop> {
  const path = planPathBeside(reportPathOf(run));
  const planFile = await savePlan(run, path, { ...toSave, safety: refusal.refused });
  const review = `review it with \`scim-sync show ${path}\`, then \`scim-sync apply ${path}\``;
  logShownInSummary(run, 'error', { planFile: path, digest: planFile.digest }, `the refused plan is saved: ${review}`);
  const refused = refusal.refused && { ...refusal.refused, howToProceed: `${refusal.refused.howToProceed}; or ${review}` };
  return { ...refusal, refused, planFile };
}
