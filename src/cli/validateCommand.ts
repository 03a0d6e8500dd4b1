import { budgetWarning, frequencyWarning, shortestGapMs } from '../daemon/scheduleWarnings.js';
import { checkRoster } from '../plan/safety.js';
import { readRoster, RosterFileError } from '../roster/readRoster.js';
import { connectToService } from '../run/connectToService.js';
import { EXIT, pageSizeFor } from '../run/runSync.js';
import { profileOf } from '../run/syncPolicy.js';
import { ScimRequestError } from '../scim/errors.js';
import { readServiceProviderConfig } from '../scim/serviceProviderConfig.js';
import { loadConfigOrReport } from './loadConfigOrExit.js';

/**
 * `scim-sync validate`: everything a run would check before writing, and nothing else —
 * config (the daemon's schedule and time zone included), roster, `/ServiceProviderConfig` and
 * one page of `/Users`. Sends no write.
 */
export async function validateCommand(opts: { config: string }): Promise<number> {
  const config = loadConfigOrReport(opts.config);
  if (!config) return EXIT.unusableInput;
  const out = (line: string) => process.stdout.write(line + '\n');
  out(`config: ${config.file} is valid (daemon.schedule "${config.daemon.schedule}" in ${config.daemon.timezone})`);
  const gapMs = shortestGapMs(config.daemon.schedule, config.daemon.timezone);
  const tooOften = frequencyWarning(config.daemon.schedule, gapMs);
  if (tooOften) out(`  warning: ${tooOften}`);

  try {
    const roster = await readRoster({ ...config.source, userNameIsEmail: profileOf(config).userNameIsEmail });
    out(`roster: ${roster.file}: ${roster.rows} rows, ${roster.users.length} accepted, ${roster.rejected.length} rejected`);
    for (const row of roster.rejected.slice(0, 20)) out(`  line ${row.line}: ${row.reason}`);
    if (roster.rejected.length > 20) out(`  … and ${roster.rejected.length - 20} more`);
    const refusal = checkRoster(roster, { maxDeactivations: config.sync.maxDeactivations, maxRejectedShare: config.source.maxRejectedShare, protect: config.sync.protect });
    if (refusal) {
      out(`roster: a run would refuse it: ${refusal.reason}`);
      return refusal.exitCode;
    }
  } catch (error) {
    if (!(error instanceof RosterFileError)) throw error;
    out(`roster: unusable: ${error.message}`);
    return EXIT.unusableInput;
  }

  const { gate, client } = connectToService(config);
  try {
    const capabilities = await readServiceProviderConfig(client);
    out(`service: ${config.target.baseUrl} (profile: ${config.target.provider})`);
    if (!capabilities.patch && config.target.provider !== 'generic') {
      out(`  the ${config.target.provider} profile needs PATCH, but the service says patch.supported is false`);
      return EXIT.unusableInput;
    }
    out(`  patch supported: ${capabilities.patch}; filter supported: ${capabilities.filter.supported}${capabilities.filter.maxResults ? ` (maxResults ${capabilities.filter.maxResults})` : ''}; bulk: ${capabilities.bulk}; etag: ${capabilities.etag}`);
    const pageSize = pageSizeFor(config, capabilities);
    const { body } = await client.get(`/Users?startIndex=1&count=${pageSize}`);
    const page = (body ?? {}) as { totalResults?: unknown; Resources?: unknown[] };
    const received = Array.isArray(page.Resources) ? page.Resources.length : 0;
    const total = Number(page.totalResults);
    out(`  users on the service: ${Number.isFinite(total) ? total : 'unknown (no totalResults)'}`);
    const honoured = received >= pageSize || (Number.isFinite(total) && received >= total);
    out(`  page size: asked for ${pageSize}, got ${received}${honoured ? ' (honoured)' : ` (the service caps pages at ${received}; reading all users takes more requests)`}`);
    if (Number.isFinite(total) && received > 0) {
      const slow = budgetWarning(config.daemon.schedule, gapMs, Math.ceil(total / received), config.target.requestsPerMinute);
      if (slow) out(`  warning: ${slow}`);
    }
    out('ok: a run can start (no write was sent)');
    return EXIT.ok;
  } catch (error) {
    if (!(error instanceof ScimRequestError)) throw error;
    out(`service: ${error.message}`);
    return EXIT.someFailed;
  } finally {
    await gate.dispose();
    await client.close();
  }
}
