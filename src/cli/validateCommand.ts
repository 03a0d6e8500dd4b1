import pino from 'pino';
import { budgetWarning, frequencyWarning, shortestGapMs } from '../daemon/scheduleWarnings.js';
import { exitCodeOf } from '../domain/runOutcome.js';
import { loadInputs } from '../run/phases/loadInputs.js';
import { discover, pageSizeFor, profileFits } from '../run/phases/readService.js';
import { neverSentWarning } from '../run/syncPolicy.js';
import { checkProtect } from './checkProtect.js';
import { isStop, type RunStop, startRun } from '../run/runContext.js';
import { ServiceConnection } from '../run/serviceConnection.js';
import { escapeControlChars } from '../display/escapeControlChars.js';
import { ScimRequestError } from '../scim/errors.js';
import { explainServiceFailure } from '../run/explainServiceFailure.js';
import { loadConfigOrReport } from './loadConfigOrExit.js';

/**
 * `scim-sync validate`: everything a run would check before writing, and nothing else —
 * config (the daemon's schedule and time zone included), roster, `/ServiceProviderConfig` and
 * one page of `/Users`. It runs a run's own first phases, so it can't judge differently from
 * `run`; it prints for people instead of writing a report. Sends no write.
 */
export async function validateCommand(opts: { config: string }): Promise<number> {
  const config = loadConfigOrReport(opts.config);
  if (!config) return exitCodeOf({ kind: 'unusable-input' });
  // Lines quote roster cells, file names and service replies: never raw control characters.
  const out = (line: string) => process.stdout.write(escapeControlChars(line) + '\n');
  out(`config: ${config.file} is valid (daemon.schedule "${config.daemon.schedule}" in ${config.daemon.timezone})`);
  const gapMs = shortestGapMs(config.daemon.schedule, config.daemon.timezone);
  const tooOften = frequencyWarning(config.daemon.schedule, gapMs);
  if (tooOften) out(`  warning: ${tooOften}`);
  const neverSent = neverSentWarning(config);
  if (neverSent) out(`  warning: ${neverSent.message}`);

  // The phases log for a run's operator; validate says the same things on stdout instead.
  const run = startRun(config, { dryRun: true, quiet: true }, pino({ level: 'silent' }));
  const inputs = await loadInputs(run);
  const roster = inputs.roster;
  if (roster) {
    out(`roster: ${roster.file}: ${roster.rows} rows, ${roster.users.length} accepted, ${roster.rejected.length} rejected`);
    for (const row of roster.rejected.slice(0, 20)) out(`  line ${row.line}: ${row.reason}`);
    if (roster.rejected.length > 20) out(`  … and ${roster.rejected.length - 20} more`);
  }
  if (isStop(inputs)) {
    out(inputs.refused ? `roster: a run would refuse it: ${inputs.refused.reason}` : `roster: unusable: ${inputs.error ?? inputs.result}`);
    return exitCodeOf(inputs.stop);
  }

  const connection = new ServiceConnection(run);
  const refuse = (stop: RunStop, line: string) => (out(line), exitCodeOf(stop.stop));
  try {
    const service = await discover(run, connection.client);
    if (isStop(service)) return refuse(service, `service: ${service.error ?? service.result}`);
    const { capabilities } = service;
    out(`service: ${config.target.baseUrl} (profile: ${config.target.provider})`);
    if (capabilities.assumed) out('  no usable /ServiceProviderConfig: a run assumes PATCH and filters are supported');
    const unfit = profileFits(run, service);
    if (unfit) return refuse(unfit, `  the ${config.target.provider} profile needs PATCH, but the service says patch.supported is false`);
    out(
      `  patch supported: ${capabilities.patch}; filter supported: ${capabilities.filter.supported}${capabilities.filter.maxResults ? ` (maxResults ${capabilities.filter.maxResults})` : ''}; bulk: ${capabilities.bulk}; etag: ${capabilities.etag}`,
    );
    const pageSize = pageSizeFor(config, capabilities);
    const { body } = await connection.client.get(`/Users?startIndex=1&count=${pageSize}`);
    const page = (body ?? {}) as { totalResults?: unknown; Resources?: unknown[] };
    const received = Array.isArray(page.Resources) ? page.Resources.length : 0;
    const total = Number(page.totalResults);
    out(`  users on the service: ${Number.isFinite(total) ? total : 'unknown (no totalResults)'}`);
    const honoured = received >= pageSize || (Number.isFinite(total) && received >= total);
    out(
      `  page size: asked for ${pageSize}, got ${received}${honoured ? ' (honoured)' : ` (the service caps pages at ${received}; reading all users takes more requests)`}`,
    );
    if (Number.isFinite(total) && received > 0) {
      const slow = budgetWarning(config.daemon.schedule, gapMs, Math.ceil(total / received), config.target.requestsPerMinute);
      if (slow) out(`  warning: ${slow}`);
    }
    for (const line of await checkProtect(config, connection.client, page, capabilities.filter.supported)) out(`  ${line}`);
    out('ok: a run can start (no write was sent)');
    return exitCodeOf({ kind: 'succeeded' });
  } catch (error) {
    if (!(error instanceof ScimRequestError)) throw error;
    out(`service: ${explainServiceFailure(error, config.target.baseUrl)}`);
    return exitCodeOf({ kind: 'some-failed' });
  } finally {
    await connection.close();
  }
}
