import { execFile } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RosterSource } from '../../src/roster/readRoster.js';

/**
 * A 200 MB roster streams: it is never held in memory, not even once.
 *
 * Measuring RSS inside the test process is noise (GC timing, other work in the worker), so this
 * proves it with a hard limit instead: the compiled reader runs in a child Node whose V8 heap is
 * capped well below the file's size. Holding the file as one string, or collecting its rows
 * before parsing them, would not fit and the child would die with "heap out of memory"; a
 * streaming reader that keeps only the compact users passes every time. The speed and peak-RSS
 * figures live in the benchmark (`npm run bench`, target 4), not here.
 */

/** Old generation cap; V8 adds its young generation on top (~112 MB in all on Node 20). */
const HEAP_CAP_MB = 64;
const ROWS = 100_000;
/** Unmapped free-text columns (comments, addresses) make each row ~2 KB, so the file is ~200 MB. */
const NOTES = 'x'.repeat(1_000);
/** Every DUPLICATE_EVERY-th row reuses the externalId of the row before it: both get rejected. */
const DUPLICATE_EVERY = 10_000;

const source = (path: string): RosterSource => ({
  path,
  columns: { externalId: 'employee_id', userName: 'email', givenName: 'first_name', familyName: 'last_name' },
  status: { column: 'status', active: ['Active'] },
});

/** Writes the export through a stream, honouring backpressure, so generating it holds nothing either. */
async function writeWideRoster(path: string): Promise<void> {
  const out = createWriteStream(path);
  let batch = 'employee_id,email,first_name,last_name,status,notes,address\n';
  for (let i = 1; i <= ROWS; i++) {
    const id = i % DUPLICATE_EVERY === 0 ? i - 1 : i;
    const status = i % 10 === 3 ? 'Terminated' : 'Active';
    batch += `E${String(id).padStart(7, '0')},person.${i}@example.com,Given${i % 97},Family${i % 89},${status},"${NOTES}, ${i}","${NOTES}"\n`;
    if (batch.length > 1 << 16) {
      if (!out.write(batch)) await once(out, 'drain');
      batch = '';
    }
  }
  out.end(batch);
  await once(out, 'finish');
}

interface ChildSummary {
  rows: number;
  users: number;
  inactive: number;
  rejectedLines: number[];
  lastUserLine: number;
  heapLimitMB: number;
}

/** Reads the roster with the built reader (dist/, built by globalSetup) in a heap-capped child. */
async function readInCappedChild(path: string): Promise<ChildSummary> {
  const reader = pathToFileURL(resolve('dist/roster/readRoster.js')).href;
  const script = `
    import { getHeapStatistics } from 'node:v8';
    const { readRoster } = await import(${JSON.stringify(reader)});
    const roster = await readRoster(${JSON.stringify(source(path))});
    process.stdout.write(JSON.stringify({
      rows: roster.rows,
      users: roster.users.length,
      inactive: roster.users.filter((u) => !u.active).length,
      rejectedLines: roster.rejected.map((r) => r.line),
      lastUserLine: roster.users.at(-1).line,
      heapLimitMB: getHeapStatistics().heap_size_limit / 2 ** 20,
    }));`;
  const { stdout } = await promisify(execFile)(process.execPath, [`--max-old-space-size=${HEAP_CAP_MB}`, '--input-type=module', '-e', script], {
    maxBuffer: 1 << 20,
  });
  return JSON.parse(stdout) as ChildSummary;
}

describe('readRoster at scale', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'scim-sync-large-roster-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a 200 MB roster in a process whose whole heap is capped at about half the file size, with every row accounted for', async () => {
    const path = join(dir, 'roster-200mb.csv');
    await writeWideRoster(path);
    const { size } = await stat(path);
    expect(size).toBeGreaterThan(200e6);

    const summary = await readInCappedChild(path);

    // The cap held (the child really ran with less heap than the file's size)...
    expect(summary.heapLimitMB * 2 ** 20).toBeLessThan(0.6 * size);
    // ...and the whole file was still read, line numbers and all.
    const duplicatePairs = ROWS / DUPLICATE_EVERY;
    expect(summary.rows).toBe(ROWS);
    expect(summary.users).toBe(ROWS - 2 * duplicatePairs);
    // Every row with i % 10 === 3 is Terminated; none of the rejected rows (i % 10 is 0 or 9) is.
    expect(summary.inactive).toBe(ROWS / 10);
    // Row i is on line i + 1; rows DUPLICATE_EVERY-1 and DUPLICATE_EVERY share an externalId.
    const expectedRejected = Array.from({ length: duplicatePairs }, (_, k) => (k + 1) * DUPLICATE_EVERY).flatMap((i) => [i, i + 1]);
    expect(summary.rejectedLines.sort((a, b) => a - b)).toEqual(expectedRejected);
    expect(summary.lastUserLine).toBe(ROWS - 1);
  }, 120_000);
});
