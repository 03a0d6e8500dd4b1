import type { ExecutionResult } from '../../domain/outcome.js';
import type { SavedPlan } from '../../domain/savedPlan.js';
import { exitCodeOf, interruptedBy, type RunOutcome } from '../../domain/runOutcome.js';
import { buildReport, type RunFacts } from '../../report/buildReport.js';
import { pruneReports } from '../../report/pruneReports.js';
import type { RunReport } from '../../report/runReport.js';
import { reportPathFor, writeReport } from '../../report/writeReport.js';
import { nextLedger } from '../../plan/nextLedger.js';
import { nextGroupLedger } from '../../plan/nextGroupLedger.js';
import { writeLedger } from '../../state/ledgerFile.js';
import { countOf } from '../../display/countOf.js';
import { neverSentWarning } from '../syncPolicy.js';
import type { ServiceCapabilities } from '../../scim/serviceProviderConfig.js';
import { logShownInSummary, type RunContext, type RunStop, saveState } from '../runContext.js';
import type { CheckedPlan } from './planAndCheck.js';
import type { Inputs } from './loadInputs.js';
import type { Refusal } from '../../plan/safety.js';

export interface RunResult {
  outcome: RunOutcome;
  /** The documented exit code for that outcome. */
  exitCode: number;
  report: RunReport;
  reportPath: string;
  /** What the service said it supports, when the run asked (the daemon reuses it). */
  capabilities?: ServiceCapabilities;
}

/** What the phases before produced; each later phase adds to it. */
export type RunSoFar = Partial<Omit<RunFacts, 'runId' | 'startedAt' | 'finishedAt' | 'dryRun' | 'config' | 'outcome' | 'result'>> & {
  capabilities?: ServiceCapabilities;
};

/** Phase 5, for a run that stopped early: the stop decides the outcome; nothing is remembered for later runs. */
export function concludeStopped(run: RunContext, soFar: RunSoFar, stop: RunStop): RunResult {
  return writeOut(run, soFar, stop.stop, stop.result, {
    refused: stop.refused,
    error: stop.error,
    unchangedSince: stop.unchangedSince,
    operations: stop.planned ?? soFar.operations,
    groupOperations: stop.plannedGroups ?? soFar.groupOperations,
    planFile: stop.planFile,
  });
}

/**
 * Phase 5, for a run that executed its plan: how it ended, what later runs must know (the
 * notices, the shrink baseline, the last full read), and the report.
 */
export function concludeExecuted(
  run: RunContext,
  soFar: RunSoFar,
  inputs: Inputs,
  checked: CheckedPlan,
  execution: ExecutionResult,
  finding?: Refusal,
): RunResult {
  const { options, startedAt } = run;
  const groupFailures = (execution.groups ?? []).filter((o) => o.outcome === 'failed' || o.outcome === 'not-attempted');
  const failed = [...execution.outcomes.filter((o) => o.outcome !== 'succeeded' && o.outcome !== 'planned'), ...groupFailures];
  const facts = { ...soFar, operations: execution.outcomes, groupOperations: execution.groups, stoppedBecause: execution.stoppedBecause };
  // Group operations count as operations of the run: "nothing to do" means for users and groups.
  const total = execution.outcomes.length + (execution.groups?.length ?? 0);
  if (!options.dryRun) {
    saveState(run, { notices: checked.plan.notUpdatable.map((n) => n.key) });
    // Whatever happened to single operations (or a signal): what was matched, created or
    // deactivated is known now, and the next run's idea of "ours" must include it.
    const { plan, remoteUsers, manage } = checked;
    const ledger = nextLedger(inputs.ledger.ledger, { plan, outcomes: execution.outcomes, remoteUsers, domains: manage.domains, now: startedAt });
    if (plan.groups) ledger.groups = nextGroupLedger(inputs.ledger.ledger.groups, plan.groups, execution.groups ?? [], startedAt);
    writeLedger(run.config.state.dir, ledger, inputs.ledger.extra);
  }
  if (options.signal?.aborted) return writeOut(run, facts, interruptedBy(options.signal), `interrupted: ${countOf(failed.length, 'operation')} not done`);
  // The roster passed every check and was applied in full (a few operations may have failed
  // on their own): it is the baseline the next run's shrink check compares with. Waiting for
  // a run without any failure would let one permanently failing user freeze an old baseline.
  if (!options.dryRun && !execution.stoppedBecause) saveState(run, { lastSuccess: { at: startedAt.toISOString(), rosterUsers: inputs.roster.users.length } });
  // Only a run that read everything and applied every operation may stand in for later cycles.
  if (inputs.fingerprint && !options.dryRun && options.only === undefined) {
    const complete = failed.length === 0 && !execution.stoppedBecause;
    const nextDateChangeAt = checked.lifecycle.nextChangeAt;
    saveState(run, { lastFullRead: complete ? { at: startedAt.toISOString(), ...inputs.fingerprint, nextDateChangeAt } : undefined });
  }
  if (failed.length > 0 || execution.stoppedBecause) {
    return writeOut(run, facts, { kind: 'some-failed' }, `${failed.length} of ${countOf(total, 'operation')} did not succeed`);
  }
  const n = total;
  const saved =
    soFar.planFile && `, saved to ${soFar.planFile.path}${finding ? ` — it exceeds a safety limit (${finding.reason}): review it before applying` : ''}`;
  const result = options.dryRun
    ? `${countOf(n, 'operation')} planned${saved ?? ''}`
    : n === 0
      ? 'nothing to do: the service matches the roster'
      : n === 1
        ? 'the 1 operation succeeded'
        : `all ${n} operations succeeded`;
  return writeOut(run, facts, { kind: 'succeeded' }, result);
}

/**
 * Phase 5 of `apply`: the plan's roster is the shrink baseline now (the plan was approved and
 * applied), and the service changed, so the next cycle must read it whole (sync.fullReadEvery).
 * Operations skipped as stale are not failures: the service no longer is what was approved.
 */
export function concludeApplied(run: RunContext, soFar: RunSoFar, saved: SavedPlan, execution: ExecutionResult): RunResult {
  const { options, startedAt } = run;
  const outcomes = execution.outcomes;
  const failed = outcomes.filter((o) => o.outcome !== 'succeeded' && o.stale === undefined);
  const stale = outcomes.length - outcomes.filter((o) => o.stale === undefined).length;
  const facts = { ...soFar, operations: outcomes, stoppedBecause: execution.stoppedBecause };
  saveState(run, { lastFullRead: undefined });
  if (options.signal?.aborted) return writeOut(run, facts, interruptedBy(options.signal), `interrupted: ${failed.length} operations of the plan not done`);
  if (!execution.stoppedBecause) saveState(run, { lastSuccess: { at: startedAt.toISOString(), rosterUsers: saved.roster.users } });
  const staleNote = stale > 0 ? `; ${stale} skipped as stale (their accounts changed since the plan was made; listed in the report)` : '';
  const sent = outcomes.length - stale;
  if (failed.length > 0 || execution.stoppedBecause) {
    return writeOut(run, facts, { kind: 'some-failed' }, `applied the saved plan: ${failed.length} of ${sent} operations did not succeed${staleNote}`);
  }
  return writeOut(run, facts, { kind: 'succeeded' }, `applied the saved plan: ${sent === 0 ? 'nothing sent' : `all ${sent} operations succeeded`}${staleNote}`);
}

/** Where this run's report will be written (a saved plan goes beside it). */
export function reportPathOf(run: RunContext): string {
  // Only a refused run saves its plan beside its report, so the report's name is the refused one.
  const refused = { startedAt: run.startedAt.toISOString(), runId: run.runId, dryRun: run.options.dryRun, exitCode: exitCodeOf({ kind: 'refused' }) };
  return reportPathFor(refused, { file: run.options.reportFile, dir: run.config.report.dir });
}

export function writeOut(run: RunContext, soFar: RunSoFar, outcome: RunOutcome, result: string, more: Partial<RunFacts> = {}): RunResult {
  const { config, options } = run;
  const { capabilities, ...facts } = { ...soFar, ...more };
  const report = buildReport({
    ...facts,
    runId: run.runId,
    startedAt: run.startedAt,
    finishedAt: new Date(),
    dryRun: options.dryRun,
    config: { file: config.file, baseUrl: config.target.baseUrl },
    coordination: options.coordination,
    outcome,
    result,
    notSent: neverSentWarning(config)?.paths,
  });
  const reportPath = writeReport(report, { file: options.reportFile, dir: config.report.dir });
  if (!options.reportFile) pruneReports(config.report.dir, config.report.keep);
  const exitCode = exitCodeOf(outcome);
  // Watchers first: the progress bar is cleared before the closing line is written under it.
  options.observer?.finished?.(report, Date.now() - run.startedAt.getTime());
  logShownInSummary(run, 'info', { runId: report.runId, exitCode, summary: report.summary, requests: report.requests, reportPath }, result);
  return { outcome, exitCode, report, reportPath, capabilities };
}
