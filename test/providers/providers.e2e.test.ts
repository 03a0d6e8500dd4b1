import { writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../src/emulator/server.js';
import { ENTERPRISE_URN } from '../../src/domain/attributePaths.js';
import type { RunReport } from '../../src/report/runReport.js';
import { runSync } from '../../src/run/runSync.js';
import { TEST_TOKEN, Workspace } from '../support/workspace.js';

/**
 * Each provider profile against the emulator's matching dialect: initial load, name change,
 * email change (a rename of the same account), deactivate, reactivate, roles (Nintex), and a
 * difference the service can't apply — reported once, not re-sent.
 */
const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

describe.each(['postman', 'nintex', 'generic'] as const)('provider %s', (provider) => {
  let ws: Workspace;
  let emulator: RunningEmulator;
  beforeEach(async () => {
    ws = new Workspace();
    emulator = await startEmulator({ token: TEST_TOKEN, dialect: provider });
  });
  afterEach(async () => {
    await emulator.close();
    ws.cleanup();
  });

  const header = 'employee_id,email,first_name,last_name,roles,title,lang,status';
  const row = (id: string, email: string, first: string, last: string, extra: { roles?: string; title?: string; lang?: string; status?: string } = {}) =>
    [id, email, first, last, extra.roles ?? 'Author', extra.title ?? 'Engineer', extra.lang ?? 'en', extra.status ?? 'active'].join(',');
  // Nintex logins are names like "joe.bloggs", not emails; here the employee id stands in.
  const columns = {
    externalId: 'employee_id',
    userName: provider === 'nintex' ? { template: '{employee_id}', transform: ['lowercase'] } : 'email',
    givenName: 'first_name',
    familyName: 'last_name',
    ...(provider === 'nintex' ? { 'emails[type eq "work"].value': 'email', roles: { column: 'roles', split: ';' }, preferredLanguage: 'lang' } : {}),
    ...(provider === 'generic' ? { 'emails[type eq "work"].value': 'email', title: 'title', [`${ENTERPRISE_URN}:department`]: 'title' } : {}),
  };
  const sync = async (lines: string[]): Promise<RunReport> => {
    writeFileSync(ws.rosterPath, [header, ...lines].join('\n') + '\n');
    const config = ws.config(emulator.url, { source: { columns }, target: { provider } });
    const { exitCode, report } = await runSync(config, { dryRun: false }, ws.logger);
    expect(exitCode, JSON.stringify(report.operations)).toBe(0);
    return report;
  };
  /** The account of the person with this employee id and email, by the login the provider uses. */
  const user = (email: string, id = 'E1') => emulator.store.findByUserName(provider === 'nintex' ? id.toLowerCase() : email)!;
  const writesSince = (n: number) => emulator.requestLog.slice(n).filter((r) => WRITES.has(r.method));

  it('initial load, then name change, email change (same id), leaver, rehire — converging each time', async () => {
    const first = await sync([row('E1', 'ada@example.com', 'Ada', 'Lovelace'), row('E2', 'alan@example.com', 'Alan', 'Turing')]);
    expect(first.summary.create).toEqual({ planned: 2, succeeded: 2 });
    const adaId = user('ada@example.com').id;

    // Name change.
    let mark = emulator.requestLog.length;
    await sync([row('E1', 'ada@example.com', 'Augusta', 'Lovelace'), row('E2', 'alan@example.com', 'Alan', 'Turing')]);
    expect(user('ada@example.com')).toMatchObject({ givenName: 'Augusta', id: adaId });
    expect(writesSince(mark).map((r) => r.method)).toEqual([provider === 'postman' ? 'PUT' : 'PATCH']);

    // Email change of the same person: a rename of the same account, not a leaver plus a new hire.
    mark = emulator.requestLog.length;
    await sync([row('E1', 'ada.king@example.com', 'Augusta', 'Lovelace'), row('E2', 'alan@example.com', 'Alan', 'Turing')]);
    expect(user('ada.king@example.com').id).toBe(adaId);
    expect(emulator.store.list()).toHaveLength(2);
    if (provider === 'nintex') {
      // Nintex's login stays; the email is its own attribute, patched on the same account.
      expect(emulator.store.resource(adaId)).toMatchObject({ emails: [{ value: 'ada.king@example.com' }] });
    }

    // Leaver, then rehire.
    const roster = (status: string) => [row('E1', 'ada.king@example.com', 'Augusta', 'Lovelace'), row('E2', 'alan@example.com', 'Alan', 'Turing', { status })];
    mark = emulator.requestLog.length;
    await sync(roster('terminated'));
    expect(user('alan@example.com', 'E2').active).toBe(false);
    expect(writesSince(mark).map((r) => r.method)).toEqual([provider === 'nintex' ? 'DELETE' : 'PATCH']);
    await sync(roster('active'));
    expect(user('alan@example.com', 'E2').active).toBe(true);

    // And now nothing to do.
    mark = emulator.requestLog.length;
    const quiet = await sync(roster('active'));
    expect(quiet.operations).toEqual([]);
    expect(writesSince(mark)).toEqual([]);
  });

  if (provider === 'nintex') {
    it('a roles change is one PATCH of roles, spelled `operations`; unknown roles are created by the service', async () => {
      await sync([row('E1', 'ada@example.com', 'Ada', 'Lovelace', { roles: 'Author' })]);
      const mark = emulator.requestLog.length;
      await sync([row('E1', 'ada@example.com', 'Ada', 'Lovelace', { roles: 'Author;Accountant' })]);
      const [patch] = writesSince(mark);
      expect(patch).toMatchObject({
        method: 'PATCH',
        body: { operations: [{ op: 'replace', path: 'roles', value: [{ display: 'Author' }, { display: 'Accountant' }] }] },
      });
      expect(emulator.store.resource(user('ada@example.com').id)).toMatchObject({ roles: [{ display: 'Author' }, { display: 'Accountant' }] });
    });
  }

  if (provider === 'generic') {
    it('a title and an enterprise department change are one PATCH with RFC paths', async () => {
      await sync([row('E1', 'ada@example.com', 'Ada', 'Lovelace', { title: 'Analyst' })]);
      const mark = emulator.requestLog.length;
      await sync([row('E1', 'ada@example.com', 'Ada', 'Lovelace', { title: 'Director' })]);
      const [patch] = writesSince(mark);
      expect(patch?.body).toMatchObject({
        Operations: [
          { op: 'replace', path: 'title', value: 'Director' },
          { op: 'replace', path: `${ENTERPRISE_URN}:department`, value: 'Director' },
        ],
      });
      expect(emulator.store.resource(user('ada@example.com').id)).toMatchObject({ title: 'Director', [ENTERPRISE_URN]: { department: 'Director' } });
    });
  }

  if (provider !== 'generic') {
    it('a difference the service can’t apply is reported once and never sent', async () => {
      // Postman can't change locale after creation; Nintex can't change preferredLanguage by PATCH or PUT.
      const field = provider === 'postman' ? 'locale' : 'preferredLanguage';
      emulator.store.add({
        userName: provider === 'nintex' ? 'e1' : 'ada@example.com',
        givenName: 'Ada',
        familyName: 'Lovelace',
        externalId: 'E1',
        ...(provider === 'postman'
          ? { locale: 'en-US' }
          : { attributes: { preferredLanguage: 'en_US' }, emails: [{ value: 'ada@example.com' }], roles: ['Author'] }),
      });
      const withLocale = { ...columns, ...(provider === 'postman' ? { locale: 'lang' } : {}) };
      writeFileSync(ws.rosterPath, [header, row('E1', 'ada@example.com', 'Ada', 'Lovelace', { lang: 'en-GB' })].join('\n') + '\n');
      const config = ws.config(emulator.url, { source: { columns: withLocale }, target: { provider } });
      const first = (await runSync(config, { dryRun: false }, ws.logger)).report;
      expect(first.notUpdatable).toEqual([
        {
          userName: provider === 'nintex' ? 'e1' : 'ada@example.com',
          id: user('ada@example.com').id,
          field,
          from: provider === 'postman' ? 'en-US' : 'en_US',
          to: 'en-GB',
        },
      ]);
      expect(first.operations).toEqual([]);
      const second = (await runSync(config, { dryRun: false }, ws.logger)).report;
      expect(second.notUpdatable).toEqual([]);
      expect(emulator.writeCount()).toBe(0);
    });
  }
});

describe('generic service without PATCH', () => {
  it('changes are a GET and a PUT of the whole resource: sibling and unmapped attributes survive', async () => {
    const ws = new Workspace();
    const emulator = await startEmulator({
      token: TEST_TOKEN,
      dialect: 'generic',
      patchSupported: false,
      users: [
        {
          userName: 'ada@example.com',
          givenName: 'Ada',
          familyName: 'Lovelace',
          externalId: 'E1',
          emails: [
            { value: 'home@example.com', type: 'home' },
            { value: 'old@example.com', type: 'work' },
          ],
          attributes: { nickName: 'Countess' },
        },
      ],
    });
    try {
      writeFileSync(ws.rosterPath, 'employee_id,email,first_name,work_email,status\nE1,ada@example.com,Augusta,ada@example.com,active\n');
      const config = ws.config(emulator.url, {
        source: {
          columns: {
            externalId: 'employee_id',
            userName: 'email',
            givenName: 'first_name',
            familyName: { template: 'Lovelace' },
            'emails[type eq "work"].value': 'work_email',
          },
        },
        target: { provider: 'generic' },
      });
      const { exitCode, report } = await runSync(config, { dryRun: false }, ws.logger);
      expect(exitCode, JSON.stringify(report)).toBe(0);
      expect(emulator.requestLog.filter((r) => r.method !== 'GET' || r.path.includes('/Users/')).map((r) => r.method)).toEqual(['GET', 'PUT']);
      const resource = emulator.store.resource(emulator.store.list()[0]!.id)!;
      expect(resource).toMatchObject({ name: { givenName: 'Augusta', familyName: 'Lovelace' }, nickName: 'Countess' });
      expect(resource.emails).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ value: 'home@example.com', type: 'home' }),
          expect.objectContaining({ value: 'ada@example.com', type: 'work' }),
        ]),
      );
      const second = await runSync(config, { dryRun: false }, ws.logger);
      expect(second.report.operations).toEqual([]);
    } finally {
      await emulator.close();
      ws.cleanup();
    }
  });
});
