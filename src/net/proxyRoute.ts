import { redactUrl } from './redactUrl.js';

/**
 * Which proxy, if any, carries a request: the one decision both the HTTP dispatcher
 * (outboundDispatcher.ts) and what scim-sync says about it (`validate`, error messages) use.
 *
 * `target.proxy` set to a URL sends everything through it and ignores the environment
 * (HTTPS_PROXY, HTTP_PROXY and NO_PROXY); `none` sends everything direct. Unset, the environment
 * decides, the way curl and undici's EnvHttpProxyAgent read it: lower case before upper case,
 * HTTPS_PROXY for https URLs and HTTP_PROXY for http ones (and for https when HTTPS_PROXY is
 * unset), NO_PROXY a list of host names (a leading "." or "*." and a ":port" allowed; a host
 * matches itself and its subdomains), "*" meaning no proxy at all.
 */
export type ProxySetting =
  | { kind: 'direct'; why: string }
  | { kind: 'fixed'; url: string; from: string }
  | { kind: 'environment'; httpsProxy?: { url: string; from: string }; httpProxy?: { url: string; from: string }; noProxy: string; noProxyFrom?: string };

/** The environment variables that choose a proxy, as found when the config was loaded. */
export interface ProxyEnvironment {
  https_proxy?: string;
  HTTPS_PROXY?: string;
  http_proxy?: string;
  HTTP_PROXY?: string;
  no_proxy?: string;
  NO_PROXY?: string;
}

export const PROXY_VARIABLES = ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY', 'no_proxy', 'NO_PROXY'] as const;

/** Only the proxy variables of an environment (so a Config never carries the rest of it). */
export function proxyEnvironmentOf(env: NodeJS.ProcessEnv): ProxyEnvironment {
  const picked: ProxyEnvironment = {};
  for (const name of PROXY_VARIABLES) if (env[name] !== undefined) picked[name] = env[name];
  return picked;
}

/** `target.proxy` (a URL, `none`, or unset) and the environment → the setting in force. */
export function proxySetting(configured: string | undefined, env: ProxyEnvironment): ProxySetting {
  if (configured === 'none') return { kind: 'direct', why: 'target.proxy: none' };
  if (configured !== undefined) return { kind: 'fixed', url: configured, from: 'target.proxy' };
  const first = (...names: (keyof ProxyEnvironment)[]) => {
    for (const name of names) {
      const value = env[name];
      if (value !== undefined && value !== '') return { url: value, from: name };
    }
    return undefined;
  };
  const httpsProxy = first('https_proxy', 'HTTPS_PROXY');
  const httpProxy = first('http_proxy', 'HTTP_PROXY');
  if (!httpsProxy && !httpProxy) return { kind: 'direct', why: 'no HTTPS_PROXY or HTTP_PROXY in the environment' };
  const noProxy = first('no_proxy', 'NO_PROXY');
  return { kind: 'environment', httpsProxy, httpProxy, noProxy: noProxy?.url ?? '', noProxyFrom: noProxy?.from };
}

/** How one request goes: through which proxy (shown without credentials) and why, or direct and why. */
export type ProxyRoute = { proxy: string; proxyUrl: string; from: string } | { proxy?: undefined; why: string };

export function proxyRouteFor(setting: ProxySetting, target: URL): ProxyRoute {
  if (setting.kind === 'direct') return { why: setting.why };
  const via = (p: { url: string; from: string }): ProxyRoute => ({ proxy: redactUrl(p.url), proxyUrl: p.url, from: p.from });
  if (setting.kind === 'fixed') return via(setting);
  const excluded = noProxyMatch(setting.noProxy, target);
  if (excluded) return { why: `${setting.noProxyFrom ?? 'NO_PROXY'} lists "${excluded}"` };
  const chosen = target.protocol === 'https:' ? (setting.httpsProxy ?? setting.httpProxy) : setting.httpProxy;
  return chosen ? via(chosen) : { why: `no ${target.protocol === 'https:' ? 'HTTPS_PROXY' : 'HTTP_PROXY'} in the environment` };
}

const DEFAULT_PORTS: Record<string, number> = { 'http:': 80, 'https:': 443 };

/** The NO_PROXY entry that exempts `target`, if any (undici's EnvHttpProxyAgent rules). */
function noProxyMatch(noProxy: string, target: URL): string | undefined {
  if (noProxy === '*') return '*';
  const hostname = target.host.replace(/:\d*$/, '').toLowerCase();
  const port = Number.parseInt(target.port, 10) || DEFAULT_PORTS[target.protocol] || 0;
  for (const entry of noProxy.split(/[,\s]/)) {
    if (!entry) continue;
    const parsed = /^(.+):(\d+)$/.exec(entry);
    const host = (parsed ? parsed[1]! : entry).replace(/^\*?\./, '').toLowerCase();
    const entryPort = parsed ? Number.parseInt(parsed[2]!, 10) : 0;
    if (entryPort && entryPort !== port) continue;
    if (hostname === host || hostname.endsWith(`.${host}`)) return entry;
  }
  return undefined;
}
