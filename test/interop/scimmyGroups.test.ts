import { writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runSync } from '../../src/run/runSync.js';
import { TEST_TOKEN, Workspace } from '../support/workspace.js';
import { type ScimmyServer, startScimmyServer } from './scimmyServer.js';

/** Interop for groups: the sync's /Groups requests against scimmy's Group resource (RFC 7643 §4.2, RFC 7644 PatchOp). */
describe('interop: groups against scimmy (generic profile)', () => {
  let ws: Workspace;
  let server: ScimmyServer | undefined;
  beforeEach(() => {
    ws = new Workspace();
  });
  afterEach(async () => {
    await server?.close();
    ws.cleanup();
  });

  const writeRoster = (...rows: string[]) =>
    writeFileSync(ws.rosterPath, ['employee_id,email,first_name,last_name,status,department', ...rows.map((r) => r.split(' ').join(','))].join('\n') + '\n');
  const memberships = (s: ScimmyServer) => {
    const names = new Map(s.users().map((u) => [u.id, u.userName.split('@')[0]]));
    return s
      .groups()
      .map(
        (g) =>
          `${g.displayName}: ${(g.members ?? [])
            .map((m) => names.get(m.value) ?? m.value)
            .sort()
            .join(' ')}`,
      )
      .sort();
  };
  /** Writes to /Groups, single or as operations of a Bulk request (scimmy offers /Bulk, so the sync uses it). */
  const groupWrites = (s: ScimmyServer) =>
    s.requests.flatMap((r): { method: string; path: string; body?: unknown }[] => {
      if (r.path === '/Bulk') {
        const operations = (r.body as { Operations?: { method: string; path: string; data?: unknown }[] }).Operations ?? [];
        return operations.filter((o) => o.path.startsWith('/Groups')).map((o) => ({ method: o.method, path: o.path, body: o.data }));
      }
      return r.path.startsWith('/Groups') && r.method !== 'GET' ? [r] : [];
    });

  it('creates the departments’ groups, moves a person, adopts a group whose name differs only in case, leaves a hand-made one alone, and converges', async () => {
    server = await startScimmyServer({
      token: TEST_TOKEN,
      users: [
        { userName: 'ann@corp.example', givenName: 'Ann', familyName: 'A', externalId: 'E1' },
        { userName: 'bob@corp.example', givenName: 'Bob', familyName: 'B', externalId: 'E2' },
      ],
    });
    server.addGroup('dept - sales', ['bob@corp.example']);
    server.addGroup('Break-glass', ['ann@corp.example', 'bob@corp.example']);
    writeRoster('E1 ann@corp.example Ann A active Sales', 'E2 bob@corp.example Bob B active Eng', 'E3 cy@corp.example Cy C active Eng');
    const config = ws.config(server.url, {
      target: { provider: 'generic' },
      source: { columns: { externalId: 'employee_id', userName: 'email', givenName: 'first_name', familyName: 'last_name' } },
      groups: { from: [{ template: 'Dept - {department}' }], maxMemberRemovals: '100%' },
    });

    const first = await runSync(config, { dryRun: false }, ws.logger);
    expect(first.exitCode).toBe(0);
    expect(memberships(server)).toEqual(['Break-glass: ann bob', 'Dept - Eng: bob cy', 'dept - sales: ann']);
    // RFC spelling: PatchOp under `Operations`, removals by members[value eq "…"].
    const removal = groupWrites(server).find((r) => r.method === 'PATCH' && JSON.stringify(r.body).includes('remove'));
    expect(removal?.body).toMatchObject({ Operations: [{ op: 'remove', path: expect.stringMatching(/^members\[value eq ".+"\]$/) }] });

    const before = groupWrites(server).length;
    const second = await runSync(config, { dryRun: false }, ws.logger);
    expect(second.report.groups?.operations).toEqual([]);
    expect(groupWrites(server).length).toBe(before);

    writeRoster('E1 ann@corp.example Ann A active Sales', 'E2 bob@corp.example Bob B active Eng', 'E3 cy@corp.example Cy C inactive Eng');
    const leaver = await runSync(config, { dryRun: false }, ws.logger);
    expect(leaver.exitCode).toBe(0);
    expect(memberships(server)).toEqual(['Break-glass: ann bob', 'Dept - Eng: bob', 'dept - sales: ann']);
  });
});
