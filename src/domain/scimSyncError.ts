/**
 * The root of every error scim-sync raises on purpose. A caller can tell "we refused or failed,
 * and said why" (a ScimSyncError: config, roster, request, read, lock) from a bug (anything
 * else), and the error that caused it (undici's network error, a file system error) stays
 * attached as `cause` for the logs instead of being dropped.
 */
export class ScimSyncError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }

  override get name(): string {
    return this.constructor.name;
  }
}
