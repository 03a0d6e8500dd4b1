import { resolve } from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config/loadConfig.js';
import type { OperationOutcome } from '../domain/outcome.js';
import type { PlannedOperation } from '../domain/savedPlan.js';
import { planFileProblem } from '../plan/planFileChecks.js';
import { staleness } from '../plan/preconditions.js';
import { requestsStillMatch } from '../planFile/buildSavedPlan.js';
import { PlanFileError } from '../planFile/PlanFileError.js';
import { type ReadPlan, readPlanFile } from '../planFile/readPlanFile.js';
import type { PlanFileRef } from '../report/runReport.js';
import { settingsSha256 } from './fingerprint.js';
import { concludeApplied, concludeStopped, type RunResult, type RunSoFar } from './phases/conclude.js';
import { executePlan } from './phases/executePlan.js';
import { readService } from './phases/readService.js';
import { isStop, type RunContext, type RunOptions, type RunStop, startRun } from './runContext.js';
import { requestContext } from './savePlan.js';
import { ServiceConnection } from './serviceConnection.js';
import { notifyAfterRun } from './notifyAfterRun.js';
import { planPolicy } from './syncPolicy.js';

/** One saved operation as `apply` judged it against the service read now. */
export interface JudgedOperation {
  planned: PlannedOperation;
  /** Why it is not sent: what changed on its account since the plan was made. */
  stale?: string;
}

/**
 * `scim-sync apply FILE`: sends a reviewed plan, and only it. The file must be unaltered, made
 * with this config for this service, and young enough (else exit 2, nothing sent). The service
 * is read again (its ⌈N/P⌉ pages) and each operation is sent only while the state it was planned
 * against still holds; the others are skipped as stale, saying what changed. The safety caps
 * don't apply again — the plan was the approval — but the run lock (the caller's), the rate
 * gate and the failure classes do.
 */
export async function applySavedPlan(config: Config, options: Omit<RunOptions, 'dryRun'> & { planFile: string }, logger: Logger): Promise<RunResult> {
  const run = startRun(config, { ...options, dryRun: false }, logger);
  const result = await apply(run, options.planFile);
  await notifyAfterRun(run, result);
  return result;
}

async function apply(run: RunContext, file: string): Promise<RunResult> {
  const { config, logger } = run;
  const loaded = loadPlan(run, file);
  if (isStop(loaded)) return concludeStopped(run, {}, loaded);
  const saved = loaded.plan;
  const planFile: PlanFileRef = { path: resolve(file), digest: saved.digest, use: 'applied' };
  logger.info({ planFile: planFile.path, digest: saved.digest, operations: saved.operations.length, createdAt: saved.createdAt }, 'applying a saved plan');

  const connection = new ServiceConnection(run);
  const facts = (more: RunSoFar = {}): RunSoFar => ({ planFile, requests: connection.client.stats.toJSON(), ...more });
  try {
    const serviceRead = await readService(run, connection.client);
    if ('stop' in serviceRead) return concludeStopped(run, facts(serviceRead.service), serviceRead.stop);
    const { service, remote } = serviceRead;
    const read = { ...service, remote: { users: remote.users.length, pages: remote.pages } };

    const requests = requestContext(run, service.capabilities);
    const judged = saved.operations.map((planned): JudgedOperation => {
      const stale =
        staleness(planned.plannedAgainst, remote.users) ??
        (requestsStillMatch(planned, requests)
          ? undefined
          : "the requests it would make on this service now differ from the plan's (did the service's PATCH support change?)");
      if (stale) logger.warn({ op: planned.op, userName: planned.userName, id: planned.id, stale }, 'saved operation skipped as stale');
      return { planned, stale };
    });
    const toSend = judged.filter((j) => j.stale === undefined).map((j) => j.planned.operation);
    const checked = {
      plan: { operations: toSend, unchanged: 0, skipped: [], notUpdatable: [], unmanaged: [], matched: [], unmatchedProtect: [] },
      policy: planPolicy(config),
    };
    const execution = await executePlan(run, connection, checked, service.capabilities, { adopt: false, listInOneAnswer: remote.inOneAnswer });
    const sent = execution.outcomes[Symbol.iterator]();
    const outcomes = judged.map(({ planned, stale }): OperationOutcome => (stale === undefined ? sent.next().value! : staleOutcome(planned, stale)));
    return concludeApplied(run, facts(read), saved, { ...execution, outcomes });
  } finally {
    await connection.close();
  }
}

/** Reads the plan file and judges it; any problem ends the run before the service is asked. */
function loadPlan(run: RunContext, file: string): ReadPlan | RunStop {
  const { config, logger } = run;
  const refuse = (error: string): RunStop => {
    logger.error({ planFile: file }, error);
    return { stop: { kind: 'unusable-input' }, error, result: 'the plan file was refused; nothing was sent' };
  };
  let read: ReadPlan;
  try {
    read = readPlanFile(file);
  } catch (error) {
    if (!(error instanceof PlanFileError)) throw error;
    return refuse(error.message);
  }
  const problem = planFileProblem(read.plan, {
    digest: read.actualDigest,
    settingsSha256: settingsSha256(config),
    baseUrl: config.target.baseUrl,
    now: run.startedAt,
    maxAgeHours: config.plan.maxAgeHours,
  });
  return problem ? refuse(new PlanFileError(file, problem).message) : read;
}

function staleOutcome(planned: PlannedOperation, stale: string): OperationOutcome {
  const { op, userName, externalId, id, changes } = planned;
  return { op, userName, externalId, id, changes, outcome: 'skipped', stale, detail: `stale: ${stale}` };
}
