import type { SavedPlan } from '../domain/savedPlan.js';

/** What `apply` compares a plan file with: the file's own digest as recomputed, this config, the clock. */
export interface PlanFileContext {
  /** The digest of the file's content as read now. */
  digest: string;
  /** This config's settings fingerprint (settingsSha256). */
  settingsSha256: string;
  baseUrl: string;
  now: Date;
  maxAgeHours: number;
}

/** A plan file's clock may run a little ahead of ours (another host); more is not a plan made "now". */
const CLOCK_SKEW_MS = 5 * 60_000;

/**
 * Pure: why a saved plan must not be applied, or undefined. Checked in this order, so the
 * message names the most basic problem: altered, another service, another config, too old.
 * Each says what to do next; the caller adds the file's name.
 */
export function planFileProblem(saved: SavedPlan, ctx: PlanFileContext): string | undefined {
  const remake = 'make a new plan with `scim-sync plan --out FILE`, review it with `scim-sync show FILE`, then apply that';
  if (saved.digest !== ctx.digest) {
    return `was altered after it was made (it says digest ${saved.digest}, its content has ${ctx.digest}); ${remake}`;
  }
  if (saved.service.baseUrl !== ctx.baseUrl) {
    return `was made for the service at ${saved.service.baseUrl}, but this config's target.baseUrl is ${ctx.baseUrl}; apply it with the config it was made with (${saved.config.file}), or ${remake}`;
  }
  if (saved.config.sha256 !== ctx.settingsSha256) {
    return `was made with other settings (config ${saved.config.file}, fingerprint ${saved.config.sha256.slice(0, 12)}…; this config's is ${ctx.settingsSha256.slice(0, 12)}…): source, target or sync differ; apply it with the config it was made with, or ${remake}`;
  }
  const created = Date.parse(saved.createdAt);
  const ageMs = ctx.now.getTime() - created;
  if (ageMs < -CLOCK_SKEW_MS)
    return `was made at ${saved.createdAt}, which is in the future by this host's clock (${ctx.now.toISOString()}); check the clocks, or ${remake}`;
  if (ageMs > ctx.maxAgeHours * 3_600_000) {
    return `was made at ${saved.createdAt}, ${(ageMs / 3_600_000).toFixed(1)} hours ago, more than plan.maxAgeHours (${ctx.maxAgeHours}) allows: the service and the roster may have moved on; ${remake}`;
  }
  return undefined;
}
