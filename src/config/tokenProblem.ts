/**
 * What is wrong with a token's characters, or undefined when it can be sent. A bearer token
 * (RFC 6750) is visible ASCII only; anything else (a line break from a pasted or badly written
 * secret, a space, a control or non-ASCII character) makes the Authorization header invalid,
 * and the HTTP client refuses every request. Checked at load so the admin gets a config error
 * naming the key, instead of a run that fails far from the cause. Never quotes the token.
 */
export function tokenProblem(token: string): string | undefined {
  if (/^bearer\s/i.test(token)) return 'starts with "Bearer ": give the token alone, scim-sync adds the "Bearer " itself';
  for (let i = 0; i < token.length; i++) {
    const code = token.charCodeAt(i);
    if (code >= 0x21 && code <= 0x7e) continue;
    const what =
      code === 0x0a || code === 0x0d
        ? 'a line break'
        : code === 0x20 || code === 0x09
          ? 'a space or tab'
          : code < 0x20 || code === 0x7f
            ? 'a control character'
            : 'a non-ASCII character';
    return `the token has ${what} at character ${i + 1}, which an HTTP header can't carry; a token is letters, digits and visible punctuation only (check how the secret was written or pasted)`;
  }
  return undefined;
}
