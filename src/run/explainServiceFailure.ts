import { ScimRequestError } from '../scim/errors.js';

/**
 * A failure to reach or read the service, said so the admin knows what to do next: the full URL
 * tried (the base URL never holds a credential: it is refused at load; the token is a header and
 * never part of it) and the setting to check. Other failures keep their own message.
 */
export function explainServiceFailure(error: unknown, baseUrl: string): string {
  if (!(error instanceof ScimRequestError)) return (error as Error).message;
  const url = fullUrl(baseUrl, error.path);
  const code = error.networkCode;
  // A detail on a failure without an answer is scim-sync's own explanation already (the proxy
  // that can't be reached, the certificate, the limit hit): it says more than the bare code.
  if (code !== undefined && CONNECT_FAILURES[code] !== undefined && error.detail === undefined) {
    return `${error.method} ${url} failed: ${code} (${CONNECT_FAILURES[code]}) — is the service up, and is target.baseUrl right?`;
  }
  // A 404 where the service's own endpoints should be: the base URL doesn't point at a SCIM root.
  // (Postman answers it with "This person isn't a member of the team", which points the wrong way.)
  if (error.httpStatus === 404 && /^\/Users(\?|$)/.test(error.path)) {
    const trailing = /\/Users\/?$/i.test(baseUrl) ? `; it ends in /Users: remove that, scim-sync adds /Users itself` : '';
    return (
      `${error.method} ${url} answered 404${error.detail ? ` (${JSON.stringify(error.detail)})` : ''}: target.baseUrl looks wrong — ` +
      `it must be the SCIM root that /Users is under, e.g. https://api.getpostman.com/scim/v2${trailing}`
    );
  }
  return error.message;
}

/** Network errors that mean no connection was made at all, in words. */
const CONNECT_FAILURES: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused: nothing listens on that host and port',
  ENOTFOUND: 'no such host name',
  EAI_AGAIN: 'the host name could not be looked up (DNS)',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  UND_ERR_CONNECT_TIMEOUT: 'no answer to the connection attempt within target.timeouts.connectMs',
};

function fullUrl(baseUrl: string, path: string): string {
  return baseUrl.replace(/\/+$/, '') + (path.startsWith('/') ? path : `/${path}`);
}
