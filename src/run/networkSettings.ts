import type { Config } from '../config/loadConfig.js';
import { type ProxySetting, proxySetting } from '../net/proxyRoute.js';
import { type TlsConnectOptions, tlsConnectOptions } from '../net/tlsSettings.js';

/** One network path: which proxy, and what TLS trusts and presents. */
export interface NetworkSettings {
  proxy: ProxySetting;
  tls: TlsConnectOptions;
}

/**
 * The SCIM service's path: target.proxy (or the environment), target.caFile, the client
 * certificate for mutual TLS, target.insecureSkipVerify.
 */
export function serviceNetwork(config: Config): NetworkSettings {
  return { proxy: proxySetting(config.target.proxy, config.proxyEnvironment), tls: tlsConnectOptions(config.target, true) };
}

/**
 * The roster download's path: the same proxy and trust as the service (an internal CA signs the
 * HR system's certificate as often as the SCIM service's), but not the client certificate, which
 * belongs to the SCIM service and is not handed to another server.
 */
export function rosterNetwork(config: Config): NetworkSettings {
  return { proxy: proxySetting(config.target.proxy, config.proxyEnvironment), tls: tlsConnectOptions(config.target, false) };
}

/** The warning every run logs (and `validate` prints) while certificate checks are off. */
export const INSECURE_SKIP_VERIFY_WARNING =
  'target.insecureSkipVerify is true: certificates are NOT verified, so anyone between this host and the service (or the roster URL) can read the token and the roster; set target.caFile instead';
