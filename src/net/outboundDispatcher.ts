import { Agent, type Dispatcher, EnvHttpProxyAgent, ProxyAgent } from 'undici';
import type { ProxySetting } from './proxyRoute.js';
import type { TlsConnectOptions } from './tlsSettings.js';

export interface DispatcherOptions {
  proxy: ProxySetting;
  tls: TlsConnectOptions;
  /** Connections per origin. */
  connections: number;
  timeouts: { connectMs: number; headersMs: number; bodyMs: number };
}

/**
 * The undici dispatcher every outbound request uses (the SCIM service's and the roster
 * download's): undici's own ProxyAgent / EnvHttpProxyAgent for the proxy (a CONNECT tunnel for
 * https), with the TLS options applied to the service's connection (`requestTls`, inside the
 * tunnel) and to a direct one (`connect`) alike. The same ProxySetting tells `validate` and the
 * error messages which proxy was used (proxyRoute.ts), so what is said is what is done.
 */
export function outboundDispatcher(options: DispatcherOptions): Dispatcher {
  const { proxy, tls, connections, timeouts } = options;
  const connect = { ...tls, timeout: timeouts.connectMs };
  const common = { connections, headersTimeout: timeouts.headersMs, bodyTimeout: timeouts.bodyMs };
  // The proxy's own connection: the connect timeout (a proxy that doesn't answer must not hang a
  // run); an https proxy is verified against the same roots as the service.
  const proxyTls = { timeout: timeouts.connectMs, ...(tls.ca && { ca: tls.ca }) };
  switch (proxy.kind) {
    case 'direct':
      return new Agent({ ...common, connect });
    case 'fixed':
      return new ProxyAgent({ ...common, uri: proxy.url, requestTls: connect, proxyTls });
    case 'environment':
      // Every value passed explicitly (''= none), so undici never reads process.env itself and
      // the route validate reports is the one taken.
      return new EnvHttpProxyAgent({
        ...common,
        connect,
        requestTls: connect,
        proxyTls,
        httpProxy: proxy.httpProxy?.url ?? '',
        httpsProxy: proxy.httpsProxy?.url ?? proxy.httpProxy?.url ?? '',
        noProxy: proxy.noProxy,
      });
  }
}
