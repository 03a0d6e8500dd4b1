/** userNames are emails: compare case-insensitively (RFC 7643 marks userName caseExact=false). */
export function userNameKey(userName: string): string {
  return userName.trim().toLowerCase();
}
