/**
 * Environment variables that override the config file (flags override these in turn), so a
 * container can be configured without editing the mounted file. Documented in the README.
 *
 * `replaces` names a key the variable displaces as well: the token and the token file are two
 * ways of giving one value, so SCIM_TOKEN_FILE replaces a `target.token: ${SCIM_TOKEN}` in the
 * file (and SCIM_TOKEN a `target.tokenFile`).
 */
export interface EnvOverride {
  name: string;
  path: string[];
  type: 'string' | 'number';
  /** A sibling key the variable displaces too. */
  replaces?: string;
}

export const ENV_OVERRIDES: readonly EnvOverride[] = [
  { name: 'SCIM_BASE_URL', path: ['target', 'baseUrl'], type: 'string' },
  { name: 'SCIM_TOKEN', path: ['target', 'token'], type: 'string', replaces: 'tokenFile' },
  { name: 'SCIM_TOKEN_FILE', path: ['target', 'tokenFile'], type: 'string', replaces: 'token' },
  { name: 'SCIM_SYNC_SCHEDULE', path: ['daemon', 'schedule'], type: 'string' },
  { name: 'SCIM_SYNC_TIMEZONE', path: ['daemon', 'timezone'], type: 'string' },
  { name: 'SCIM_SYNC_HTTP_HOST', path: ['http', 'host'], type: 'string' },
  { name: 'SCIM_SYNC_HTTP_PORT', path: ['http', 'port'], type: 'number' },
  { name: 'SCIM_SYNC_LOG_LEVEL', path: ['log', 'level'], type: 'string' },
  { name: 'SCIM_SYNC_REPORT_DIR', path: ['report', 'dir'], type: 'string' },
  { name: 'SCIM_SYNC_STATE_DIR', path: ['state', 'dir'], type: 'string' },
  { name: 'SCIM_SYNC_REDIS_URL', path: ['coordination', 'redis'], type: 'string' },
];

/** The overrides whose variable is set (non-empty) in `env`. */
export function activeOverrides(env: NodeJS.ProcessEnv): EnvOverride[] {
  return ENV_OVERRIDES.filter(({ name }) => env[name] !== undefined && env[name] !== '');
}

/** The override that decides the value at `keyPath`, if any (for naming it in an error). */
export function overrideFor(keyPath: readonly (string | number)[], env: NodeJS.ProcessEnv): EnvOverride | undefined {
  return activeOverrides(env).find((o) => o.path.join('.') === keyPath.join('.'));
}

/**
 * Returns a copy of the file's values without the keys an environment variable overrides (or
 * replaces). Done before `${VAR}` interpolation, so a value the environment displaces is never
 * resolved — and can't fail for a variable that isn't set.
 */
export function withoutOverriddenKeys(raw: unknown, env: NodeJS.ProcessEnv): unknown {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return raw;
  const out = structuredClone(raw as Record<string, unknown>);
  for (const { path, replaces } of activeOverrides(env)) {
    for (const keyPath of replaces ? [path, [...path.slice(0, -1), replaces]] : [path]) {
      const parent = keyPath
        .slice(0, -1)
        .reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), out);
      if (parent && typeof parent === 'object' && !Array.isArray(parent)) delete (parent as Record<string, unknown>)[keyPath.at(-1)!];
    }
  }
  return out;
}

/** Returns a copy of `raw` (already without the keys they displace, see withoutOverriddenKeys) with the set variables applied. */
export function applyEnvOverrides(raw: unknown, env: NodeJS.ProcessEnv): Record<string, unknown> {
  const out = structuredClone((raw ?? {}) as Record<string, unknown>);
  for (const { name, path, type } of activeOverrides(env)) {
    const value = env[name]!;
    let node = out;
    for (const key of path.slice(0, -1)) {
      if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
      node = node[key] as Record<string, unknown>;
    }
    node[path.at(-1)!] = type === 'number' && /^\d+$/.test(value) ? Number(value) : value;
  }
  return out;
}
