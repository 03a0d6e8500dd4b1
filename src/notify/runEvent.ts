import type { RunReport } from '../report/runReport.js';

/** What a notification is about. `recovered`: the first good run after a bad one. */
export type NotifyEvent = 'failed' | 'refused' | 'stopped' | 'recovered' | 'succeeded';

/** How a finished run reads for notifications: a bad one (failed, refused, stopped) or a good one. */
export function runEvent(report: Pick<RunReport, 'outcome' | 'stoppedBecause'>): 'failed' | 'refused' | 'stopped' | 'succeeded' {
  if (report.outcome === 'refused') return 'refused';
  if (report.outcome === 'interrupted' || report.stoppedBecause) return 'stopped';
  if (report.outcome === 'succeeded') return 'succeeded';
  return 'failed';
}

/**
 * Pure: the event to notify about for this run, or undefined. A good run right after a bad one
 * is `recovered`; the admin chooses the events (`notify.webhook.on`).
 */
export function eventToNotify(
  report: Pick<RunReport, 'outcome' | 'stoppedBecause'>,
  previousWasBad: boolean,
  on: readonly NotifyEvent[],
): NotifyEvent | undefined {
  const event = runEvent(report);
  const named: NotifyEvent = event === 'succeeded' && previousWasBad ? 'recovered' : event;
  return on.includes(named) ? named : undefined;
}
