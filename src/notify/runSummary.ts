import type { RunReport } from '../report/runReport.js';
import type { NotifyEvent } from './runEvent.js';

/** The first failures a notification lists; the report has them all. */
export const MAX_LISTED_FAILURES = 5;

/**
 * What a notification says about a run (the `json` format sends exactly this): its result, the
 * counts, the first failures and the refusal, and where the report and the plan file are. Built
 * from the report, which never holds the token; the webhook's URL is not in it either.
 */
export interface RunSummary {
  event: NotifyEvent;
  runId: string;
  host: string;
  service: string;
  startedAt: string;
  finishedAt: string;
  outcome: RunReport['outcome'];
  exitCode: number;
  result: string;
  summary: RunReport['summary'];
  requests: RunReport['requests'];
  failures: { op: string; userName: string; outcome: string; httpStatus?: number; failureKind?: string; detail?: string }[];
  /** Failures beyond the ones listed. */
  moreFailures: number;
  refused?: RunReport['refused'];
  stoppedBecause?: RunReport['stoppedBecause'];
  error?: string;
  reportPath: string;
  planFile?: { path: string; digest: string };
  /** What to do next, when there is something to do. */
  next?: string;
}

export function runSummary(event: NotifyEvent, report: RunReport, reportPath: string, host: string): RunSummary {
  const failed = report.operations.filter((o) => o.outcome === 'failed' || o.outcome === 'not-attempted');
  const planFile = report.planFile && { path: report.planFile.path, digest: report.planFile.digest };
  const saved = report.planFile?.use === 'saved' ? report.planFile.path : undefined;
  return {
    event,
    runId: report.runId,
    host,
    service: report.config.baseUrl,
    startedAt: report.startedAt,
    finishedAt: report.finishedAt,
    outcome: report.outcome,
    exitCode: report.exitCode,
    result: report.result,
    summary: report.summary,
    requests: report.requests,
    failures: failed
      .slice(0, MAX_LISTED_FAILURES)
      .map(({ op, userName, outcome, httpStatus, failureKind, detail }) => ({ op, userName, outcome, httpStatus, failureKind, detail })),
    moreFailures: Math.max(0, failed.length - MAX_LISTED_FAILURES),
    refused: report.refused,
    stoppedBecause: report.stoppedBecause,
    error: report.error,
    reportPath,
    planFile,
    next: saved ? `review it with \`scim-sync show ${saved}\`, then \`scim-sync apply ${saved}\`` : report.refused?.howToProceed,
  };
}
