/**
 * The key userNames are compared by. They are emails: case-insensitive (RFC 7643 marks userName
 * caseExact=false), and one Unicode form, so "josé" typed on a Mac (NFD) and exported from HR
 * (NFC) are the same person rather than a leaver plus a new hire.
 */
export function userNameKey(userName: string): string {
  return userName.trim().normalize('NFC').toLowerCase();
}
