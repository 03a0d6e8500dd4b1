/**
 * Bearer-token check. Postman's examples send the API key as the raw Authorization value
 * ("Authorization: {{apiKey}}") while SCIM clients and IdPs send "Bearer <token>"; both work
 * against the real service, so both are accepted here.
 */
import { timingSafeEqual } from 'node:crypto';

export function presentedToken(authorization: string | undefined): string | undefined {
  if (authorization === undefined) return undefined;
  const value = authorization.trim();
  const bearer = /^bearer\s+(.+)$/i.exec(value);
  return bearer?.[1]?.trim() ?? (value === '' ? undefined : value);
}

export function isAuthorized(authorization: string | undefined, token: string): boolean {
  const presented = presentedToken(authorization);
  if (presented === undefined) return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(token);
  // Constant-time compare: cheap, and the emulator shouldn't teach bad habits.
  return a.length === b.length && timingSafeEqual(a, b);
}
