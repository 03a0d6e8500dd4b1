import type { Config } from '../config/loadConfig.js';
import type { ManagePolicy, PlanPolicy } from '../domain/plan.js';
import { canonicalPath, shortPath } from '../domain/attributePaths.js';
import { neverSentPaths, PROFILES, type TargetProfile, updateMethod } from '../providers/targetProfile.js';

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
    neverSent: new Set(neverSentPaths(profile, compare)),
    noticed: new Set(extra.noticed ?? []),
    manage: extra.manage,
  };
}

/**
 * Mapped attributes the provider can't set, or nothing: said by `validate` and at the start of
 * every run, so a mapping that does nothing is never silent.
 */
export function neverSentWarning(config: Config): { paths: string[]; message: string } | undefined {
  const profile = profileOf(config);
  const paths = neverSentPaths(profile, mappedPaths(config));
  if (paths.length === 0) return undefined;
  const names = paths.map(shortPath).join(', ');
  return {
    paths,
    message:
      `${profile.name} can't set ${names}: ${paths.length === 1 ? 'it is' : 'they are'} not sent; differences in ${paths.length === 1 ? 'it' : 'them'} are listed once under notUpdatable ` +
      `(remove ${paths.length === 1 ? 'it' : 'them'} from source.columns to silence this)`,
  };
}
