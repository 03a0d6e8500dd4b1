/**
 * Bulk — requests and wall time when writes travel in SCIM Bulk requests (RFC 7644 §3.7).
 * Goal: writes = ⌈C/B⌉ exactly (B operations per Bulk request), so N = 10,000 new users at
 * B = 1,000 are 10 writes and the whole load fits in 2 minutes at 170 requests/min.
 *
 * Against the emulator's generic dialect with /Bulk on (page size P = 1,000). When the user list
 * took several pages (it may have moved under the read), the generic profile also checks, before
 * creating, that no account already carries the person's externalId: with Bulk those checks are
 * batched, 100 externalIds per GET, and counted apart as lookups. A list read in one answer can't
 * have moved, so an initial load is exactly ⌈N/P⌉ + ⌈C/B⌉ requests (plus the discovery GET).
 * Deactivations travel in Bulk requests of their own and creates start once the other writes are
 * done, so a mixed plan costs ⌈D/B⌉ + ⌈(R+U)/B⌉ + ⌈creates/B⌉ writes, which is ⌈C/B⌉ when C is one kind.
 *
 *   node bench/dist/bench/bulk.js
 */
import { pathToFileURL } from 'node:url';
import { type RunningEmulator, type SeedUser, startEmulator } from '../src/emulator/server.js';
import { runSync } from '../src/run/runSync.js';
import { type Person, person, renamed, seedOf } from './generate.js';
import { type Figure, fmt } from './lib/table.js';
import { BENCH_TOKEN, BenchWorkspace, quietLogger } from './lib/workspace.js';

const P = 1_000;
/** externalIds per lookup GET (the executor asks at most 100, and at most the page size). */
const IDS_PER_LOOKUP = 100;

interface BulkScenario {
  name: string;
  seed: SeedUser[];
  roster: Person[];
  B: number;
  requestsPerMinute: number;
  /** Writes by lane: deactivations, other changes, creates. */
  lanes: { deactivations: number; changes: number; creates: number };
}

export interface BulkResult {
  scenario: string;
  B: number;
  N: number;
  C: number;
  creates: number;
  requestsPerMinute: number;
  expected: { pageReads: number; lookups: number; writes: number };
  observed: { discovery: number; pageReads: number; lookups: number; bulkRequests: number; otherWrites: number; total: number; status429: number };
  operationsPerBulk: number[];
  exitCode: number;
  failedOperations: number;
  wallMs: number;
}

const ceilDiv = (a: number, b: number) => Math.ceil(a / b);
const people = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => person(from + k));

export function bulkScenarios(): BulkScenario[] {
  return [
    // The figure: an initial load at Postman-like speed, in real time.
    {
      name: 'initial load, 10,000 new users, B=1,000, 170/min',
      seed: [],
      roster: people(0, 10_000),
      B: 1_000,
      requestsPerMinute: 170,
      lanes: { deactivations: 0, changes: 0, creates: 10_000 },
    },
    {
      name: 'initial load, 10,000 new users, B=50',
      seed: [],
      roster: people(0, 10_000),
      B: 50,
      requestsPerMinute: 20_000,
      lanes: { deactivations: 0, changes: 0, creates: 10_000 },
    },
    {
      name: 'N=10,000: 5,000 renames + 5,000 creates + 500 leavers, B=1,000',
      seed: people(0, 10_500).map((p) => seedOf(p)),
      roster: [...people(0, 5_000).map(renamed), ...people(5_000, 10_000), ...people(10_500, 15_500)],
      B: 1_000,
      requestsPerMinute: 20_000,
      lanes: { deactivations: 500, changes: 5_000, creates: 5_000 },
    },
  ];
}

async function run(s: BulkScenario): Promise<BulkResult> {
  const ws = new BenchWorkspace('bulk');
  let emulator: RunningEmulator | undefined;
  try {
    emulator = await startEmulator({ token: BENCH_TOKEN, dialect: 'generic', users: s.seed, maxPageSize: P, rateLimit: false, bulk: { maxOperations: s.B } });
    ws.writeRoster(s.roster);
    const config = ws.config(emulator.url, { provider: 'generic', pageSize: P, requestsPerMinute: s.requestsPerMinute });
    const started = performance.now();
    const { exitCode, report } = await runSync(config, { dryRun: false }, quietLogger());
    const wallMs = performance.now() - started;
    const log = emulator.requestLog;
    const isBulk = (e: (typeof log)[number]) => e.method === 'POST' && e.path.endsWith('/Bulk');
    const bulk = log.filter(isBulk);
    const { deactivations, changes, creates } = s.lanes;
    return {
      scenario: s.name,
      B: s.B,
      N: s.seed.length,
      C: deactivations + changes + creates,
      creates,
      requestsPerMinute: s.requestsPerMinute,
      expected: {
        pageReads: Math.floor(s.seed.length / P) + 1,
        // Lookups only when the list took more than one answer (see the note at the top).
        lookups: s.seed.length < P ? 0 : ceilDiv(creates, IDS_PER_LOOKUP),
        writes: ceilDiv(deactivations, s.B) + ceilDiv(changes, s.B) + ceilDiv(creates, s.B),
      },
      observed: {
        discovery: log.filter((e) => e.path.endsWith('/ServiceProviderConfig')).length,
        pageReads: log.filter((e) => e.method === 'GET' && e.query.startIndex !== undefined).length,
        lookups: log.filter((e) => e.method === 'GET' && e.query.filter !== undefined).length,
        bulkRequests: bulk.length,
        otherWrites: log.filter((e) => e.method !== 'GET' && !isBulk(e)).length,
        total: log.length,
        status429: log.filter((e) => e.status === 429).length,
      },
      operationsPerBulk: bulk.map((e) => (e.body as { Operations: unknown[] }).Operations.length),
      exitCode,
      failedOperations: report.summary.failed,
      wallMs,
    };
  } finally {
    await emulator?.close();
    ws.cleanup();
  }
}

export async function benchBulk(log: (line: string) => void = () => undefined): Promise<{ results: BulkResult[]; figures: Figure[] }> {
  const results: BulkResult[] = [];
  const figures: Figure[] = [];
  for (const s of bulkScenarios()) {
    log(`  bulk: ${s.name}`);
    const r = await run(s);
    results.push(r);
    const o = r.observed;
    const exact = o.bulkRequests === r.expected.writes && o.otherWrites === 0 && o.pageReads === r.expected.pageReads && o.lookups === r.expected.lookups;
    figures.push({
      target: 'B bulk',
      metric: `${r.scenario}: page reads + lookups + writes`,
      value: `${o.pageReads} + ${o.lookups} + ${o.bulkRequests}`,
      goal: `= ${r.expected.pageReads} + ${r.expected.lookups} + ${r.expected.writes} (writes ⌈C/B⌉ per lane)`,
      met: exact && r.exitCode === 0 && r.failedOperations === 0,
      margin: exact ? `exact; ${o.discovery} discovery GET, ${o.total} requests in all` : `${o.otherWrites} single writes; ${o.total} requests in all`,
    });
    if (r.requestsPerMinute === 170) {
      const minutes = r.wallMs / 60_000;
      figures.push({
        target: 'B bulk',
        metric: `  ${r.scenario}: whole load, wall`,
        value: `${fmt(r.wallMs / 1000)} s`,
        goal: '< 120 s at 170/min',
        met: r.wallMs < 120_000 && r.exitCode === 0,
        margin: `${fmt(o.total / minutes)} requests/min, ${o.status429} × 429; without Bulk: ${fmt((o.discovery + o.pageReads + (r.expected.lookups > 0 ? r.creates : 0) + r.C) / 170)} min of requests (one per write${r.expected.lookups > 0 ? ', and a lookup per person created' : ''})`,
      });
    }
  }
  return { results, figures };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { results, figures } = await benchBulk((l) => process.stderr.write(l + '\n'));
  const { printTable } = await import('./lib/table.js');
  printTable(figures);
  process.stdout.write(JSON.stringify(results, null, 2) + '\n');
}
