/** `GET /Users?filter=userName eq "…"`, quoting per RFC 7644 §3.4.2.2 (JSON string rules). */
export function userNameFilterPath(userName: string): string {
  return `/Users?filter=${encodeURIComponent(`userName eq ${JSON.stringify(userName)}`)}`;
}

/** `GET /Users?filter=externalId eq "…"` (externalId is caseExact, RFC 7643 §3.1). */
export function externalIdFilterPath(externalId: string): string {
  return `/Users?filter=${encodeURIComponent(`externalId eq ${JSON.stringify(externalId)}`)}`;
}

/** Longest filter (URL-encoded) one batched lookup sends: well inside the 8 KB request line most servers take. */
export const MAX_FILTER_URL_CHARS = 4000;

/** The encoded `externalId eq "…" or …` filter for several externalIds, with `count` so one page holds every answer. */
export function externalIdsFilterPath(externalIds: readonly string[], count: number): string {
  return `/Users?filter=${externalIdsFilter(externalIds)}&count=${count}`;
}

/** The URL-encoded filter alone, to measure it while a batch is built. */
export function externalIdsFilter(externalIds: readonly string[]): string {
  return encodeURIComponent(externalIds.map((id) => `externalId eq ${JSON.stringify(id)}`).join(' or '));
}
