/**
 * What a failed connection says about the network path, for the failures no retry can fix: a
 * certificate the client won't trust (or that the server won't take from us), and a proxy that
 * refuses or can't be reached. Pure: it reads the error (and its causes) and the route taken.
 *
 * Each explanation names the host (and the proxy, without credentials), the reason in words, and
 * the key that fixes it: the admin's next step, not a code to look up.
 */
export interface ConnectionFailure {
  /** The code found (CERT_HAS_EXPIRED, PROXY_407, …), for reports and logs. */
  code: string;
  /** One sentence for the admin. */
  detail: string;
  /** Whether every further request would fail the same way (stop the run) or a retry may work. */
  fatal: boolean;
}

/** Where the failed request went: `host:port` of the service, and the proxy used, if any. */
export interface FailedPath {
  host: string;
  /** The proxy URL without credentials, when the request went through one. */
  proxy?: string;
  /** Which setting chose that proxy (target.proxy, HTTPS_PROXY, …). */
  proxyFrom?: string;
}

const CA_ADVICE = "set target.caFile to the PEM file of the CA that issued it (your internal CA, or your TLS-inspecting proxy's CA)";

/** Node's / OpenSSL's verification codes, in words. */
const CERTIFICATE_REASONS: Record<string, { reason: string; advice: string }> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: { reason: 'is self-signed', advice: CA_ADVICE.replace('the CA that issued it', 'that certificate') },
  SELF_SIGNED_CERT_IN_CHAIN: { reason: 'chains up to a self-signed CA this host does not trust', advice: CA_ADVICE },
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: { reason: 'was issued by a CA this host does not trust (UNABLE_TO_VERIFY_LEAF_SIGNATURE)', advice: CA_ADVICE },
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: { reason: 'was issued by a CA this host does not trust', advice: CA_ADVICE },
  UNABLE_TO_GET_ISSUER_CERT: { reason: 'was issued by a CA this host does not trust', advice: CA_ADVICE },
  CERT_UNTRUSTED: { reason: 'is not trusted', advice: CA_ADVICE },
  CERT_SIGNATURE_FAILURE: {
    reason: 'has a signature that does not verify',
    advice: 'check that the service (or a proxy) is not tampering with the connection',
  },
  CERT_HAS_EXPIRED: { reason: 'has expired', advice: "the service's certificate must be renewed (also check this host's clock)" },
  CERT_NOT_YET_VALID: { reason: 'is not valid yet', advice: "check this host's clock" },
  CERT_REVOKED: { reason: 'has been revoked', advice: "the service's certificate must be replaced" },
  ERR_TLS_CERT_ALTNAME_INVALID: {
    reason: 'was issued for another host name',
    advice: 'use the host name the certificate names in the URL (target.baseUrl / source.url)',
  },
};

/** The TLS or proxy problem behind `error`, or undefined for an ordinary network failure. */
export function connectionFailure(error: unknown, path: FailedPath): ConnectionFailure | undefined {
  const chain = causeChain(error);
  const tlsCode = chain.map((e) => e.code).find((code): code is string => code !== undefined && (code in CERTIFICATE_REASONS || /^ERR_SSL_/.test(code)));
  if (tlsCode !== undefined) {
    const known = CERTIFICATE_REASONS[tlsCode];
    if (known) {
      return { code: tlsCode, fatal: true, detail: `TLS: the certificate of ${path.host} ${known.reason} (${tlsCode}); ${known.advice}` };
    }
    return {
      code: tlsCode,
      fatal: true,
      detail:
        `TLS: the handshake with ${path.host} failed (${tlsCode}); if the service requires a client certificate, ` +
        'set target.clientCertFile and target.clientKeyFile (mutual TLS)',
    };
  }
  if (path.proxy === undefined) return undefined;
  const proxy = `the proxy ${path.proxy} (from ${path.proxyFrom ?? 'target.proxy'})`;
  const refused = chain.map((e) => /Proxy response \((\d+)\)/.exec(e.message ?? '')).find((m) => m !== null);
  if (refused) {
    const status = Number(refused[1]);
    if (status === 407) {
      return {
        code: 'PROXY_407',
        fatal: true,
        detail: `${proxy} asks for credentials (407) to reach ${path.host}: put them in the proxy URL (http://user:password@proxy:3128)`,
      };
    }
    if (status >= 500) {
      // The proxy is there but could not reach the service this time: like a 502, worth a retry.
      return { code: `PROXY_${status}`, fatal: false, detail: `${proxy} could not reach ${path.host} (${status})` };
    }
    return {
      code: `PROXY_${status}`,
      fatal: true,
      detail: `${proxy} refused the connection to ${path.host} (${status}): ask for ${path.host} to be allowed, or list it in NO_PROXY`,
    };
  }
  const unreachable = chain.map((e) => e.code).find((code) => code !== undefined && PROXY_UNREACHABLE.has(code));
  if (unreachable) {
    return {
      code: unreachable,
      fatal: true,
      detail: `${proxy} can't be reached (${unreachable}); check the proxy's address, or set target.proxy: none if ${path.host} is reached directly`,
    };
  }
  return undefined;
}

/**
 * With a proxy in the path, the only connection scim-sync itself opens is to the proxy: a refused,
 * unresolvable or silent one is the proxy's, and 1,000 retries won't bring it back.
 */
const PROXY_UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

function causeChain(error: unknown): { code?: string; message?: string }[] {
  const chain: { code?: string; message?: string }[] = [];
  for (let e = error as { code?: unknown; message?: unknown; cause?: unknown } | undefined; e && chain.length < 8; e = e.cause as typeof e) {
    if (typeof e !== 'object') break;
    chain.push({ code: typeof e.code === 'string' ? e.code : undefined, message: typeof e.message === 'string' ? e.message : undefined });
  }
  return chain;
}
