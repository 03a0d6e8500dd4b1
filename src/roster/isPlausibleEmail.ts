/**
 * Plausibility, not RFC 5322: exactly one '@', a non-empty local part, a domain of at least two
 * non-empty dot-separated labels, and no whitespace anywhere. This catches the usual export
 * mistakes (a name or an employee number in the email column, a missing domain, two addresses
 * in one cell) without refusing unusual but valid addresses; the SCIM service has the last word.
 */
const PLAUSIBLE_EMAIL = /^[^\s@]+@[^\s@.]+(?:\.[^\s@.]+)+$/;

export function isPlausibleEmail(value: string): boolean {
  return PLAUSIBLE_EMAIL.test(value);
}
