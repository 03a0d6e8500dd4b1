import { mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { pruneReports } from '../../src/report/pruneReports.js';

describe('pruneReports', () => {
  const dir = mkdtempSync(join(tmpdir(), 'scim-sync-prune-'));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('deletes only generated reports beyond the newest `keep`; --report files and other files in the folder stay, whatever their names', () => {
    const generated = [1, 2, 3, 4].map((i) => `scim-sync-2026-11-2${i}T10-00-00-000Z-0a1b2c3${i}.json`);
    const others = ['scim-sync-before-migration.json', 'scim-sync-settings.json', 'notes.txt'];
    [...generated, ...others].forEach((name, i) => {
      writeFileSync(join(dir, name), '{}');
      utimesSync(join(dir, name), 1_700_000_000 + i, 1_700_000_000 + i); // generated[3] is the newest report
    });
    const deleted = pruneReports(dir, 2).map((path) => path.slice(dir.length + 1));
    expect(deleted.sort()).toEqual([generated[0], generated[1]]);
    expect(readdirSync(dir).sort()).toEqual([...others, generated[2], generated[3]].sort());
  });
});

describe('pruneReports and saved plans', () => {
  const dir = mkdtempSync(join(tmpdir(), 'scim-sync-prune-plans-'));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('a refused run’s plan file goes with its report, and is never counted as a report', () => {
    const reports = [1, 2, 3].map((i) => `scim-sync-2026-11-2${i}T10-00-00-000Z-0a1b2c3${i}.json`);
    const plans = reports.map((r) => r.replace(/\.json$/, '.plan.json'));
    [...reports, ...plans].forEach((name, i) => {
      writeFileSync(join(dir, name), '{}');
      utimesSync(join(dir, name), 1_700_000_000 + (i % 3), 1_700_000_000 + (i % 3));
    });
    pruneReports(dir, 2);
    expect(readdirSync(dir).sort()).toEqual([reports[1], plans[1], reports[2], plans[2]].sort());
  });
});
