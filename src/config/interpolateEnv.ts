import { ScimSyncError } from '../domain/scimSyncError.js';
/**
 * Replaces `${NAME}` in every string value with the environment variable NAME. An unset (or
 * empty) variable is an error naming it and the key that used it, because substituting ""
 * would e.g. send an empty token and fail far from the cause. `$${` escapes a literal `${`.
 */
export class MissingEnvError extends ScimSyncError {
  constructor(
    readonly variable: string,
    readonly keyPath: (string | number)[],
    /** Set but empty (`export SCIM_TOKEN=`, an empty line in an .env file) rather than not set at all. */
    readonly empty = false,
  ) {
    super(`environment variable ${variable} ${empty ? 'is empty' : 'is not set'}`);
  }
}

export function interpolateEnv(value: unknown, env: NodeJS.ProcessEnv, keyPath: (string | number)[] = []): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$(\$?)\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (whole, escape: string, name: string) => {
      if (escape) return whole.slice(1);
      const found = env[name];
      if (found === undefined || found === '') throw new MissingEnvError(name, keyPath, found === '');
      return found;
    });
  }
  if (Array.isArray(value)) return value.map((item, i) => interpolateEnv(item, env, [...keyPath, i]));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, interpolateEnv(item, env, [...keyPath, key])]));
  }
  return value;
}
