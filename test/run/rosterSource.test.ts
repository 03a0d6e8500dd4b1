import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/loadConfig.js';
import { type RunningEmulator, startEmulator } from '../../src/emulator/server.js';
import { runSync } from '../../src/run/runSync.js';
import { CLI } from '../cli/runCli.js';
import { TestPki } from '../support/certificates.js';
import { type RunningProxy, startForwardProxy } from '../support/forwardProxy.js';
import { TEST_TOKEN, Workspace } from '../support/workspace.js';

const CSV = [
  'employee_id,email,first_name,last_name,status',
  ...Array.from({ length: 40 }, (_, i) => `E${i},user${i}@example.com,First${i},Last${i},active`),
].join('\n');
const USER = 'ISU_scim';
const PASSWORD = 'wd-Pa55-SECRET';
const ETAG = '"roster-v1"';

type Mode = 'csv' | 'cut' | 'html' | 'html-as-csv';

/** An HR system's report URL on 127.0.0.1 (HTTPS, internal CA, Basic auth), serving the roster the way it's told. */
async function startRosterServer(cert: { cert: string; key: string }, state: { mode: Mode; requests: { auth?: string; ifNoneMatch?: string }[] }) {
  const expected = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;
  const server: Server = createServer(cert, (req, res) => {
    state.requests.push({ auth: req.headers.authorization, ifNoneMatch: req.headers['if-none-match'] });
    if (req.headers.authorization !== expected) return void res.writeHead(401, { 'www-authenticate': 'Basic' }).end('unauthorized');
    if (req.headers['if-none-match'] === ETAG) return void res.writeHead(304, { etag: ETAG }).end();
    const body = Buffer.from(CSV);
    if (state.mode === 'html' || state.mode === 'html-as-csv') {
      const page = '<!DOCTYPE html><html><head><title>Sign in</title></head><body>Workday sign-in</body></html>';
      return void res.writeHead(200, { 'content-type': state.mode === 'html' ? 'text/html; charset=utf-8' : 'text/csv' }).end(page);
    }
    res.writeHead(200, { 'content-type': 'text/csv', 'content-length': body.length, etag: ETAG });
    if (state.mode === 'cut') {
      // Half the rows, then the server goes away: the rest of the team would look like leavers.
      res.write(body.subarray(0, Math.floor(body.length / 2)), () => setTimeout(() => res.socket?.destroy(), 20));
      return;
    }
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `https://127.0.0.1:${port}/ccx/service/customreport2/acme/ISU/Roster?format=csv`,
    close: () => new Promise<void>((resolve) => (server.close(() => resolve()), server.closeAllConnections())),
  };
}

describe('a roster from source.url, downloaded over HTTPS with basic auth', () => {
  let pki: TestPki;
  let ws: Workspace;
  let emulator: RunningEmulator;
  let hr: { url: string; close(): Promise<void> };
  let proxy: RunningProxy | undefined;
  const state: { mode: Mode; requests: { auth?: string; ifNoneMatch?: string }[] } = { mode: 'csv', requests: [] };

  beforeAll(async () => {
    pki = new TestPki();
    hr = await startRosterServer(pki.server('hr'), state);
  });
  afterAll(async () => {
    await hr.close();
    pki.cleanup();
  });
  afterEach(async () => {
    await emulator?.close();
    await proxy?.close();
    proxy = undefined;
    ws.cleanup();
    state.mode = 'csv';
    state.requests = [];
  });

  const setUp = async (source: Record<string, unknown> = {}, env: Record<string, string> = {}, sync: Record<string, unknown> = {}) => {
    ws = new Workspace();
    emulator = await startEmulator({ token: TEST_TOKEN });
    ws.writeConfig(emulator.url, {
      source: { path: undefined, url: hr.url, auth: { basic: { username: USER, password: '${WD_PASSWORD}' } }, ...source },
      target: { caFile: pki.ca.certFile },
      sync,
    });
    return loadConfig(ws.configPath, { SCIM_TOKEN: TEST_TOKEN, WD_PASSWORD: PASSWORD, ...env });
  };

  it('a normal run streams the download into the roster, through the proxy, and names the URL in the report', async () => {
    proxy = await startForwardProxy();
    const config = await setUp();
    const { exitCode, report } = await runSync({ ...config, target: { ...config.target, proxy: proxy.url } }, { dryRun: false }, ws.logger);
    expect(exitCode).toBe(0);
    expect(report.roster).toMatchObject({ file: hr.url, rows: 40, accepted: 40 });
    expect(emulator.store.size).toBe(40);
    expect(proxy.log.some((e) => e.method === 'CONNECT' && hr.url.includes(e.target))).toBe(true);
    expect(JSON.stringify(report) + ws.logLines.join('')).not.toContain(PASSWORD);
  });

  it('a 401 makes the roster unusable: exit 2, nothing sent, the error names the URL and source.auth', async () => {
    const config = await setUp({}, { WD_PASSWORD: 'wrong' });
    const { exitCode, report } = await runSync(config, { dryRun: false }, ws.logger);
    expect(exitCode).toBe(2);
    expect(report.error).toBe(`${hr.url} could not be downloaded: the server answered 401 (not authenticated: check source.auth); nothing was used`);
    expect(emulator.requestLog).toEqual([]);
  });

  it('a body cut off in the middle (fewer bytes than Content-Length) is never planned: exit 2, nothing sent', async () => {
    const config = await setUp();
    state.mode = 'cut';
    const { exitCode, report } = await runSync(config, { dryRun: false }, ws.logger);
    expect(exitCode).toBe(2);
    expect(report.error).toMatch(new RegExp(`^${hr.url.replace(/[?.]/g, '\\$&')} (download was cut short|was cut short)`));
    expect(report.error).toContain('nothing was used');
    expect(emulator.requestLog).toEqual([]);
    expect(report.operations).toEqual([]);
  });

  it.each([
    ['served as text/html', 'html' as const, 'Content-Type: text/html'],
    ['served as text/csv', 'html-as-csv' as const, 'is an HTML page, not CSV (a login page'],
  ])('an HTML login page (%s) instead of CSV: exit 2, nothing sent', async (_how, mode, expected) => {
    const config = await setUp();
    state.mode = mode;
    const { exitCode, report } = await runSync(config, { dryRun: false }, ws.logger);
    expect(exitCode).toBe(2);
    expect(report.error).toContain(hr.url);
    expect(report.error).toContain(expected);
    expect(emulator.requestLog).toEqual([]);
  });

  it('with sync.fullReadEvery, the second run asks "changed since?" and on 304 neither downloads nor sends anything', async () => {
    const config = await setUp({}, {}, { fullReadEvery: '1h' });
    const first = await runSync(config, { dryRun: false }, ws.logger);
    expect(first.exitCode).toBe(0);
    const served = emulator.requestLog.length;
    const second = await runSync(config, { dryRun: false }, ws.logger);
    expect(second.exitCode).toBe(0);
    expect(second.report.unchangedSince).toBeDefined();
    expect(state.requests.map((r) => r.ifNoneMatch)).toEqual([undefined, ETAG]);
    expect(emulator.requestLog).toHaveLength(served);
  });

  it('source.maxBytes: a bigger download is unusable, exit 2, nothing sent', async () => {
    const config = await setUp({ maxBytes: 100 });
    const { exitCode, report } = await runSync(config, { dryRun: false }, ws.logger);
    expect(exitCode).toBe(2);
    expect(report.error).toContain('is larger than 100 bytes (source.maxBytes)');
    expect(emulator.requestLog).toEqual([]);
  });
});

describe('a roster from standard input (--roster -)', () => {
  let ws: Workspace;
  let emulator: RunningEmulator;
  afterEach(async () => {
    await emulator.close();
    ws.cleanup();
  });

  /** Runs the built CLI with `input` written into its stdin through a real pipe. */
  const cliWithStdin = (args: string[], input: string) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH ?? '', SCIM_TOKEN: TEST_TOKEN }, stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
      Readable.from([input.slice(0, 100), input.slice(100)]).pipe(child.stdin);
    });

  it('`curl … | scim-sync run --roster -` syncs the piped roster (the config has no source.path)', async () => {
    ws = new Workspace();
    emulator = await startEmulator({ token: TEST_TOKEN });
    ws.writeConfig(emulator.url, { source: { path: undefined } });
    const { code, stdout } = await cliWithStdin(['run', '--config', ws.configPath, '--roster', '-', '--report', `${ws.dir}/report.json`], CSV);
    expect(code).toBe(0);
    expect(emulator.store.size).toBe(40);
    expect(stdout).toContain('40');
  });

  it('an HTML page on standard input is refused like a download: exit 2, nothing sent', async () => {
    ws = new Workspace();
    emulator = await startEmulator({ token: TEST_TOKEN });
    ws.writeConfig(emulator.url);
    const { code, stdout, stderr } = await cliWithStdin(['run', '--config', ws.configPath, '--roster', '-'], '<html><body>Sign in</body></html>\n');
    expect(code).toBe(2);
    expect(stdout + stderr).toContain('standard input is an HTML page, not CSV');
    expect(emulator.requestLog).toEqual([]);
  });
});
