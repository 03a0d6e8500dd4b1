import type { RunSummary } from './runSummary.js';

/**
 * A Slack incoming-webhook message for a run: `text` (the notification's fallback line) and
 * Block Kit `blocks`. Roster values and service replies are escaped for mrkdwn (&, <, >), so a
 * userName such as `<!channel>` can't ping a channel or forge a link.
 */
export function slackMessage(s: RunSummary): { text: string; blocks: unknown[] } {
  const title = TITLES[s.event];
  const text = `scim-sync ${title}: ${s.result}`;
  const c = s.summary;
  const fields = [
    `*Created* ${c.create.succeeded}/${c.create.planned}`,
    `*Updated* ${c.update.succeeded}/${c.update.planned}`,
    `*Deactivated* ${c.deactivate.succeeded}/${c.deactivate.planned}`,
    `*Reactivated* ${c.reactivate.succeeded}/${c.reactivate.planned}`,
    `*Failed* ${c.failed}  *Not attempted* ${c.notAttempted}`,
    `*Requests* ${s.requests.total} (${s.requests.retries} retries, ${s.requests.throttled} throttled)`,
  ];
  const blocks: unknown[] = [
    { type: 'header', text: { type: 'plain_text', text: cut(`scim-sync ${title}`, 150) } },
    section(`*${escape(s.result)}*\nexit code ${s.exitCode} · run \`${escape(s.runId)}\` on ${escape(s.host)} · ${escape(s.service)}`),
    { type: 'section', fields: fields.map((f) => ({ type: 'mrkdwn', text: f })) },
  ];
  if (s.refused) blocks.push(section(`*Refused:* ${escape(s.refused.reason)}`));
  if (s.stoppedBecause)
    blocks.push(section(`*Stopped:* ${escape(s.stoppedBecause.reason)}${s.stoppedBecause.detail ? ` — ${escape(s.stoppedBecause.detail)}` : ''}`));
  if (s.error) blocks.push(section(`*Error:* ${escape(s.error)}`));
  if (s.failures.length > 0) {
    const lines = s.failures.map(
      (f) => `• ${f.op} ${escape(f.userName)}: ${f.outcome}${f.httpStatus ? ` ${f.httpStatus}` : ''}${f.detail ? ` — ${escape(f.detail)}` : ''}`,
    );
    if (s.moreFailures > 0) lines.push(`… and ${s.moreFailures} more in the report`);
    blocks.push(section(`*First failures*\n${lines.join('\n')}`));
  }
  if (s.next) blocks.push(section(`*Next:* ${escape(s.next)}`));
  const files = [
    `report: \`${escape(s.reportPath)}\``,
    ...(s.planFile ? [`plan file: \`${escape(s.planFile.path)}\` (digest ${s.planFile.digest.slice(0, 12)}…)`] : []),
  ];
  blocks.push({ type: 'context', elements: files.map((f) => ({ type: 'mrkdwn', text: cut(f, 3000) })) });
  return { text: escape(text), blocks };
}

const TITLES: Record<RunSummary['event'], string> = {
  failed: 'run failed',
  refused: 'run refused',
  stopped: 'run stopped',
  recovered: 'recovered',
  succeeded: 'run succeeded',
};

/** Slack's section text holds at most 3,000 characters. */
function section(text: string): unknown {
  return { type: 'section', text: { type: 'mrkdwn', text: cut(text, 3000) } };
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
