import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';

/**
 * The TLS side of the network path (`target.caFile`, `target.clientCertFile` / `clientKeyFile`,
 * `target.insecureSkipVerify`). Files hold paths only; they are read when a connection is set
 * up, so a Config never holds a private key.
 */
export interface TlsSettings {
  /** PEM bundle trusted in addition to Node's default roots (like NODE_EXTRA_CA_CERTS). */
  caFile?: string;
  /** Client certificate and key (PEM) for services that require mutual TLS. */
  clientCertFile?: string;
  clientKeyFile?: string;
  /** Accept any certificate. Logged as a warning on every run; never the default. */
  insecureSkipVerify?: boolean;
}

/** Options for Node's `tls.connect` (through undici's connector). */
export interface TlsConnectOptions {
  ca?: string[];
  cert?: string;
  key?: string;
  rejectUnauthorized?: boolean;
}

/**
 * `ca` replaces Node's roots rather than adding to them, so the default roots are passed along:
 * the CA file adds an internal CA, it doesn't make public services fail. (NODE_EXTRA_CA_CERTS,
 * if set, is part of neither list, but Node applies it to every connection anyway.)
 */
export function tlsConnectOptions(settings: TlsSettings, withClientCertificate: boolean): TlsConnectOptions {
  const options: TlsConnectOptions = {};
  if (settings.caFile !== undefined) options.ca = [...rootCertificates, readFileSync(settings.caFile, 'utf8')];
  if (withClientCertificate && settings.clientCertFile !== undefined && settings.clientKeyFile !== undefined) {
    options.cert = readFileSync(settings.clientCertFile, 'utf8');
    options.key = readFileSync(settings.clientKeyFile, 'utf8');
  }
  if (settings.insecureSkipVerify === true) options.rejectUnauthorized = false;
  return options;
}
