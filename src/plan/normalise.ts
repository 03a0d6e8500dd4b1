/** Keys and values compared the way people mean them, so nothing flaps between runs. */

/** userNames are emails: compare case-insensitively (RFC 7643 marks userName caseExact=false). */
export function userNameKey(userName: string): string {
  return userName.trim().toLowerCase();
}

/** Names are case-meaningful ("Mcdonald" → "McDonald" is a real fix) but whitespace and Unicode form are not. */
export function sameName(a: string | undefined, b: string | undefined): boolean {
  return canonicalName(a) === canonicalName(b);
}

function canonicalName(value: string | undefined): string {
  return (value ?? '').normalize('NFC').replace(/\s+/g, ' ').trim();
}
