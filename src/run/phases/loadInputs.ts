import type { Ledger } from '../../domain/ledger.js';
import type { Roster } from '../../domain/roster.js';
import { EMPTY_ROSTER_ADVICE, checkRoster, type Refusal, type SafetyPolicy } from '../../plan/safety.js';
import { conditionalValidators, durationMs, type FullRead, unchangedSince } from '../../plan/unchangedCycle.js';
import { RosterFileError } from '../../roster/readRoster.js';
import { LedgerError, readLedger } from '../../state/ledgerFile.js';
import { fileSha256, settingsSha256 } from '../fingerprint.js';
import { readConfiguredRoster, type RosterRead, rosterIsStreamed } from '../readConfiguredRoster.js';
import { logShownInSummary, type RunContext, type RunStop } from '../runContext.js';
import { neverSentWarning } from '../syncPolicy.js';

export interface Inputs {
  roster: Roster;
  /** The roster's and settings' fingerprints (and a download's validators), when sync.fullReadEvery is on. */
  fingerprint?: Omit<FullRead, 'at'>;
  /** How the roster was read (source, bytes, time), for `validate`. */
  read?: RosterRead;
  /** What this sync considers its own (state.dir/ledger.json), and the file's sections this version doesn't know. */
  ledger: { ledger: Ledger; found: boolean; extra: Record<string, unknown> };
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
  const deliberate = options.dryRun || options.only !== undefined || options.allowDeactivations !== undefined || options.allowMemberRemovals !== undefined;
  const cycle = { now: run.startedAt, settingsSha256: settingsSha256(config), fullReadEveryMs, deliberate };
  const streamed = rosterIsStreamed(run);
  // A file is hashed before it is parsed (an unchanged one isn't even parsed); a download or
  // standard input can be read only once, so it is hashed while it is read, below.
  let fingerprint = fullReadEveryMs === undefined || streamed ? undefined : await fingerprintOf(run);
  let unchanged = fingerprint && unchangedSince(run.state.lastFullRead, { ...cycle, ...fingerprint });
  if (unchanged) return unchangedStop(unchanged);

  // A conditional GET only where a 304 would let the cycle skip everything.
  const ifChangedSince = fullReadEveryMs === undefined ? undefined : conditionalValidators(run.state.lastFullRead, cycle);
  const read = await readRosterOrStop(run, ifChangedSince);
  if ('stop' in read) return read;
  if (read.notModified) {
    run.logger.info({ source: config.source.url }, 'the roster server answered 304 Not Modified: the roster is the one the last full run applied');
    unchanged = unchangedSince(run.state.lastFullRead, { ...cycle, rosterSha256: run.state.lastFullRead!.rosterSha256 });
    if (unchanged) return unchangedStop(unchanged);
    // Not reachable (validators are only sent when a 304 means "unchanged"), but never plan on nothing.
    return { stop: { kind: 'unusable-input' }, error: 'the roster server answered 304 unasked', result: 'the roster is unusable; nothing was sent' };
  }
  if (fullReadEveryMs !== undefined && read.sha256 !== undefined) {
    fingerprint = { rosterSha256: read.sha256, settingsSha256: cycle.settingsSha256, rosterValidators: read.validators };
    unchanged = unchangedSince(run.state.lastFullRead, { ...cycle, ...fingerprint });
    if (unchanged) return unchangedStop(unchanged);
  }
  const roster = read.roster;
  logRejectedRows(run, roster);
  const refusal = checkRoster(roster, safetyPolicy(run));
  if (refusal) return { ...refusedBy(run, refusal), roster };
  const ledger = readLedgerOrStop(run);
  if ('stop' in ledger) return { ...ledger, roster };
  return { roster, fingerprint, read, ledger };
}

/** A ledger that can't be read stops the run (exit 2): taking it for empty would shrink what this sync manages without a word. */
function readLedgerOrStop(run: RunContext): Inputs['ledger'] | RunStop {
  try {
    return readLedger(run.config.state.dir);
  } catch (error) {
    if (!(error instanceof LedgerError)) throw error;
    run.logger.error({ file: error.file }, error.message);
    return { stop: { kind: 'unusable-input' }, error: error.message, result: 'the ledger is unusable; nothing was sent' };
  }
}

function unchangedStop(unchanged: { since: string; nextFullReadAfter: string }): RunStop {
  return {
    stop: { kind: 'succeeded' },
    unchangedSince: unchanged,
    result: `nothing read or sent: the roster and settings are unchanged since the full run at ${unchanged.since}; next full read after ${unchanged.nextFullReadAfter} (sync.fullReadEvery)`,
  };
}

async function readRosterOrStop(
  run: RunContext,
  ifChangedSince: Parameters<typeof readConfiguredRoster>[1],
): Promise<Awaited<ReturnType<typeof readConfiguredRoster>> | RunStop> {
  try {
    return await readConfiguredRoster(run, ifChangedSince);
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
    maxMemberRemovals: config.groups?.maxMemberRemovals,
    allowMemberRemovals: options.allowMemberRemovals,
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
    return { rosterSha256: await fileSha256(run.config.source.path!), settingsSha256: settingsSha256(run.config) };
  } catch {
    return undefined;
  }
}
