import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/loadConfig.js';
import { type RunningEmulator, startEmulator } from '../../src/emulator/server.js';
import { runSync } from '../../src/run/runSync.js';
import { type Issued, TestPki } from '../support/certificates.js';
import { type RunningProxy, startForwardProxy } from '../support/forwardProxy.js';
import { TEST_TOKEN, Workspace } from '../support/workspace.js';

/**
 * Where admins run it: behind a forward proxy, with a service whose certificate an internal CA
 * issued. Real parts only: an HTTPS emulator with an openssl-made certificate, a CONNECT proxy
 * in the test, Node's own TLS verification.
 */
describe('runSync through a proxy, to a service with an internal CA', () => {
  /** A name only the proxy resolves: a request that bypassed the proxy could not reach the service. */
  const INTERNAL = 'scim.internal.test';
  let pki: TestPki;
  let serviceCert: Issued;
  let ws: Workspace;
  let emulator: RunningEmulator | undefined;
  let proxy: RunningProxy | undefined;

  beforeAll(() => {
    pki = new TestPki();
    serviceCert = pki.server('service', [`DNS:${INTERNAL}`, 'IP:127.0.0.1']);
  });
  afterAll(() => pki.cleanup());
  afterEach(async () => {
    await emulator?.close();
    await proxy?.close();
    emulator = proxy = undefined;
    ws.cleanup();
  });

  const roster = () =>
    ws.writeRoster([
      { employee_id: 'E1', email: 'ada@example.com', first_name: 'Ada', last_name: 'Lovelace' },
      { employee_id: 'E2', email: 'alan@example.com', first_name: 'Alan', last_name: 'Turing' },
    ]);
  /** Loads the config with the given environment, as the CLI would find it. */
  const configWith = (baseUrl: string, overrides: Record<string, unknown>, env: Record<string, string> = {}) => {
    ws.writeConfig(baseUrl, overrides);
    return loadConfig(ws.configPath, { SCIM_TOKEN: TEST_TOKEN, ...env });
  };
  const start = async (tls: { cert: string; key: string; clientCa?: string } = serviceCert) => {
    ws = new Workspace();
    roster();
    emulator = await startEmulator({ token: TEST_TOKEN, tls });
    return emulator;
  };
  const internalUrl = (em: RunningEmulator) => em.url.replace('127.0.0.1', INTERNAL);

  it('runs through HTTPS_PROXY with target.caFile: every request goes through the proxy, which alone can reach the service', async () => {
    const em = await start();
    proxy = await startForwardProxy({ hosts: { [INTERNAL]: '127.0.0.1' } });
    const config = configWith(internalUrl(em), { target: { caFile: pki.ca.certFile } }, { HTTPS_PROXY: proxy.url });
    const { exitCode, report } = await runSync(config, { dryRun: false }, ws.logger);
    expect(report.error).toBeUndefined();
    expect(exitCode).toBe(0);
    expect(em.store.list().map((u) => u.userName)).toEqual(['ada@example.com', 'alan@example.com']);
    // Every request arrived, and every connection was a tunnel the proxy opened to the internal name.
    expect(em.requestLog).toHaveLength(report.requests.total);
    expect(proxy.log.length).toBeGreaterThan(0);
    expect(proxy.log.every((e) => e.method === 'CONNECT' && e.target === `${INTERNAL}:${em.port}` && e.status === 200)).toBe(true);
  });

  it('target.proxy overrides the environment, and credentials in its URL reach the proxy but no log or report', async () => {
    const em = await start();
    proxy = await startForwardProxy({ hosts: { [INTERNAL]: '127.0.0.1' }, credentials: { username: 'svc-sync', password: 'pr0xy-S3CRET' } });
    const withCredentials = proxy.url.replace('http://', 'http://svc-sync:pr0xy-S3CRET@');
    const config = configWith(internalUrl(em), { target: { caFile: pki.ca.certFile, proxy: withCredentials } }, { HTTPS_PROXY: 'http://127.0.0.1:9' });
    const { exitCode, report } = await runSync(config, { dryRun: false }, ws.logger);
    expect(exitCode).toBe(0);
    expect(proxy.log.every((e) => e.status === 200 && e.proxyAuthorization?.startsWith('Basic '))).toBe(true);
    expect(JSON.stringify(report) + ws.logLines.join('')).not.toContain('pr0xy-S3CRET');
  });

  it('without target.caFile the certificate error names the host, the reason and the key to set, after one attempt (not five)', async () => {
    const em = await start();
    proxy = await startForwardProxy({ hosts: { [INTERNAL]: '127.0.0.1' } });
    const config = configWith(internalUrl(em), {}, { HTTPS_PROXY: proxy.url });
    const { exitCode, report } = await runSync(config, { dryRun: false }, ws.logger);
    expect(exitCode).toBe(1);
    expect(report.error).toContain(`TLS: the certificate of ${INTERNAL}:${em.port} was issued by a CA this host does not trust`);
    expect(report.error).toContain('set target.caFile');
    expect(report.requests).toMatchObject({ total: 1, retries: 0 });
    expect(proxy.log).toHaveLength(1);
    expect(em.writeCount()).toBe(0);
  });

  it('NO_PROXY sends the listed host direct: the proxy sees nothing', async () => {
    const em = await start();
    proxy = await startForwardProxy();
    const config = configWith(em.url, { target: { caFile: pki.ca.certFile } }, { HTTPS_PROXY: proxy.url, NO_PROXY: 'example.com,127.0.0.1' });
    const { exitCode } = await runSync(config, { dryRun: false }, ws.logger);
    expect(exitCode).toBe(0);
    expect(em.store.size).toBe(2);
    expect(proxy.log).toEqual([]);
  });

  it.each([
    ['asks for credentials (407)', { credentials: { username: 'u', password: 'p' } }, 'asks for credentials (407)'],
    ['forbids the destination (403)', { refuseWith: 403 }, 'refused the connection to'],
  ])('a proxy that %s stops the run at once, naming the proxy without credentials', async (_what, behaviour, expected) => {
    const em = await start();
    proxy = await startForwardProxy({ hosts: { [INTERNAL]: '127.0.0.1' }, ...behaviour });
    const shown = proxy.url;
    const config = configWith(internalUrl(em), { target: { caFile: pki.ca.certFile } }, { https_proxy: proxy.url.replace('http://', 'http://wrong:guess@') });
    const { exitCode, report } = await runSync(config, { dryRun: false }, ws.logger);
    expect(exitCode).toBe(1);
    expect(report.error).toContain(`the proxy ${shown.replace('http://', 'http://[credentials removed]@')} (from https_proxy)`);
    expect(report.error).toContain(expected);
    expect(report.error).not.toContain('guess');
    expect(report.requests).toMatchObject({ total: 1, retries: 0 });
    expect(proxy.log).toHaveLength(1);
  });

  it('a proxy that is not there (connection refused) is run-fatal, not retried until the budget is gone', async () => {
    const em = await start();
    const gone = await startForwardProxy();
    await gone.close();
    const config = configWith(em.url, { target: { caFile: pki.ca.certFile, proxy: gone.url } });
    const { exitCode, report } = await runSync(config, { dryRun: false }, ws.logger);
    expect(exitCode).toBe(1);
    expect(report.error).toContain(`the proxy ${gone.url} (from target.proxy) can't be reached (ECONNREFUSED)`);
    expect(report.requests).toMatchObject({ total: 1, retries: 0 });
  });
});

describe('runSync and certificate errors (no proxy)', () => {
  let pki: TestPki;
  let ws: Workspace;
  let emulator: RunningEmulator | undefined;
  beforeAll(() => {
    pki = new TestPki();
  });
  afterAll(() => pki.cleanup());
  afterEach(async () => {
    await emulator?.close();
    emulator = undefined;
    ws.cleanup();
  });

  const runAgainst = async (tls: { cert: string; key: string; clientCa?: string; maxVersion?: 'TLSv1.2' }, target: Record<string, unknown> = {}) => {
    ws = new Workspace();
    ws.writeRoster([{ employee_id: 'E1', email: 'ada@example.com', first_name: 'Ada', last_name: 'Lovelace' }]);
    emulator = await startEmulator({ token: TEST_TOKEN, tls });
    return runSync(ws.config(emulator.url, { target: { retry: { maxAttempts: 5 }, ...target } }), { dryRun: false }, ws.logger);
  };

  it.each([
    ['self-signed', () => pki.selfSigned('self'), {}, 'is self-signed (DEPTH_ZERO_SELF_SIGNED_CERT)', 'set target.caFile'],
    ['expired', () => pki.server('expired', ['IP:127.0.0.1'], -1), { caFile: 'CA' }, 'has expired (CERT_HAS_EXPIRED)', 'must be renewed'],
    [
      'for another host',
      () => pki.server('other', ['DNS:other.example.com']),
      { caFile: 'CA' },
      'was issued for another host name (ERR_TLS_CERT_ALTNAME_INVALID)',
      'target.baseUrl',
    ],
  ])(
    'a %s certificate stops the run after one attempt, naming host, reason and what to do; the report counts it right',
    async (_what, cert, target, reason, advice) => {
      const issued = cert();
      const { exitCode, report } = await runAgainst(issued, 'caFile' in target ? { caFile: pki.ca.certFile } : {});
      expect(exitCode).toBe(1);
      expect(report.error).toContain(`TLS: the certificate of 127.0.0.1:${emulator!.port} ${reason}`);
      expect(report.error).toContain(advice);
      expect(report.requests).toEqual({ total: 1, byMethod: { GET: 1 }, retries: 0, throttled: 0 });
    },
  );

  it('a transient failure is retried and every retry is counted in the report', async () => {
    ws = new Workspace();
    ws.writeRoster([{ employee_id: 'E1', email: 'ada@example.com', first_name: 'Ada', last_name: 'Lovelace' }]);
    emulator = await startEmulator({ token: TEST_TOKEN, faults: { rules: [{ method: 'GET', every: 1, action: { type: 'status', status: 503 } }] } });
    const { exitCode, report } = await runSync(ws.config(emulator.url, { target: { retry: { maxAttempts: 4 } } }), { dryRun: false }, ws.logger);
    expect(exitCode).toBe(1);
    expect(emulator.requestLog).toHaveLength(4);
    expect(report.requests).toMatchObject({ total: 4, retries: 3 });
  });

  it('mutual TLS: without a client certificate the error points at target.clientCertFile; with one the run succeeds', async () => {
    const server = pki.server('mtls');
    // TLS 1.2, where the refusal is part of the handshake (under 1.3 the client only sees a closed connection).
    const refused = await runAgainst({ ...server, clientCa: pki.ca.cert, maxVersion: 'TLSv1.2' }, { caFile: pki.ca.certFile });
    expect(refused.exitCode).toBe(1);
    expect(refused.report.error).toMatch(/TLS: the handshake with 127\.0\.0\.1:\d+ failed \(ERR_SSL_\w+\); .*target\.clientCertFile and target\.clientKeyFile/);
    expect(refused.report.requests).toMatchObject({ total: 1, retries: 0 });
    await emulator!.close();
    ws.cleanup();

    const client = pki.client('client');
    const { exitCode } = await runAgainst(
      { ...server, clientCa: pki.ca.cert },
      { caFile: pki.ca.certFile, clientCertFile: client.certFile, clientKeyFile: client.keyFile },
    );
    expect(exitCode).toBe(0);
    expect(emulator!.store.size).toBe(1);
  });

  it('target.insecureSkipVerify accepts a self-signed certificate and says so in a warning on every run', async () => {
    const { exitCode } = await runAgainst(pki.selfSigned('self2'), { insecureSkipVerify: true });
    expect(exitCode).toBe(0);
    const warnings = ws.logLines
      .map((l) => JSON.parse(l) as { level: number; msg: string })
      .filter((l) => l.level === 40 && l.msg.includes('insecureSkipVerify'));
    expect(warnings).toHaveLength(1);
  });
});
