import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../src/emulator/server.js';
import { TestPki } from '../support/certificates.js';
import { type RunningProxy, startForwardProxy } from '../support/forwardProxy.js';
import { TEST_TOKEN, Workspace } from '../support/workspace.js';
import { runCli } from './runCli.js';

describe('scim-sync validate prints the network path', () => {
  const INTERNAL = 'scim.internal.test';
  let pki: TestPki;
  let emulator: RunningEmulator;
  let proxy: RunningProxy;
  let ws: Workspace;
  beforeAll(async () => {
    pki = new TestPki();
    emulator = await startEmulator({ token: TEST_TOKEN, tls: pki.server('service', [`DNS:${INTERNAL}`]) });
    proxy = await startForwardProxy({ hosts: { [INTERNAL]: '127.0.0.1' } });
    ws = new Workspace();
    ws.writeRoster([{ employee_id: 'E1', email: 'ada@example.com', first_name: 'Ada', last_name: 'Lovelace' }]);
  });
  afterAll(async () => {
    await emulator.close();
    await proxy.close();
    ws.cleanup();
    pki.cleanup();
  });

  it('names the proxy each host goes through (without credentials), the TLS trust and result, and the roster read', async () => {
    const baseUrl = emulator.url.replace('127.0.0.1', INTERNAL);
    ws.writeConfig(baseUrl, { target: { caFile: pki.ca.certFile } });
    const proxyWithCredentials = proxy.url.replace('http://', 'http://me:Pr0xyPass@');
    const { code, stdout } = await runCli(['validate', '--config', ws.configPath], { SCIM_TOKEN: TEST_TOKEN, HTTPS_PROXY: proxyWithCredentials });
    expect(code).toBe(0);
    expect(stdout).toContain(
      `  service ${INTERNAL}:${emulator.port}: through the proxy ${proxy.url.replace('http://', 'http://[credentials removed]@')} (from HTTPS_PROXY)`,
    );
    expect(stdout).toContain(`  TLS trust: Node's default roots + ${pki.ca.certFile} (target.caFile)`);
    expect(stdout).toContain(`  TLS: ${INTERNAL}:${emulator.port}'s certificate verified`);
    expect(stdout).toMatch(/roster: .*roster\.csv \(\d+ bytes in \d+ ms\): 1 rows, 1 accepted, 0 rejected/);
    expect(stdout).not.toContain('Pr0xyPass');
  });

  it('without the CA, says the certificate is not trusted and which key to set', async () => {
    ws.writeConfig(emulator.url.replace('127.0.0.1', INTERNAL));
    const { code, stdout } = await runCli(['validate', '--config', ws.configPath], { SCIM_TOKEN: TEST_TOKEN, HTTPS_PROXY: proxy.url });
    expect(code).toBe(1);
    expect(stdout).toContain(`the certificate of ${INTERNAL}:${emulator.port} was issued by a CA this host does not trust`);
    expect(stdout).toContain('set target.caFile');
  });
});
