import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRoster, RosterFileError, type RosterSource } from '../../src/roster/readRoster.js';

describe('readRoster: groups.from gives each row its group names', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'scim-sync-groups-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const source = (path: string, groups: RosterSource['groups']): RosterSource => ({
    path,
    columns: { externalId: 'id', userName: 'email', givenName: 'first', familyName: 'last' },
    groups,
  });

  it('a template per department (none for an empty cell), a split column of teams, and a template without placeholders for everyone', async () => {
    const path = join(dir, 'roster.csv');
    await writeFile(
      path,
      ['id,email,first,last,Department,Teams', 'E1,a@x.io,A,A,Sales,Blue; Red ;', 'E2,b@x.io,B,B,,', 'E3,c@x.io,C,C,Sales,Sales'].join('\n') + '\n',
    );
    const roster = await readRoster(
      source(path, [{ template: 'Dept - {Department}' }, { column: 'Teams', split: ';' }, { template: 'All Staff' }, { column: 'Department' }]),
    );
    expect(roster.users.map((u) => u.groups)).toEqual([
      ['Dept - Sales', 'Blue', 'Red', 'All Staff', 'Sales'],
      ['All Staff'],
      ['Dept - Sales', 'Sales', 'All Staff'], // each name once
    ]);
  });

  it('a groups.from column missing from the header stops the file with a message naming the key', async () => {
    const path = join(dir, 'missing.csv');
    await writeFile(path, 'id,email,first,last\nE1,a@x.io,A,A\n');
    const error = await readRoster(source(path, [{ template: 'Dept - {Department}' }])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RosterFileError);
    expect((error as Error).message).toContain('"Department" (for groups.from.0');
  });
});
