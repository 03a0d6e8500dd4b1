/**
 * A URL as scim-sync may show it (logs, errors, reports, `validate`): without the user name and
 * password before "@" (a proxy's `http://user:pass@proxy:3128`), and with the value of any query
 * parameter whose name says it is a secret (`?api_key=…`, `&token=…`) replaced. Text that isn't a
 * URL is not repeated at all: it might be one with a typo, credentials included.
 */
export function redactUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return '(not a valid URL; not shown)';
  }
  const hadCredentials = url.username !== '' || url.password !== '';
  url.username = '';
  url.password = '';
  for (const name of [...url.searchParams.keys()]) {
    if (SECRET_PARAMETER.test(name)) url.searchParams.set(name, 'redacted');
  }
  const shown = url.href;
  // `new URL('http://proxy:3128').href` adds a "/" the admin didn't write; keep what they wrote.
  const bare = !/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*[/?#]/i.test(text) && url.pathname === '/' && url.search === '' && url.hash === '';
  const result = bare ? shown.replace(/\/$/, '') : shown;
  return hadCredentials ? result.replace('://', '://[credentials removed]@') : result;
}

const SECRET_PARAMETER = /token|key|secret|pass|sig|auth|credential/i;
