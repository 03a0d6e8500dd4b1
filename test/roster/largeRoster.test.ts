import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRoster, type RosterSource } from '../../src/roster/readRoster.js';

/**
 * Scale tests: the reader streams, keeps only compact users, and stays fast per row.
 * The rosters are generated (never committed) into a temp dir that is removed afterwards.
 */

const GIVEN = ['Ada', 'Alan', 'Grace', 'Edsger', 'Barbara', 'Donald', 'Frances', 'José', 'Radia', 'Tim', 'Katherine', 'Niklaus'];
const FAMILY = ['Lovelace', 'Turing', 'Hopper', 'Dijkstra', 'Liskov', 'Knuth', 'Allen', 'García', 'Perlman', 'Berners-Lee', 'Johnson', 'Wirth'];
const DEPARTMENTS = ['Engineering', 'Sales', 'Human Resources', 'Finance', 'Operations', 'Legal', 'Marketing'];
const TITLES = ['Software Engineer', 'Account Executive', 'HR Business Partner', 'Controller', 'Operations Manager', 'Counsel'];
const LOCALES = ['en-US', 'en-GB', 'de-DE', 'fr-FR', 'es-ES'];

/** Every DUPLICATE_EVERY-th row reuses the externalId of the row before it: both get rejected. */
const DUPLICATE_EVERY = 100_000;

const source = (path: string): RosterSource => ({
  path,
  columns: { externalId: 'employee_id', userName: 'email', givenName: 'first_name', familyName: 'last_name', locale: 'locale' },
  status: { column: 'status', active: ['Active', 'On Leave'] },
});

/**
 * Writes a realistic HR export (the identity columns plus the department/title/manager/office
 * columns real exports carry, ~135 bytes a row) through a write stream, honouring backpressure,
 * so generating it does not hold the file in memory either.
 */
async function writeRoster(path: string, rows: number): Promise<void> {
  const out = createWriteStream(path);
  let batch = 'employee_id,email,first_name,last_name,locale,status,department,job_title,manager_email,office,start_date\n';
  for (let i = 1; i <= rows; i++) {
    const given = GIVEN[i % GIVEN.length]!;
    const family = FAMILY[(i * 7) % FAMILY.length]!;
    const id = i % DUPLICATE_EVERY === 0 ? i - 1 : i;
    const status = i % 10 === 0 ? 'Terminated' : i % 37 === 0 ? 'On Leave' : 'Active';
    batch +=
      `E${String(id).padStart(8, '0')},${given.toLowerCase()}.${family.toLowerCase()}.${i}@example.com,${given},${family},` +
      `${LOCALES[i % LOCALES.length]},${status},${DEPARTMENTS[i % DEPARTMENTS.length]},${TITLES[(i >> 3) % TITLES.length]},` +
      `manager.${i >> 6}@example.com,Office ${i % 40},20${10 + (i % 15)}-0${1 + (i % 9)}-1${i % 9}\n`;
    if (batch.length > 1 << 16) {
      if (!out.write(batch)) await once(out, 'drain');
      batch = '';
    }
  }
  out.end(batch);
  await once(out, 'finish');
}

const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(0)} MB`;

describe('readRoster at scale', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'scim-sync-large-roster-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it(
    'reads a ~200 MB roster (1.5 million rows of an 11-column export) with peak RSS growth below twice the file size',
    async () => {
      const rows = 1_500_000;
      const path = join(dir, 'roster-200mb.csv');
      const baseline = process.memoryUsage().rss; // before generating: any generator garbage counts too
      const started = performance.now();
      await writeRoster(path, rows);
      const generated = performance.now();
      const { size } = await stat(path);
      expect(size).toBeGreaterThan(190e6);

      let peak = process.memoryUsage().rss;
      const sampler = setInterval(() => {
        peak = Math.max(peak, process.memoryUsage().rss);
      }, 10);
      let roster;
      try {
        roster = await readRoster(source(path));
      } finally {
        clearInterval(sampler);
      }
      peak = Math.max(peak, process.memoryUsage().rss);
      const finished = performance.now();

      const growth = peak - baseline;
      console.info(
        `large roster: ${mb(size)}, ${rows} rows; generated in ${((generated - started) / 1000).toFixed(1)} s, ` +
          `read in ${((finished - generated) / 1000).toFixed(1)} s; peak RSS growth ${mb(growth)} ` +
          `(${(growth / size).toFixed(2)}x the file; baseline ${mb(baseline)}, peak ${mb(peak)})`,
      );

      const duplicatedIds = Math.floor(rows / DUPLICATE_EVERY);
      expect(roster.rows).toBe(rows);
      expect(roster.rejected).toHaveLength(2 * duplicatedIds);
      expect(roster.users).toHaveLength(rows - 2 * duplicatedIds);
      expect(roster.rejected[0]).toEqual({
        line: DUPLICATE_EVERY,
        reason: `duplicate externalId E${String(DUPLICATE_EVERY - 1).padStart(8, '0')} also on line ${DUPLICATE_EVERY + 1}`,
        externalId: `E${String(DUPLICATE_EVERY - 1).padStart(8, '0')}`,
        userName: `${GIVEN[(DUPLICATE_EVERY - 1) % GIVEN.length]!.toLowerCase()}.${FAMILY[((DUPLICATE_EVERY - 1) * 7) % FAMILY.length]!.toLowerCase()}.${DUPLICATE_EVERY - 1}@example.com`,
      });
      // The last row (line rows + 1) is itself a duplicate, so the last accepted user is two lines up.
      expect(roster.rejected.at(-1)?.line).toBe(rows + 1);
      expect(roster.users.at(-1)?.line).toBe(rows - 1);
      expect(growth).toBeLessThan(2 * size);
      expect(finished - started).toBeLessThan(30_000);
    },
    120_000,
  );

  it(
    'reads a 100,000-row roster in well under two seconds',
    async () => {
      const path = join(dir, 'roster-100k.csv');
      await writeRoster(path, 100_000);
      const started = performance.now();
      const roster = await readRoster(source(path));
      const elapsed = performance.now() - started;
      console.info(`100k-row roster read in ${elapsed.toFixed(0)} ms`);
      expect(roster.rows).toBe(100_000);
      expect(elapsed).toBeLessThan(2_000);
    },
    60_000,
  );
});
