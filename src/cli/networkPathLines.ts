import type { Config } from '../config/loadConfig.js';
import { proxyRouteFor } from '../net/proxyRoute.js';
import { redactUrl } from '../net/redactUrl.js';
import { INSECURE_SKIP_VERIFY_WARNING, serviceNetwork } from '../run/networkSettings.js';

/**
 * What `validate` says about the way out, before it touches anything: which proxy each host is
 * reached through (or why directly), and what TLS trusts and presents. Proxy URLs are shown
 * without credentials.
 */
export function describeNetworkPath(config: Config): string[] {
  const { proxy } = serviceNetwork(config);
  const hosts = [{ what: 'service', url: config.target.baseUrl }];
  if (config.source.url !== undefined) hosts.push({ what: 'roster', url: config.source.url });
  const lines = ['network:'];
  for (const { what, url } of hosts) {
    const target = new URL(url);
    const route = proxyRouteFor(proxy, target);
    const via = route.proxy !== undefined ? `through the proxy ${route.proxy} (from ${route.from})` : `direct (${route.why})`;
    lines.push(`  ${what} ${target.host}: ${via}`);
  }
  const { caFile, clientCertFile, insecureSkipVerify } = config.target;
  lines.push(
    `  TLS trust: Node's default roots${caFile ? ` + ${caFile} (target.caFile)` : ''}${process.env.NODE_EXTRA_CA_CERTS ? ' + NODE_EXTRA_CA_CERTS' : ''}`,
  );
  if (clientCertFile) lines.push(`  TLS client certificate: ${clientCertFile} (target.clientCertFile; sent to the service only)`);
  if (insecureSkipVerify) lines.push(`  warning: ${INSECURE_SKIP_VERIFY_WARNING}`);
  if (config.source.url !== undefined) lines.push(`  roster URL: ${redactUrl(config.source.url)}`);
  return lines;
}

/** After the first answer from the service: what its TLS connection proved. */
export function tlsResult(config: Config): string {
  const url = new URL(config.target.baseUrl);
  if (url.protocol !== 'https:') return `TLS: none (plain http to ${url.host})`;
  if (config.target.insecureSkipVerify) return `TLS: connected to ${url.host}, certificate NOT verified (target.insecureSkipVerify)`;
  return `TLS: ${url.host}'s certificate verified${config.target.clientCertFile ? '; client certificate accepted' : ''}`;
}
