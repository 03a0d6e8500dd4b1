import cron from 'node-cron';

/**
 * Schedules a run can't keep up with. Not errors (a demo may want every 30 s), but said out
 * loud, by the daemon's log at start-up and after its first full read, and by `validate`: runs
 * share one request budget (target.requestsPerMinute), so a tick that comes before the previous
 * run could finish is skipped, and one that comes before the budget allows a full read only
 * waits for it.
 */

/** Below this, a schedule starts runs more often than any real tenant needs. */
export const MIN_SENSIBLE_GAP_MS = 60_000;

/** The shortest time between two of the schedule's next few ticks (checked config: valid expression). */
export function shortestGapMs(schedule: string, timezone: string): number {
  const task = cron.createTask(schedule, () => undefined, { timezone });
  try {
    const runs = task.getNextRuns(30).map((d) => d.getTime());
    let gap = Infinity;
    for (let i = 1; i < runs.length; i++) gap = Math.min(gap, runs[i]! - runs[i - 1]!);
    return gap;
  } finally {
    void task.destroy();
  }
}

/** A schedule that starts runs more often than once a minute. */
export function frequencyWarning(schedule: string, gapMs: number): string | undefined {
  if (gapMs >= MIN_SENSIBLE_GAP_MS) return undefined;
  return `daemon.schedule "${schedule}" starts a run every ${seconds(gapMs)}: more often than once a minute, which a run (reading every user) can't keep up with; ticks that come while one is going are skipped, and all runs share one budget of target.requestsPerMinute. Use e.g. "*/15 * * * *"`;
}

/** A schedule shorter than the time the budget needs for one full read. */
export function budgetWarning(schedule: string, gapMs: number, fullReadRequests: number, requestsPerMinute: number): string | undefined {
  const needMs = (fullReadRequests / requestsPerMinute) * 60_000;
  if (needMs <= gapMs) return undefined;
  return `reading every user takes about ${fullReadRequests} request${fullReadRequests === 1 ? '' : 's'}, ${seconds(needMs)} at target.requestsPerMinute ${requestsPerMinute}, longer than the ${seconds(gapMs)} between runs of daemon.schedule "${schedule}": runs will overlap their ticks and ticks will be skipped. Schedule runs less often, or raise target.requestsPerMinute if the service allows more`;
}

function seconds(ms: number): string {
  return ms < 120_000 ? `${Math.round(ms / 1000)} s` : `${Math.round(ms / 60_000)} min`;
}
