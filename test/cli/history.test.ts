import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../src/emulator/server.js';
import { runSync } from '../../src/run/runSync.js';
import { TEST_TOKEN, Workspace } from '../support/workspace.js';
import { runCli } from './runCli.js';

describe('scim-sync history', () => {
  let ws: Workspace;
  let emulator: RunningEmulator;
  beforeEach(async () => {
    ws = new Workspace();
    emulator = await startEmulator({ token: TEST_TOKEN });
  });
  afterEach(async () => {
    await emulator.close();
    ws.cleanup();
  });

  it(
    'lists past runs newest first with result, exit code, counts, requests and duration; a corrupt report is listed as broken',
    { timeout: 60_000 },
    async () => {
      ws.writeRoster([
        { employee_id: 'E1', email: 'a@example.com', first_name: 'A', last_name: 'One' },
        { employee_id: 'E2', email: 'b@example.com', first_name: 'B', last_name: 'Two' },
      ]);
      const config = ws.config(emulator.url);
      const first = await runSync(config, { dryRun: false }, ws.logger);
      const second = await runSync(config, { dryRun: true }, ws.logger);
      const reports = join(ws.dir, 'reports');
      mkdirSync(reports, { recursive: true });
      // Older than both runs: a report cut short by a full disk, and a JSON file that is no report.
      writeFileSync(join(reports, 'scim-sync-2020-01-01T00-00-00-000Z-deadbeef.json'), '{"runId": "x", "startedAt": "2020-');
      writeFileSync(join(reports, 'scim-sync-2020-01-02T00-00-00-000Z-cafebabe.json'), '{"hello": "world"}');

      const all = await runCli(['history', '--config', ws.configPath], { SCIM_TOKEN: TEST_TOKEN });
      expect(all.code).toBe(0);
      const lines = all.stdout.trimEnd().split('\n');
      expect(lines[0]).toMatch(/^TIME +RESULT +EXIT +CREATE +UPDATE +DEACTIVATE +REACTIVATE +FAILED +REQUESTS +DURATION$/);
      expect(lines[1]).toMatch(new RegExp(`^${second.report.startedAt.replace(/\./g, '\\.')} +succeeded \\(dry run\\) +0 +0 +0 +0 +0 +0 +2 +\\d+\\.\\d s$`));
      expect(lines[2]).toMatch(new RegExp(`^${first.report.startedAt.replace(/\./g, '\\.')} +succeeded +0 +2/2 +0/0 +0/0 +0/0 +0 +4 +\\d+\\.\\d s$`));
      expect(lines[3]).toMatch(
        /^2020-01-02T00:00:00\.000Z +BROKEN scim-sync-2020-01-02T00-00-00-000Z-cafebabe\.json: not a report: no runId, startedAt, finishedAt/,
      );
      expect(lines[4]).toMatch(/^2020-01-01T00:00:00\.000Z +BROKEN scim-sync-2020-01-01T00-00-00-000Z-deadbeef\.json: unreadable: /);
      expect(lines).toHaveLength(5);

      const newest = await runCli(['history', '--config', ws.configPath, '--last', '1'], { SCIM_TOKEN: TEST_TOKEN });
      expect(newest.stdout.trimEnd().split('\n')).toHaveLength(2);
    },
  );
});
