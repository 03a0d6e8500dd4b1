import type { FieldChange } from '../domain/types.js';

/** `GET /Users?filter=userName eq "…"`, quoting per RFC 7644 §3.4.2.2 (JSON string rules). */
export function userNameFilterPath(userName: string): string {
  return `/Users?filter=${encodeURIComponent(`userName eq ${JSON.stringify(userName)}`)}`;
}

/** "givenName: Robert → Bob" for reports and tables. */
export function describeChanges(changes: readonly FieldChange[]): string {
  const show = (v: FieldChange['from']) => (v === undefined ? '(none)' : Array.isArray(v) ? v.join(';') : String(v));
  return changes.map((c) => `${c.field.replace(/^name\./, '')}: ${show(c.from)} → ${show(c.to)}`).join(', ');
}
