import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A certificate and its key, as PEM text, with the files they were written to. */
export interface Issued {
  cert: string;
  key: string;
  certFile: string;
  keyFile: string;
}

/**
 * A private PKI made with openssl for one test file: an internal CA, server certificates it
 * issues (for 127.0.0.1, for another host name, already expired), a self-signed one, and a
 * client certificate for mutual TLS. Real certificates, real verification by Node's TLS stack.
 */
export class TestPki {
  readonly dir = mkdtempSync(join(tmpdir(), 'scim-sync-pki-'));
  readonly ca: Issued;

  constructor() {
    this.ca = this.selfSigned('ca', 'scim-sync Test Internal CA');
  }

  /** A server certificate from the CA; `names` become its subjectAltName; `days` < 0: already expired. */
  server(name: string, names = ['IP:127.0.0.1', 'DNS:localhost'], days = 2): Issued {
    return this.issue(name, 'scim-sync test service', `subjectAltName=${names.join(',')}\nextendedKeyUsage=serverAuth\n`, days);
  }

  /** A client certificate from the CA (mutual TLS). */
  client(name: string): Issued {
    return this.issue(name, 'scim-sync test client', 'extendedKeyUsage=clientAuth\n', 2);
  }

  /** A certificate that signs itself, trusted by nobody. */
  selfSigned(name: string, subject = 'self-signed test service'): Issued {
    const keyFile = join(this.dir, `${name}.key`);
    const certFile = join(this.dir, `${name}.pem`);
    openssl([
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-days',
      '2',
      '-subj',
      `/CN=${subject}`,
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ]);
    return read(certFile, keyFile);
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** `days` < 0 makes a certificate whose validity ended before it began: expired as soon as it exists. */
  private issue(name: string, subject: string, extensions: string, days: number): Issued {
    const keyFile = join(this.dir, `${name}.key`);
    const csrFile = join(this.dir, `${name}.csr`);
    const certFile = join(this.dir, `${name}.pem`);
    const extFile = join(this.dir, `${name}.ext`);
    writeFileSync(extFile, extensions);
    openssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyFile, '-out', csrFile, '-subj', `/CN=${subject}`]);
    openssl([
      'x509',
      '-req',
      '-in',
      csrFile,
      '-CA',
      this.ca.certFile,
      '-CAkey',
      this.ca.keyFile,
      '-CAcreateserial',
      '-out',
      certFile,
      '-days',
      String(days),
      '-extfile',
      extFile,
    ]);
    return read(certFile, keyFile);
  }
}

function openssl(args: string[]): void {
  execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

function read(certFile: string, keyFile: string): Issued {
  return { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8'), certFile, keyFile };
}
