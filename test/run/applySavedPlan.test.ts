import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SavedPlan } from '../../src/domain/savedPlan.js';
import { type RunningEmulator, startEmulator } from '../../src/emulator/server.js';
import { planDigest } from '../../src/planFile/planDigest.js';
import { applySavedPlan } from '../../src/run/applySavedPlan.js';
import { runSync } from '../../src/run/runSync.js';
import { TEST_TOKEN, Workspace } from '../support/workspace.js';

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

describe('saved plans: plan, review, apply', () => {
  let ws: Workspace;
  let emulator: RunningEmulator;
  const team = [
    { userName: 'ann@example.com', givenName: 'Ann', familyName: 'Lee', externalId: 'E1' },
    { userName: 'bob@example.com', givenName: 'Bob', familyName: 'Brown', externalId: 'E2' },
    { userName: 'cat@example.com', givenName: 'Cat', familyName: 'Cole', externalId: 'E3' },
    { userName: 'dan@example.com', givenName: 'Dan', familyName: 'Dee', externalId: 'E4' },
    { userName: 'eve@example.com', givenName: 'Eve', familyName: 'Eng', externalId: 'E5', active: false },
  ];
  // Bob renamed, Cat and Dan left, Eve is back, Finn is new.
  const roster = [
    { employee_id: 'E1', email: 'ann@example.com', first_name: 'Ann', last_name: 'Lee' },
    { employee_id: 'E2', email: 'bob@example.com', first_name: 'Robert', last_name: 'Brown' },
    { employee_id: 'E5', email: 'eve@example.com', first_name: 'Eve', last_name: 'Eng' },
    { employee_id: 'E6', email: 'finn@example.com', first_name: 'Finn', last_name: 'Fox' },
  ];
  const planPath = () => join(ws.dir, 'reviewed.plan.json');
  const writes = () => emulator.requestLog.filter((r) => WRITES.has(r.method));
  const idOf = (userName: string) => emulator.store.findByUserName(userName)!.id;

  beforeEach(async () => {
    ws = new Workspace();
    emulator = await startEmulator({ token: TEST_TOKEN, users: team });
    ws.writeRoster(roster);
  });
  afterEach(async () => {
    await emulator.close();
    ws.cleanup();
  });

  async function makePlan(overrides: Record<string, unknown> = {}) {
    const result = await runSync(ws.config(emulator.url, overrides), { dryRun: true, savePlanTo: planPath() }, ws.logger);
    return { result, saved: JSON.parse(readFileSync(planPath(), 'utf8')) as SavedPlan };
  }

  it('plan sends no write and saves every operation with its requests, what it was planned against, the fingerprints and a digest', async () => {
    const { result, saved } = await makePlan();
    expect(result.exitCode).toBe(0);
    expect(writes()).toEqual([]);
    expect(saved.format).toBe('scim-sync-plan/1');
    expect(saved.service).toEqual({ baseUrl: emulator.url, provider: 'postman' });
    expect(saved.config.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(saved.roster).toMatchObject({ file: ws.rosterPath, users: 4 });
    expect(saved.digest).toBe(planDigest(saved));
    expect(saved.operations.map((o) => `${o.op}:${o.userName}`)).toEqual([
      'deactivate:cat@example.com',
      'deactivate:dan@example.com',
      'reactivate:eve@example.com',
      'update:bob@example.com',
      'create:finn@example.com',
    ]);
    const cat = saved.operations[0]!;
    expect(cat.requests).toEqual([
      {
        method: 'PATCH',
        path: `/Users/${idOf('cat@example.com')}`,
        body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', value: { active: false } }] },
      },
    ]);
    expect(cat.plannedAgainst).toEqual({
      account: 'existing',
      id: idOf('cat@example.com'),
      attributes: { active: true, userName: 'cat@example.com', externalId: 'E3', 'name.givenName': 'Cat', 'name.familyName': 'Cole' },
    });
    expect(saved.operations[4]!.plannedAgainst).toEqual({ account: 'new', userName: 'finn@example.com', externalId: 'E6', holders: [] });
    expect(result.report.planFile).toEqual({ path: planPath(), digest: saved.digest, use: 'saved' });
  });

  it('apply sends exactly the planned writes, and the report names the plan file and its digest', async () => {
    const { saved } = await makePlan();
    const before = emulator.requestLog.length;
    const { exitCode, report } = await applySavedPlan(ws.config(emulator.url), { planFile: planPath() }, ws.logger);
    expect(exitCode).toBe(0);
    const sent = emulator.requestLog.slice(before).filter((r) => WRITES.has(r.method));
    const key = (r: { method: string; path: string; body?: unknown }) => JSON.stringify([r.method, r.path.replace('/scim/v2', ''), r.body]);
    expect(sent.map(key).sort()).toEqual(
      saved.operations
        .flatMap((o) => o.requests)
        .map(key)
        .sort(),
    );
    expect(report.planFile).toEqual({ path: planPath(), digest: saved.digest, use: 'applied' });
    expect(report.operations.every((o) => o.outcome === 'succeeded')).toBe(true);
    expect(report.result).toBe('applied the saved plan: all 5 operations succeeded');
    // The page reads came first, then nothing but the plan's writes.
    expect(
      emulator.requestLog
        .slice(before)
        .filter((r) => r.method === 'GET')
        .map((r) => r.path),
    ).toEqual(['/scim/v2/ServiceProviderConfig', '/scim/v2/Users']);
    // The service now matches the roster: a run right after has nothing to do.
    expect((await runSync(ws.config(emulator.url), { dryRun: true }, ws.logger)).report.operations).toEqual([]);
  });

  it('an account changed between plan and apply: exactly that operation is skipped as stale, saying what changed', async () => {
    await makePlan();
    emulator.store.setActive(idOf('cat@example.com'), false); // someone deactivated Cat by hand
    emulator.store.updateName(idOf('bob@example.com'), 'Bobby', 'Brown'); // and renamed Bob
    const before = emulator.requestLog.length;
    const { exitCode, report } = await applySavedPlan(ws.config(emulator.url), { planFile: planPath() }, ws.logger);
    expect(exitCode).toBe(0);
    const stale = report.operations.filter((o) => o.stale !== undefined);
    expect(stale.map((o) => [o.op, o.userName, o.outcome, o.stale])).toEqual([
      ['deactivate', 'cat@example.com', 'skipped', 'active is now false; planned against true'],
      ['update', 'bob@example.com', 'skipped', 'name.givenName is now "Bobby"; planned against "Bob"'],
    ]);
    const sent = emulator.requestLog.slice(before).filter((r) => WRITES.has(r.method));
    expect(sent.map((r) => `${r.method} ${r.path}`).sort()).toEqual(
      [`PATCH /scim/v2/Users/${idOf('dan@example.com')}`, `PATCH /scim/v2/Users/${idOf('eve@example.com')}`, 'POST /scim/v2/Users'].sort(),
    );
    expect(report.result).toBe(
      'applied the saved plan: all 3 operations succeeded; 2 skipped as stale (their accounts changed since the plan was made; listed in the report)',
    );
  });

  it('a create whose address was taken in between is stale, not sent', async () => {
    await makePlan();
    emulator.store.add({ userName: 'Finn@example.com', givenName: 'Finn', familyName: 'Fox' });
    const { report } = await applySavedPlan(ws.config(emulator.url), { planFile: planPath() }, ws.logger);
    const finn = report.operations.find((o) => o.op === 'create')!;
    expect(finn.outcome).toBe('skipped');
    expect(finn.stale).toBe(`an account with this userName or externalId now exists: Finn@example.com (id ${idOf('finn@example.com')}); planned against none`);
    expect(emulator.requestLog.filter((r) => r.method === 'POST')).toEqual([]);
  });

  it('an edited plan file is refused with exit 2 before anything is sent', async () => {
    const { saved } = await makePlan();
    const edited = { ...saved, operations: saved.operations.map((o) => (o.op === 'deactivate' ? { ...o, userName: 'someone@example.com' } : o)) };
    writeFileSync(planPath(), JSON.stringify(edited, null, 2));
    const before = emulator.requestLog.length;
    const { exitCode, report } = await applySavedPlan(ws.config(emulator.url), { planFile: planPath() }, ws.logger);
    expect(exitCode).toBe(2);
    expect(report.error).toMatch(
      new RegExp(`^plan file ${planPath()} was altered after it was made \\(it says digest ${saved.digest}, its content has [0-9a-f]{64}\\)`),
    );
    expect(emulator.requestLog.length).toBe(before);
  });

  it('re-indenting the file is not an alteration: the digest is of canonical JSON', async () => {
    const { saved } = await makePlan();
    writeFileSync(planPath(), JSON.stringify(saved));
    expect((await applySavedPlan(ws.config(emulator.url), { planFile: planPath() }, ws.logger)).exitCode).toBe(0);
  });

  it('a plan older than plan.maxAgeHours is refused with exit 2, nothing sent', async () => {
    const { saved } = await makePlan();
    const old = { ...saved, createdAt: new Date(Date.now() - 3 * 3_600_000).toISOString() };
    writeFileSync(planPath(), JSON.stringify({ ...old, digest: planDigest(old) }));
    const before = emulator.requestLog.length;
    const { exitCode, report } = await applySavedPlan(ws.config(emulator.url, { plan: { maxAgeHours: 2 } }), { planFile: planPath() }, ws.logger);
    expect(exitCode).toBe(2);
    expect(report.error).toContain('3.0 hours ago, more than plan.maxAgeHours (2) allows');
    expect(emulator.requestLog.length).toBe(before);
  });

  it('a plan made with another config or for another service is refused with exit 2', async () => {
    await makePlan();
    const other = await applySavedPlan(ws.config(emulator.url, { sync: { protect: ['cat@example.com'] } }), { planFile: planPath() }, ws.logger);
    expect(other.exitCode).toBe(2);
    expect(other.report.error).toContain('was made with other settings');
    const elsewhere = await applySavedPlan(ws.config(emulator.url.replace('/scim/v2', '/other/v2')), { planFile: planPath() }, ws.logger);
    expect(elsewhere.exitCode).toBe(2);
    expect(elsewhere.report.error).toContain(`was made for the service at ${emulator.url}, but this config's target.baseUrl is`);
    expect(writes()).toEqual([]);
  });

  it('a file that is not a plan is refused naming what is wrong', async () => {
    writeFileSync(planPath(), '{"format":"scim-sync-plan/1","operations":[');
    const cut = await applySavedPlan(ws.config(emulator.url), { planFile: planPath() }, ws.logger);
    expect(cut.exitCode).toBe(2);
    expect(cut.report.error).toMatch(/is not valid JSON .*; was it cut short or edited\?$/);
    writeFileSync(planPath(), JSON.stringify({ runId: 'x', operations: [] }));
    const report = await applySavedPlan(ws.config(emulator.url), { planFile: planPath() }, ws.logger);
    expect(report.report.error).toContain('is not a scim-sync plan file this version can apply: format:');
    expect(emulator.requestLog).toEqual([]);
  });

  it('a run refused by the deactivation cap saves its plan beside the report; applying that plan sends it and resets the baseline', async () => {
    const config = ws.config(emulator.url, { sync: { maxDeactivations: 1 } });
    const refused = await runSync(config, { dryRun: false }, ws.logger);
    expect(refused.exitCode).toBe(3);
    expect(writes()).toEqual([]);
    const planFile = refused.report.planFile!;
    expect(planFile.use).toBe('saved');
    expect(dirname(planFile.path)).toBe(dirname(refused.reportPath));
    expect(planFile.path).toBe(refused.reportPath.replace(/\.json$/, '.plan.json'));
    expect(refused.report.refused?.howToProceed).toContain(`review it with \`scim-sync show ${planFile.path}\`, then \`scim-sync apply ${planFile.path}\``);
    expect(ws.logLines.some((l) => l.includes('the refused plan is saved: review it with'))).toBe(true);
    const saved = JSON.parse(readFileSync(planFile.path, 'utf8')) as SavedPlan;
    expect(saved.safety?.reason).toBe(refused.report.refused?.reason);

    const applied = await applySavedPlan(config, { planFile: planFile.path }, ws.logger);
    expect(applied.exitCode).toBe(0);
    expect(
      emulator.store
        .list()
        .filter((u) => u.active)
        .map((u) => u.userName)
        .sort(),
    ).toEqual(['ann@example.com', 'bob@example.com', 'eve@example.com', 'finn@example.com']);
    // The next scheduled run finds nothing to do and is not refused.
    const next = await runSync(config, { dryRun: false }, ws.logger);
    expect(next.exitCode).toBe(0);
    expect(next.report.operations).toEqual([]);
  });

  it('`plan` reports a safety limit the plan exceeds instead of refusing, and the plan file records it', async () => {
    const { result, saved } = await makePlan({ sync: { maxDeactivations: 1 } });
    expect(result.exitCode).toBe(0);
    expect(saved.safety?.reason).toMatch(/^the plan deactivates 2 users, more than sync.maxDeactivations allows \(1\)/);
    expect(result.report.result).toContain('it exceeds a safety limit');
    expect(existsSync(planPath())).toBe(true);
  });
});
