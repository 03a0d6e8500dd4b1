import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../src/emulator/server.js';
import { type RunReport, summarise } from '../../src/report/runReport.js';
import { writeReport } from '../../src/report/writeReport.js';
import { readRunState, writeRunState } from '../../src/state/runState.js';
import { CLI } from '../cli/runCli.js';
import { runProcess } from '../support/runProcess.js';
import { TEST_TOKEN, Workspace } from '../support/workspace.js';

/**
 * Reports list the staff and the state says how big the roster was: whatever the umask of the
 * process (a service manager may start it with 000), they are created owner-only.
 */
const modeOf = (path: string) => statSync(path).mode & 0o777;

/** Runs `fn` with umask 000, as a carelessly configured service would; restores the umask at once. */
function withUmask000<T>(fn: () => T): T {
  const previous = process.umask(0);
  try {
    return fn();
  } finally {
    process.umask(previous);
  }
}

const report = (): RunReport => ({
  runId: '0123456789abcdef',
  startedAt: '2026-01-02T03:04:05.678Z',
  finishedAt: '2026-01-02T03:04:06.000Z',
  dryRun: false,
  outcome: 'succeeded',
  exitCode: 0,
  result: 'ok',
  config: { file: 'c.yaml', baseUrl: 'https://scim.example.com' },
  summary: summarise([], 0, 0),
  requests: { total: 0, byMethod: {}, retries: 0, throttled: 0 },
  operations: [],
  skipped: [],
});

describe('state and report files under umask 000', () => {
  let ws: Workspace;
  let emulator: RunningEmulator | undefined;
  beforeEach(() => {
    ws = new Workspace();
  });
  afterEach(async () => {
    await emulator?.close();
    emulator = undefined;
    ws.cleanup();
  });

  it('writeRunState creates the state folder 0700 and state.json 0600 (not 0777 / 0666)', () => {
    const dir = join(ws.dir, 'var', 'state');
    withUmask000(() => writeRunState(dir, { lastSuccess: { at: 'now', rosterUsers: 3 } }));
    expect(modeOf(join(ws.dir, 'var'))).toBe(0o700);
    expect(modeOf(dir)).toBe(0o700);
    expect(modeOf(join(dir, 'state.json'))).toBe(0o600);
    expect(readRunState(dir)).toEqual({ lastSuccess: { at: 'now', rosterUsers: 3 } });
  });

  it('writeReport creates the report folder 0700 and the report 0600', () => {
    const dir = join(ws.dir, 'reports');
    const path = withUmask000(() => writeReport(report(), { dir }));
    expect(modeOf(dir)).toBe(0o700);
    expect(modeOf(path)).toBe(0o600);
  });

  it('--report over an existing world-readable file, and a leftover temp file: the result is still 0600', () => {
    const path = join(ws.dir, 'plan.json');
    writeFileSync(path, 'old', { mode: 0o644 });
    writeFileSync(`${path}.${process.pid}.tmp`, 'left by a crash', { mode: 0o666 });
    withUmask000(() => writeReport(report(), { file: path, dir: join(ws.dir, 'unused') }));
    expect(modeOf(path)).toBe(0o600);
    expect(statSync(`${path}.${process.pid}.tmp`, { throwIfNoEntry: false })).toBeUndefined();
  });

  it('an existing folder keeps the permissions its admin gave it', () => {
    const dir = join(ws.dir, 'shared-reports');
    mkdirSync(dir, { mode: 0o750 });
    const path = withUmask000(() => writeReport(report(), { dir }));
    expect(modeOf(dir)).toBe(0o750);
    expect(modeOf(path)).toBe(0o600);
  });

  it('scim-sync run started with umask 000: state and reports folders 0700, state.json and the report 0600', async () => {
    emulator = await startEmulator({ token: TEST_TOKEN });
    ws.writeRoster([{ employee_id: 'E1', email: 'ada@example.com', first_name: 'Ada', last_name: 'Lovelace' }]);
    ws.config(emulator.url);
    const r = await runProcess('/bin/sh', ['-c', 'umask 000 && exec "$0" "$@"', process.execPath, CLI, 'run', '--config', ws.configPath], {
      env: { PATH: process.env.PATH ?? '', SCIM_TOKEN: TEST_TOKEN },
    });
    expect(r.code).toBe(0);
    expect(modeOf(join(ws.dir, 'state'))).toBe(0o700);
    expect(modeOf(join(ws.dir, 'state', 'state.json'))).toBe(0o600);
    expect(modeOf(join(ws.dir, 'reports'))).toBe(0o700);
    const reportPath = /report: (.*\.json)/.exec(r.stdout)?.[1];
    expect(reportPath).toBeDefined();
    expect(modeOf(reportPath!)).toBe(0o600);
  });
});
