import { createHash } from 'node:crypto';
import type { Roster } from '../domain/roster.js';
import { STDIN_ROSTER } from '../config/loadConfig.js';
import { outboundDispatcher } from '../net/outboundDispatcher.js';
import { proxyRouteFor } from '../net/proxyRoute.js';
import { redactUrl } from '../net/redactUrl.js';
import { downloadRoster, type RosterValidators } from '../roster/downloadRoster.js';
import { readRoster, type RosterBytes, type RosterReadFacts, STANDARD_INPUT } from '../roster/readRoster.js';
import type { RunContext } from './runContext.js';
import { rosterNetwork } from './networkSettings.js';
import { profileOf } from './syncPolicy.js';

export type { RosterValidators } from '../roster/downloadRoster.js';

/** A roster read, with what `validate` shows of it and what the fingerprint of a streamed roster needs. */
export interface RosterRead {
  notModified: false;
  roster: Roster;
  /** Where it came from: the file's path, the URL without credentials, or "standard input". */
  from: string;
  bytes: number;
  elapsedMs: number;
  /** SHA-256 of the bytes, for a roster that can only be read once (URL, standard input). */
  sha256?: string;
  /** The download's ETag / Last-Modified, for the next run's conditional GET. */
  validators?: RosterValidators;
}

/** Whether the roster is read from a stream (URL, standard input) rather than a file that can be read twice. */
export function rosterIsStreamed(run: RunContext): boolean {
  return run.config.source.url !== undefined || run.config.source.path === STDIN_ROSTER;
}

/**
 * Reads the roster from where the config says: `source.path` (a file), `source.url` (downloaded
 * through the proxy and TLS settings, with its own timeouts), or standard input. All three go
 * through the same reader and the same checks; a streamed one is hashed as it is read.
 * `ifChangedSince` makes the download conditional: `{ notModified: true }` when the server says
 * 304. Throws RosterFileError when the roster is unusable.
 */
export async function readConfiguredRoster(run: RunContext, ifChangedSince?: RosterValidators): Promise<RosterRead | { notModified: true }> {
  const { config } = run;
  const started = performance.now();
  const facts: RosterReadFacts = { bytes: 0 };
  const source = {
    ...config.source,
    userNameIsEmail: profileOf(config).userNameIsEmail,
    configuredAt: { file: config.file, keyLines: config.keyLines },
    groups: config.groups?.from,
  };
  const done = (roster: Roster, extra: Partial<RosterRead> = {}): RosterRead => ({
    notModified: false,
    roster,
    from: roster.file,
    bytes: facts.bytes,
    elapsedMs: Math.round(performance.now() - started),
    ...extra,
  });

  if (config.source.url === undefined && config.source.path !== STDIN_ROSTER) {
    return done(await readRoster({ ...source, path: config.source.path! }, undefined, undefined, facts));
  }
  const hash = createHash('sha256');
  if (config.source.url === undefined) {
    const stdin: RosterBytes = { stream: run.options.stdin ?? process.stdin };
    const roster = await readRoster({ ...source, path: STANDARD_INPUT }, stdin, hash, facts);
    return done(roster, { sha256: hash.digest('hex') });
  }

  const url = config.source.url;
  const network = rosterNetwork(config);
  const dispatcher = outboundDispatcher({ proxy: network.proxy, tls: network.tls, connections: 1, timeouts: config.source.timeouts });
  try {
    const download = await downloadRoster({
      url,
      authorization: config.rosterAuthorization?.reveal(),
      dispatcher,
      route: proxyRouteFor(network.proxy, new URL(url)),
      ifChangedSince,
    });
    if (download.notModified) return download;
    const roster = await readRoster({ ...source, path: redactUrl(url) }, download.bytes, hash, facts);
    return done(roster, { sha256: hash.digest('hex'), validators: download.validators });
  } finally {
    await dispatcher.destroy().catch(() => undefined);
  }
}
