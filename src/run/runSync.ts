import type { Logger } from 'pino';
import type { Config } from '../config/loadConfig.js';
import { concludeExecuted, concludeStopped, type RunResult, type RunSoFar } from './phases/conclude.js';
import { executePlan } from './phases/executePlan.js';
import { loadInputs } from './phases/loadInputs.js';
import { planAndCheck } from './phases/planAndCheck.js';
import { discover, profileFits, readUsers } from './phases/readService.js';
import { isStop, type RunOptions, startRun } from './runContext.js';
import { ServiceConnection } from './serviceConnection.js';

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
  const inputs = await loadInputs(run);
  if (isStop(inputs)) return concludeStopped(run, { roster: inputs.roster }, inputs);

  const connection = new ServiceConnection(run);
  // What the report shows of the phases so far; the request counts are read when the run ends.
  const facts = (more: RunSoFar = {}): RunSoFar => ({ roster: inputs.roster, requests: connection.client.stats.toJSON(), ...more });
  try {
    const service = await discover(run, connection.client);
    if (isStop(service)) return concludeStopped(run, facts(), service);
    const unfit = profileFits(run, service);
    if (unfit) return concludeStopped(run, facts(service), unfit);
    const remote = await readUsers(run, connection.client, service.capabilities);
    if (isStop(remote)) return concludeStopped(run, facts(service), remote);
    const read = { ...service, remote: { users: remote.users.length, pages: remote.pages } };

    const { checked, refusal } = await planAndCheck(run, inputs.roster, remote.users);
    const planned = { ...read, plan: checked.plan, lifecycle: checked.lifecycle };
    if (refusal) return concludeStopped(run, facts(planned), refusal);

    const execution = await executePlan(run, connection, checked, service.capabilities);
    return concludeExecuted(run, facts(planned), inputs, checked, execution);
  } finally {
    await connection.close();
  }
}
