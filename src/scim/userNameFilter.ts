/** `GET /Users?filter=userName eq "…"`, quoting per RFC 7644 §3.4.2.2 (JSON string rules). */
export function userNameFilterPath(userName: string): string {
  return `/Users?filter=${encodeURIComponent(`userName eq ${JSON.stringify(userName)}`)}`;
}

/** `GET /Users?filter=externalId eq "…"` (externalId is caseExact, RFC 7643 §3.1). */
export function externalIdFilterPath(externalId: string): string {
  return `/Users?filter=${encodeURIComponent(`externalId eq ${JSON.stringify(externalId)}`)}`;
}
