import pino from 'pino';
import { budgetWarning, frequencyWarning, shortestGapMs } from '../daemon/scheduleWarnings.js';
import { exitCodeOf } from '../domain/runOutcome.js';
import { loadInputs } from '../run/phases/loadInputs.js';
import { planAndCheck } from '../run/phases/planAndCheck.js';
import { discover, pageSizeFor, profileFits, readUsers } from '../run/phases/readService.js';
import { describeAccounts } from '../report/formatPlanTable.js';
import { neverSentWarning } from '../run/syncPolicy.js';
import { checkProtect } from './checkProtect.js';
import { isStop, type RunStop, startRun } from '../run/runContext.js';
import { ServiceConnection } from '../run/serviceConnection.js';
import { escapeControlChars } from '../display/escapeControlChars.js';
import { ScimRequestError } from '../scim/errors.js';
import { explainServiceFailure } from '../run/explainServiceFailure.js';
import { loadConfigOrReport } from './loadConfigOrExit.js';
import { describeNetworkPath, tlsResult } from './networkPathLines.js';

/**
 * validate reads the whole user list to count managed and unmanaged accounts only when that
 * takes at most this long at the budget (and no longer than the schedule's gap): it is a quick
 * check, and `run --dry-run` shows the same counts for a directory of any size.
 */
const MAX_VALIDATE_READ_MS = 60_000;

/**
 * `scim-sync validate`: everything a run would check before writing, and nothing else —
 * config (the daemon's schedule and time zone included), roster, the ledger, `/ServiceProviderConfig`,
 * one page of `/Users`, then the whole list, planned on to show which accounts `sync.manage`
 * makes this sync's (and the first unmanaged ones), before the first real run. It runs a run's own first phases, so it can't judge differently from
 * `run`; it prints for people instead of writing a report. Sends no write.
 */
export async function validateCommand(opts: { config: string; roster?: string }): Promise<number> {
  const config = loadConfigOrReport(opts.config, { roster: opts.roster });
  if (!config) return exitCodeOf({ kind: 'unusable-input' });
  // Lines quote roster cells, file names and service replies: never raw control characters.
  const out = (line: string) => process.stdout.write(escapeControlChars(line) + '\n');
  out(`config: ${config.file} is valid (daemon.schedule "${config.daemon.schedule}" in ${config.daemon.timezone})`);
  const gapMs = shortestGapMs(config.daemon.schedule, config.daemon.timezone);
  const tooOften = frequencyWarning(config.daemon.schedule, gapMs);
  if (tooOften) out(`  warning: ${tooOften}`);
  const neverSent = neverSentWarning(config);
  if (neverSent) out(`  warning: ${neverSent.message}`);

  for (const line of describeNetworkPath(config)) out(line);

  // The phases log for a run's operator; validate says the same things on stdout instead.
  const run = startRun(config, { dryRun: true, quiet: true }, pino({ level: 'silent' }));
  const inputs = await loadInputs(run);
  const roster = inputs.roster;
  if (roster) {
    const read = 'read' in inputs ? inputs.read : undefined;
    const how = read ? ` (${read.bytes} bytes in ${read.elapsedMs} ms)` : '';
    out(`roster: ${roster.file}${how}: ${roster.rows} rows, ${roster.users.length} accepted, ${roster.rejected.length} rejected`);
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
    out(`  ${tlsResult(config)}`);
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
    const fullReadMs = Number.isFinite(total) && received > 0 ? (Math.ceil(total / received) / config.target.requestsPerMinute) * 60_000 : undefined;
    if (Number.isFinite(total) && received > 0) {
      const slow = budgetWarning(config.daemon.schedule, gapMs, Math.ceil(total / received), config.target.requestsPerMinute);
      if (slow) out(`  warning: ${slow}`);
    }
    for (const line of await checkProtect(config, connection.client, page, capabilities.filter.supported)) out(`  ${line}`);
    if (fullReadMs !== undefined && fullReadMs > Math.min(MAX_VALIDATE_READ_MS, gapMs)) {
      out(
        `accounts: not counted here (reading every user takes about ${Math.round(fullReadMs / 1000)} s at the budget); \`run --dry-run\` shows managed and unmanaged accounts`,
      );
      out('ok: a run can start (no write was sent)');
      return exitCodeOf({ kind: 'succeeded' });
    }
    const remote = await readUsers(run, connection.client, capabilities);
    if (isStop(remote)) return refuse(remote, `service: ${remote.error ?? remote.result}`);
    const { checked, refusal } = await planAndCheck(run, inputs.roster, remote.users, inputs.ledger.ledger);
    const { unmanaged } = checked.plan;
    out(`accounts: ${describeAccounts(checked.manage, { count: unmanaged.length, sample: unmanaged.slice(0, 20).map((u) => u.userName) })}`);
    if (refusal?.refused) out(`  warning: a run now would be refused: ${refusal.refused.reason}`);
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
