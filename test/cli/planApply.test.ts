import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SavedPlan } from '../../src/domain/savedPlan.js';
import { type RunningEmulator, startEmulator } from '../../src/emulator/server.js';
import type { RunReport } from '../../src/report/runReport.js';
import { TEST_TOKEN, Workspace } from '../support/workspace.js';
import { type CliResult, runCli } from './runCli.js';

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

describe('scim-sync plan, show and apply (the CLI)', () => {
  let ws: Workspace;
  let emulator: RunningEmulator;
  const env = { SCIM_TOKEN: TEST_TOKEN };
  const output: string[] = [];
  const remember = (r: CliResult) => (output.push(r.stdout, r.stderr), r);
  const team = Array.from({ length: 6 }, (_, i) => ({ userName: `p${i}@example.com`, givenName: 'P', familyName: `${i}`, externalId: `E${i}` }));
  const rows = (n: number) => team.slice(0, n).map((u) => ({ employee_id: u.externalId, email: u.userName, first_name: u.givenName, last_name: u.familyName }));

  beforeEach(async () => {
    ws = new Workspace();
    emulator = await startEmulator({ token: TEST_TOKEN, users: team });
  });
  afterEach(async () => {
    await emulator.close();
    ws.cleanup();
  });
  afterAll(() => expect(output.join('\n')).not.toContain(TEST_TOKEN));

  it('plan prints the table and writes the plan file; show lists it with --op; apply sends it', { timeout: 60_000 }, async () => {
    ws.writeRoster([...rows(4), { employee_id: 'N1', email: 'new@example.com', first_name: 'New', last_name: 'Hire' }]);
    ws.writeConfig(emulator.url);
    const out = join(ws.dir, 'change-42.plan.json');
    const planned = remember(await runCli(['plan', '--config', ws.configPath, '--out', out], env));
    expect(planned.code).toBe(0);
    expect(planned.stdout).toMatch(/^OPERATION +USER +CHANGE +OUTCOME$/m);
    expect(planned.stdout).toMatch(/^deactivate +p4@example\.com +active: true → false \(missing from roster; managed by domain example\.com\) +planned$/m);
    expect(planned.stdout).toContain(`next: review it with \`scim-sync show ${out}\`, then \`scim-sync apply ${out}\``);
    expect(emulator.writeCount()).toBe(0);
    const saved = JSON.parse(readFileSync(out, 'utf8')) as SavedPlan;

    const shown = remember(await runCli(['show', out, '--op', 'deactivate']));
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(`digest: ${saved.digest} — matches its content`);
    expect(shown.stdout).toContain('operations: create 1, update 0, deactivate 2, reactivate 0 (listed: deactivate)');
    expect(shown.stdout).toMatch(
      new RegExp(
        `^deactivate +p4@example\\.com +active: true → false \\((missing-from-roster|missing from roster; managed by domain example\\.com)\\) +PATCH /Users/${saved.operations[0]!.id}$`,
        'm',
      ),
    );
    expect(shown.stdout).not.toContain('new@example.com');

    const applied = remember(await runCli(['apply', out, '--config', ws.configPath], env));
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain('applied the saved plan: all 3 operations succeeded');
    expect(applied.stdout).toContain(`plan file: ${out} (applied; digest ${saved.digest})`);
    expect(emulator.requestLog.filter((r) => WRITES.has(r.method))).toHaveLength(3);
  });

  it('apply refuses an altered plan file with exit 2 and sends nothing', { timeout: 60_000 }, async () => {
    ws.writeRoster(rows(4));
    ws.writeConfig(emulator.url);
    const out = join(ws.dir, 'p.plan.json');
    expect(remember(await runCli(['plan', '--config', ws.configPath, '--out', out], env)).code).toBe(0);
    const saved = JSON.parse(readFileSync(out, 'utf8')) as SavedPlan;
    saved.operations[0]!.requests[0]!.path = `/Users/${emulator.store.findByUserName('p0@example.com')!.id}`; // aim it at someone else
    writeFileSync(out, JSON.stringify(saved, null, 2));
    const before = emulator.requestLog.length;
    const r = remember(await runCli(['apply', out, '--config', ws.configPath], env));
    expect(r.code).toBe(2);
    expect(r.stdout).toContain(`error: plan file ${out} was altered after it was made`);
    expect(emulator.requestLog.length).toBe(before);
    const shown = remember(await runCli(['show', out]));
    expect(shown.stdout).toContain('DOES NOT MATCH its content: the file was altered, and `apply` will refuse it');
  });

  it('show prints a report as the table, and refuses a file that is neither (exit 2)', { timeout: 60_000 }, async () => {
    ws.writeRoster(rows(5));
    ws.writeConfig(emulator.url);
    const reportFile = join(ws.dir, 'r.json');
    expect(remember(await runCli(['run', '--config', ws.configPath, '--report', reportFile], env)).code).toBe(0);
    const report = JSON.parse(readFileSync(reportFile, 'utf8')) as RunReport;
    const shown = remember(await runCli(['show', reportFile]));
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(`(run ${report.runId}, ${report.startedAt})`);
    expect(shown.stdout).toMatch(/^deactivate +p5@example\.com .* succeeded$/m);
    writeFileSync(join(ws.dir, 'x.json'), '{"hello": 1}');
    const neither = remember(await runCli(['show', join(ws.dir, 'x.json')]));
    expect(neither.code).toBe(2);
    expect(neither.stderr).toContain('is neither a scim-sync plan file');
    const badOp = remember(await runCli(['show', reportFile, '--op', 'delete']));
    expect(badOp.code).not.toBe(0);
    expect(badOp.stderr).toContain('expected one of create, update, deactivate, reactivate (got delete)');
  });
});
