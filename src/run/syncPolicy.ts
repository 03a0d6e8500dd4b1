import type { Config } from '../config/loadConfig.js';
import type { ManagePolicy, PlanPolicy } from '../domain/plan.js';
import { canonicalPath } from '../domain/attributePaths.js';
import { PROFILES, type TargetProfile, updateMethod } from '../providers/targetProfile.js';

/** The canonical SCIM paths the config maps (`givenName` → `name.givenName`, …). */
export function mappedPaths(config: Config): string[] {
  return Object.keys(config.source.columns).map(canonicalPath);
}

export function profileOf(config: Config): TargetProfile {
  return PROFILES[config.target.provider];
}

/**
 * The planner's policy for this config and service: compare every mapped attribute, and let
 * the profile say which of them can be changed after creation.
 */
export function planPolicy(config: Config, extra: { only?: readonly string[]; noticed?: readonly string[]; manage?: ManagePolicy } = {}): PlanPolicy {
  const profile = profileOf(config);
  const compare = mappedPaths(config).filter((p) => p !== 'userName');
  const updatable = new Set(['userName', ...compare].filter((p) => updateMethod(profile, p) !== 'none'));
  return {
    deactivateMissing: config.sync.deactivateMissing,
    protect: config.sync.protect,
    only: extra.only,
    compare,
    updatable,
    noticed: new Set(extra.noticed ?? []),
    manage: extra.manage,
  };
}
