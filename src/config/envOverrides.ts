/**
 * Environment variables that override the config file (flags override these in turn), so a
 * container can be configured without editing the mounted file. Documented in the README.
 */
export const ENV_OVERRIDES: ReadonlyArray<{ name: string; path: string[]; type: 'string' | 'number' }> = [
  { name: 'SCIM_BASE_URL', path: ['target', 'baseUrl'], type: 'string' },
  { name: 'SCIM_TOKEN', path: ['target', 'token'], type: 'string' },
  { name: 'SCIM_TOKEN_FILE', path: ['target', 'tokenFile'], type: 'string' },
  { name: 'SCIM_SYNC_SCHEDULE', path: ['daemon', 'schedule'], type: 'string' },
  { name: 'SCIM_SYNC_TIMEZONE', path: ['daemon', 'timezone'], type: 'string' },
  { name: 'SCIM_SYNC_HTTP_HOST', path: ['http', 'host'], type: 'string' },
  { name: 'SCIM_SYNC_HTTP_PORT', path: ['http', 'port'], type: 'number' },
  { name: 'SCIM_SYNC_LOG_LEVEL', path: ['log', 'level'], type: 'string' },
  { name: 'SCIM_SYNC_REPORT_DIR', path: ['report', 'dir'], type: 'string' },
  { name: 'SCIM_SYNC_STATE_DIR', path: ['state', 'dir'], type: 'string' },
];

/** Returns a copy of `raw` with the set variables applied. A token from one source replaces the other. */
export function applyEnvOverrides(raw: unknown, env: NodeJS.ProcessEnv): Record<string, unknown> {
  const out = structuredClone((raw ?? {}) as Record<string, unknown>);
  for (const { name, path, type } of ENV_OVERRIDES) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    let node = out;
    for (const key of path.slice(0, -1)) {
      if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
      node = node[key] as Record<string, unknown>;
    }
    const leaf = path.at(-1)!;
    node[leaf] = type === 'number' && /^\d+$/.test(value) ? Number(value) : value;
    if (leaf === 'token') delete node.tokenFile;
    if (leaf === 'tokenFile') delete node.token;
  }
  return out;
}
