import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LedgerError, readLedger, writeLedger } from '../../src/state/ledgerFile.js';

describe('the ledger file’s groups part', () => {
  const dirs: string[] = [];
  const dir = () => {
    const d = mkdtempSync(join(tmpdir(), 'scim-sync-ledger-'));
    dirs.push(d);
    return d;
  };
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('a ledger written before groups existed still loads, with no managed groups', () => {
    const d = dir();
    writeFileSync(
      join(d, 'ledger.json'),
      JSON.stringify({ version: 1, users: { u1: { userName: 'a@x.io', linkedAt: '2026-01-01T00:00:00Z' } }, domains: ['x.io'] }),
    );
    const { ledger, extra } = readLedger(d);
    expect(ledger.users.size).toBe(1);
    expect(ledger.groups).toEqual(new Map());
    expect(extra).toEqual({});
  });

  it('groups round-trip by id, and a corrupt groups part is an error, not an empty ledger', () => {
    const d = dir();
    const groups = new Map([['g1', { displayName: 'Dept - Sales', linkedAt: '2026-01-01T00:00:00Z' }]]);
    writeLedger(d, { users: new Map(), domains: [], groups });
    expect(readLedger(d).ledger.groups).toEqual(groups);
    const file = JSON.parse(readFileSync(join(d, 'ledger.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(d, 'ledger.json'), JSON.stringify({ ...file, groups: { g1: { displayName: 7 } } }));
    expect(() => readLedger(d)).toThrow(LedgerError);
    expect(() => readLedger(d)).toThrow(/at groups\.g1\.displayName/);
  });
});
