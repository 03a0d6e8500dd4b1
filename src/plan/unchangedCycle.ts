/**
 * `sync.fullReadEvery`: a cycle that costs zero requests when nothing on our side changed.
 *
 * Reading the service costs ⌈N/P⌉ requests even when nothing changed. If the roster file and the
 * settings that shape the plan are byte-for-byte what the last fully successful run applied, and
 * that run is younger than `fullReadEvery`, the plan would only differ through changes made by
 * hand on the service, which the next full read notices. That is the trade-off an admin opts in
 * to; it is off by default.
 */
export interface FullRead {
  /** When the last run that read everything and applied every operation started. */
  at: string;
  rosterSha256: string;
  settingsSha256: string;
  /** A downloaded roster's ETag / Last-Modified then, so the next run can ask "changed since?" (conditional GET). */
  rosterValidators?: { etag?: string; lastModified?: string };
  /**
   * The next instant a start or end date changes a row's state (ISO): from then on the same
   * roster means a different plan, so the cycle must read and plan again.
   */
  nextDateChangeAt?: string;
}

export interface CycleFacts {
  now: Date;
  rosterSha256: string;
  settingsSha256: string;
  fullReadEveryMs: number | undefined;
  /** Dry runs, `--only` and `--allow-deactivations` runs are asked for on purpose: they always read. */
  deliberate: boolean;
}

/** Pure: whether this cycle may skip reading the service, and until when. */
export function unchangedSince(last: FullRead | undefined, facts: CycleFacts): { since: string; nextFullReadAfter: string } | undefined {
  if (facts.fullReadEveryMs === undefined || facts.deliberate || last === undefined) return undefined;
  if (last.rosterSha256 !== facts.rosterSha256 || last.settingsSha256 !== facts.settingsSha256) return undefined;
  const interval = Date.parse(last.at) + facts.fullReadEveryMs;
  const due = last.nextDateChangeAt === undefined ? interval : Math.min(interval, Date.parse(last.nextDateChangeAt));
  if (!(facts.now.getTime() < due)) return undefined;
  return { since: last.at, nextFullReadAfter: new Date(due).toISOString() };
}

const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "30m" → 1,800,000 (the config schema has checked the form). */
export function durationMs(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const match = /^(\d+)\s*([smhd])$/.exec(text.trim());
  return match ? Number(match[1]) * UNIT_MS[match[2]!]! : undefined;
}

/**
 * Pure: whether a download of the roster may be conditional (If-None-Match / If-Modified-Since).
 * Only when a 304 would let this cycle skip everything: the last full read is young enough, the
 * settings are the same and it left validators. Otherwise the body is needed anyway.
 */
export function conditionalValidators(
  last: FullRead | undefined,
  facts: Omit<CycleFacts, 'rosterSha256'>,
): { etag?: string; lastModified?: string } | undefined {
  const validators = last?.rosterValidators;
  if (validators === undefined || (validators.etag === undefined && validators.lastModified === undefined)) return undefined;
  return unchangedSince(last, { ...facts, rosterSha256: last!.rosterSha256 }) ? validators : undefined;
}
