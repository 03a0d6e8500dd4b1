import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../src/emulator/server.js';
import type { RunReport } from '../../src/report/runReport.js';
import { TEST_TOKEN, Workspace } from '../support/workspace.js';
import { runCli } from './runCli.js';

/**
 * SIGHUP (the SSH session or terminal went away) and SIGQUIT (Ctrl-\) kill a Node process on the
 * spot unless handled: mid-run that left the lock behind, no report, and deactivations applied
 * but recorded nowhere. Real processes, real signals.
 */
describe('stop signals other than SIGTERM/SIGINT', () => {
  let ws: Workspace;
  let emulator: RunningEmulator;
  const env = { SCIM_TOKEN: TEST_TOKEN };
  beforeEach(() => {
    ws = new Workspace();
  });
  afterEach(async () => {
    await emulator?.close();
    ws.cleanup();
  });

  /** Ten leavers on the service, deactivated slowly (150 ms per answer, two at a time). */
  async function tenLeavers(): Promise<void> {
    const leavers = Array.from({ length: 10 }, (_, i) => ({ userName: `left${i}@example.com`, givenName: 'L', familyName: `${i}`, externalId: `L${i}` }));
    emulator = await startEmulator({ token: TEST_TOKEN, latencyMs: 150, users: leavers });
    ws.writeRoster([{ employee_id: 'E0', email: 'stays@example.com', first_name: 'S', last_name: 'Tays' }]);
  }

  /** Sends `signal` once the service has received `writes` writes. */
  const signalAfterWrites = (signal: NodeJS.Signals, writes: number) => (child: ChildProcess) => {
    const timer = setInterval(() => {
      if (emulator.writeCount() >= writes) {
        clearInterval(timer);
        child.kill(signal);
      }
    }, 5);
    child.on('exit', () => clearInterval(timer));
  };

  /** Sends `signal` once the process has logged `line`. */
  const signalAfterLog = (signal: NodeJS.Signals, line: string) => (child: ChildProcess) => {
    let seen = '';
    child.stderr!.on('data', (d: Buffer) => {
      if (seen.includes(line)) return;
      seen += d.toString();
      if (seen.includes(line)) child.kill(signal);
    });
  };

  const lockFile = () => join(ws.dir, 'state', 'run.lock');
  const deactivatedOnService = () => emulator.store.list().filter((u) => !u.active).length;

  function expectEveryDeactivationRecorded(report: RunReport, exitCode: number): void {
    expect(report.exitCode).toBe(exitCode);
    expect(report.stoppedBecause?.kind).toBe('interrupted');
    const deactivations = report.operations.filter((o) => o.op === 'deactivate');
    expect(deactivations).toHaveLength(10);
    // What the service applied is exactly what the report says succeeded; the rest were not attempted.
    expect(deactivations.filter((o) => o.outcome === 'succeeded').length).toBe(deactivatedOnService());
    expect(deactivatedOnService()).toBeGreaterThanOrEqual(2);
    expect(report.operations.filter((o) => o.outcome !== 'succeeded' && o.outcome !== 'not-attempted')).toEqual([]);
  }

  it.each([
    ['SIGHUP', 129],
    ['SIGQUIT', 131],
  ] as const)('run: %s mid-run finishes in-flight requests, writes the report, releases the lock and exits %i', async (signal, code) => {
    await tenLeavers();
    ws.config(emulator.url, { target: { concurrency: 2 } });
    const reportFile = join(ws.dir, 'interrupted.json');
    const r = await runCli(['run', '--config', ws.configPath, '--report', reportFile], env, signalAfterWrites(signal, 3));
    expect(r.signal, r.stderr).toBeNull();
    expect(r.code, r.stdout + r.stderr).toBe(code);
    expectEveryDeactivationRecorded(JSON.parse(readFileSync(reportFile, 'utf8')) as RunReport, code);
    expect(existsSync(lockFile())).toBe(false);
    expect(r.stderr).toContain(`"signal":"${signal}"`);
  });

  it('daemon: SIGHUP mid-run lets the run finish its in-flight requests, writes its report, releases the lock and exits 0', async () => {
    await tenLeavers();
    ws.config(emulator.url, { daemon: { schedule: '0 0 1 1 *', runOnStart: true }, http: { port: 0 }, target: { concurrency: 2 } });
    const r = await runCli(['daemon', '--config', ws.configPath], env, signalAfterWrites('SIGHUP', 3));
    expect(r.signal, r.stderr).toBeNull();
    expect(r.code, r.stderr).toBe(0);
    const [report] = ws.reports() as RunReport[];
    expectEveryDeactivationRecorded(report!, 129);
    expect(existsSync(lockFile())).toBe(false);
    expect(r.stderr).toContain('daemon stopped');
  });

  it.each(['SIGHUP', 'SIGQUIT'] as const)('daemon: %s while idle stops it cleanly with exit 0', async (signal) => {
    ws.writeRoster([{ employee_id: 'E0', email: 'stays@example.com', first_name: 'S', last_name: 'Tays' }]);
    ws.config('http://127.0.0.1:9/scim/v2', { daemon: { schedule: '0 0 1 1 *' }, http: { port: 0 } });
    const r = await runCli(['daemon', '--config', ws.configPath], env, signalAfterLog(signal, 'daemon started'));
    expect(r.signal, r.stderr).toBeNull();
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('daemon stopped');
  });
});
