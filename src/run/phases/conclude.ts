import type { ExecutionResult } from '../../domain/outcome.js';
import { exitCodeOf, interruptedBy, type RunOutcome } from '../../domain/runOutcome.js';
import { buildReport, type RunFacts } from '../../report/buildReport.js';
import { pruneReports } from '../../report/pruneReports.js';
import type { RunReport } from '../../report/runReport.js';
import { writeReport } from '../../report/writeReport.js';
import { countOf } from '../../display/countOf.js';
import { neverSentWarning } from '../syncPolicy.js';
import type { ServiceCapabilities } from '../../scim/serviceProviderConfig.js';
import { logShownInSummary, type RunContext, type RunStop, saveState } from '../runContext.js';
import type { CheckedPlan } from './planAndCheck.js';
import type { Inputs } from './loadInputs.js';

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
  });
}

/**
 * Phase 5, for a run that executed its plan: how it ended, what later runs must know (the
 * notices, the shrink baseline, the last full read), and the report.
 */
export function concludeExecuted(run: RunContext, soFar: RunSoFar, inputs: Inputs, checked: CheckedPlan, execution: ExecutionResult): RunResult {
  const { options, startedAt } = run;
  const failed = execution.outcomes.filter((o) => o.outcome !== 'succeeded' && o.outcome !== 'planned');
  const facts = { ...soFar, operations: execution.outcomes, stoppedBecause: execution.stoppedBecause };
  if (!options.dryRun) saveState(run, { notices: checked.plan.notUpdatable.map((n) => n.key) });
  if (options.signal?.aborted) return writeOut(run, facts, interruptedBy(options.signal), `interrupted: ${countOf(failed.length, 'operation')} not done`);
  // The roster passed every check and was applied in full (a few operations may have failed
  // on their own): it is the baseline the next run's shrink check compares with. Waiting for
  // a run without any failure would let one permanently failing user freeze an old baseline.
  if (!options.dryRun && !execution.stoppedBecause) saveState(run, { lastSuccess: { at: startedAt.toISOString(), rosterUsers: inputs.roster.users.length } });
  // Only a run that read everything and applied every operation may stand in for later cycles.
  if (inputs.fingerprint && !options.dryRun && options.only === undefined) {
    const complete = failed.length === 0 && !execution.stoppedBecause;
    saveState(run, { lastFullRead: complete ? { at: startedAt.toISOString(), ...inputs.fingerprint } : undefined });
  }
  if (failed.length > 0 || execution.stoppedBecause) {
    return writeOut(run, facts, { kind: 'some-failed' }, `${failed.length} of ${countOf(execution.outcomes.length, 'operation')} did not succeed`);
  }
  const n = execution.outcomes.length;
  const result = options.dryRun
    ? `${countOf(n, 'operation')} planned`
    : n === 0
      ? 'nothing to do: the service matches the roster'
      : n === 1
        ? 'the 1 operation succeeded'
        : `all ${n} operations succeeded`;
  return writeOut(run, facts, { kind: 'succeeded' }, result);
}

function writeOut(run: RunContext, soFar: RunSoFar, outcome: RunOutcome, result: string, more: Partial<RunFacts> = {}): RunResult {
  const { config, options } = run;
  const { capabilities, ...facts } = { ...soFar, ...more };
  const report = buildReport({
    ...facts,
    runId: run.runId,
    startedAt: run.startedAt,
    finishedAt: new Date(),
    dryRun: options.dryRun,
    config: { file: config.file, baseUrl: config.target.baseUrl },
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
