import type { Roster } from '../../domain/roster.js';
import { EMPTY_ROSTER_ADVICE, checkRoster, type Refusal, type SafetyPolicy } from '../../plan/safety.js';
import { durationMs, unchangedSince } from '../../plan/unchangedCycle.js';
import { readRoster, RosterFileError } from '../../roster/readRoster.js';
import { fileSha256, settingsSha256 } from '../fingerprint.js';
import { logShownInSummary, type RunContext, type RunStop } from '../runContext.js';
import { neverSentWarning, profileOf } from '../syncPolicy.js';

export interface Inputs {
  roster: Roster;
  /** The roster's and settings' fingerprints, when sync.fullReadEvery is on. */
  fingerprint?: { rosterSha256: string; settingsSha256: string };
}

/** The first rejected rows are logged one by one; all of them are in the report. */
const MAX_LOGGED_REJECTIONS = 20;

/**
 * Phase 1: what this run works from — the roster, checked on its own (empty, shrunken, too many
 * rejected rows) before the service is even asked. Also decides whether the cycle may skip
 * reading the service altogether (`sync.fullReadEvery`). `validate` runs this same phase.
 */
export async function loadInputs(run: RunContext): Promise<Inputs | RunStop> {
  const { config, options } = run;
  const neverSent = neverSentWarning(config);
  if (neverSent) run.logger.warn({ attributes: neverSent.paths }, neverSent.message);
  // sync.fullReadEvery: when nothing on our side changed, this cycle sends nothing at all.
  const fullReadEveryMs = durationMs(config.sync.fullReadEvery);
  const fingerprint = fullReadEveryMs === undefined ? undefined : await fingerprintOf(run);
  const deliberate = options.dryRun || options.only !== undefined || options.allowDeactivations !== undefined;
  const unchanged = fingerprint && unchangedSince(run.state.lastFullRead, { now: run.startedAt, ...fingerprint, fullReadEveryMs, deliberate });
  if (unchanged) {
    return {
      stop: { kind: 'succeeded' },
      unchangedSince: unchanged,
      result: `nothing read or sent: the roster and settings are unchanged since the full run at ${unchanged.since}; next full read after ${unchanged.nextFullReadAfter} (sync.fullReadEvery)`,
    };
  }

  const read = await readRosterOrStop(run);
  if ('stop' in read) return read;
  const roster = read;
  logRejectedRows(run, roster);
  const refusal = checkRoster(roster, safetyPolicy(run));
  if (refusal) return { ...refusedBy(run, refusal), roster };
  return { roster, fingerprint };
}

async function readRosterOrStop(run: RunContext): Promise<Roster | RunStop> {
  try {
    const { config } = run;
    return await readRoster({
      ...config.source,
      userNameIsEmail: profileOf(config).userNameIsEmail,
      configuredAt: { file: config.file, keyLines: config.keyLines },
    });
  } catch (error) {
    if (!(error instanceof RosterFileError)) throw error;
    if (error.empty) return refusedBy(run, { outcome: 'refused', reason: error.message, howToProceed: EMPTY_ROSTER_ADVICE });
    logShownInSummary(run, 'error', { file: run.config.source.path, reason: error.message }, `the roster is unusable: ${error.message}`);
    return { stop: { kind: 'unusable-input' }, error: error.message, result: `the roster is unusable: ${error.message}; nothing was sent` };
  }
}

function logRejectedRows(run: RunContext, roster: Roster): void {
  const { logger, options } = run;
  const logged = options.quiet ? 0 : MAX_LOGGED_REJECTIONS;
  for (const row of roster.rejected.slice(0, logged)) logger.warn({ file: roster.file, line: row.line, reason: row.reason }, 'roster row rejected');
  if (!options.quiet && roster.rejected.length > MAX_LOGGED_REJECTIONS) {
    logger.warn({ rejected: roster.rejected.length }, `and ${roster.rejected.length - MAX_LOGGED_REJECTIONS} more rejected rows (see the report)`);
  }
}

/** The safety checks' view of this run: the config's limits, the operator's flags, the last baseline. */
export function safetyPolicy(run: RunContext): SafetyPolicy {
  const { config, options } = run;
  return {
    maxDeactivations: config.sync.maxDeactivations,
    allowDeactivations: options.allowDeactivations,
    dryRun: options.dryRun,
    maxRejectedShare: config.source.maxRejectedShare,
    protect: config.sync.protect,
    previousRosterRows: run.state.lastSuccess?.rosterUsers,
    daemonConfigFile: options.byDaemon ? config.file : undefined,
  };
}

/** A safety refusal as the end of the run: logged as an error, nothing sent. */
export function refusedBy(run: RunContext, refusal: Refusal): RunStop {
  logShownInSummary(run, 'error', { reason: refusal.reason, howToProceed: refusal.howToProceed }, `run refused: ${refusal.reason}; nothing was sent`);
  return {
    stop: { kind: refusal.outcome },
    refused: { reason: refusal.reason, howToProceed: refusal.howToProceed },
    result: `refused: ${refusal.reason}; nothing was sent`,
  };
}

/** The roster's and the settings' fingerprints, or undefined when the roster can't be read (readRoster will say why). */
async function fingerprintOf(run: RunContext): Promise<Inputs['fingerprint']> {
  try {
    return { rosterSha256: await fileSha256(run.config.source.path), settingsSha256: settingsSha256(run.config) };
  } catch {
    return undefined;
  }
}
