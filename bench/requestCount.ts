/**
 * Target 1 — request count. A reconciliation must cost exactly ⌈N / P⌉ page reads + C writes
 * (plus retries the service causes, reported apart): no GET per user, no GET after a write, no
 * PUT where nothing changed. Counted from the emulator's request log, N = 10,000, P = 100.
 *
 *   node bench/dist/bench/requestCount.js
 */
import { pathToFileURL } from 'node:url';
import { type RunningEmulator, type SeedUser, startEmulator } from '../src/emulator/server.js';
import { runSync } from '../src/run/runSync.js';
import { type Person, person, renamed, seedOf } from './generate.js';
import { compactTally, type RequestTally, tally } from './lib/requestLog.js';
import { type Figure } from './lib/table.js';
import { BENCH_TOKEN, BenchWorkspace, quietLogger } from './lib/workspace.js';

export interface Scenario {
  name: string;
  /** How C is made up, in words. */
  composition: string;
  seed: SeedUser[];
  roster: Person[];
  expected: { creates: string[]; puts: string[]; patches: string[] };
}

const N = 10_000;
const P = 100;

function build(
  name: string,
  composition: string,
  spec: { renamed?: (i: number) => boolean; inactive?: (i: number) => boolean; absent?: (i: number) => boolean; newPeople?: number },
): Scenario {
  const seed: SeedUser[] = [];
  const roster: Person[] = [];
  const expected = { creates: [] as string[], puts: [] as string[], patches: [] as string[] };
  for (let i = 0; i < N; i++) {
    const p = person(i);
    const inactive = spec.inactive?.(i) ?? false;
    seed.push(seedOf(p, { active: !inactive }));
    if (spec.absent?.(i)) {
      expected.patches.push(p.userName);
      continue;
    }
    if (inactive) expected.patches.push(p.userName);
    if (spec.renamed?.(i)) {
      roster.push(renamed(p));
      expected.puts.push(p.userName);
    } else roster.push(p);
  }
  for (let i = N; i < N + (spec.newPeople ?? 0); i++) {
    roster.push(person(i));
    expected.creates.push(person(i).userName);
  }
  return { name, composition, seed, roster, expected };
}

export function scenarios(): Scenario[] {
  return [
    build('C=0', 'roster identical to the service', {}),
    build('C=100', '25 creates + 25 renames (PUT) + 25 deactivations + 25 reactivations (PATCH)', {
      renamed: (i) => i < 25,
      inactive: (i) => i >= 25 && i < 50,
      absent: (i) => i >= 50 && i < 75,
      newPeople: 25,
    }),
    build('C=10,000 renames', '10,000 name changes (PUT)', { renamed: () => true }),
    build('C=10,000 mixed', '5,000 creates (POST) + 5,000 name changes (PUT)', { renamed: (i) => i < 5_000, newPeople: 5_000 }),
  ];
}

export type RequestCountJson = ReturnType<typeof toJson>;

export function toJson(r: RequestCountResult) {
  return { ...r, observed: compactTally(r.observed), rerun: { ...r.rerun, observed: compactTally(r.rerun.observed) } };
}

export interface RequestCountResult {
  scenario: string;
  composition: string;
  N: number;
  P: number;
  C: number;
  expectedRequests: { pageReads: number; writes: number };
  observed: RequestTally;
  clientRetries: number;
  clientThrottled: number;
  exitCode: number;
  wallMs: number;
  writesHitExactlyTheChangedUsers: boolean;
  duplicateWrites: number;
  rerun: { N: number; expectedPageReads: number; observed: RequestTally; exitCode: number };
}

/**
 * Page reads for n users: ⌈n/P⌉, plus one when the last page is full (n a multiple of P), since
 * the pager then asks once more rather than trust totalResults — that is ⌊n/P⌋ + 1.
 */
function pageReadsFor(n: number): number {
  return Math.floor(n / P) + 1;
}

async function runScenario(s: Scenario): Promise<RequestCountResult> {
  const ws = new BenchWorkspace('count');
  let emulator: RunningEmulator | undefined;
  try {
    emulator = await startEmulator({ token: BENCH_TOKEN, users: s.seed, maxPageSize: P, rateLimit: false, latencyMs: 0 });
    const idToUserName = new Map(emulator.store.list().map((u) => [u.id, u.userName]));
    ws.writeRoster(s.roster);
    const config = ws.config(emulator.url, { requestsPerMinute: 20_000, pageSize: P });
    const started = performance.now();
    const first = await runSync(config, { dryRun: false }, quietLogger());
    const wallMs = performance.now() - started;
    const log = [...emulator.requestLog];
    const observed = tally(log);

    // Which users were written to, per method, compared with the users that needed it.
    const writtenBy = (method: string) =>
      log
        .filter((e) => e.method === method)
        .map((e) =>
          method === 'POST' ? String((e.body as { userName?: string }).userName) : (idToUserName.get(decodeURIComponent(e.path.split('/').pop()!)) ?? '?'),
        );
    const posts = writtenBy('POST');
    const puts = writtenBy('PUT');
    const patches = writtenBy('PATCH');
    const sameSet = (a: string[], b: string[]) => {
      const set = new Set(a);
      return a.length === b.length && set.size === a.length && b.every((x) => set.has(x));
    };
    const exact = sameSet(posts, s.expected.creates) && sameSet(puts, s.expected.puts) && sameSet(patches, s.expected.patches);
    const duplicateWrites =
      posts.length +
      puts.length +
      patches.length -
      new Set([...posts.map((p) => `POST ${p}`), ...puts.map((p) => `PUT ${p}`), ...patches.map((p) => `PATCH ${p}`)]).size;
    const C = s.expected.creates.length + s.expected.puts.length + s.expected.patches.length;

    // A second run right after must cost only the page reads.
    const before = emulator.requestLog.length;
    const second = await runSync(config, { dryRun: false }, quietLogger());
    const rerunLog = emulator.requestLog.slice(before);
    const n2 = emulator.store.size;
    return {
      scenario: s.name,
      composition: s.composition,
      N,
      P,
      C,
      expectedRequests: { pageReads: pageReadsFor(N), writes: C },
      observed,
      clientRetries: first.report.requests.retries,
      clientThrottled: first.report.requests.throttled,
      exitCode: first.exitCode,
      wallMs,
      writesHitExactlyTheChangedUsers: exact,
      duplicateWrites,
      rerun: { N: n2, expectedPageReads: pageReadsFor(n2), observed: tally(rerunLog), exitCode: second.exitCode },
    };
  } finally {
    await emulator?.close();
    ws.cleanup();
  }
}

export async function benchRequestCount(log: (line: string) => void = () => undefined): Promise<{ results: RequestCountResult[]; figures: Figure[] }> {
  const results: RequestCountResult[] = [];
  const figures: Figure[] = [];
  for (const s of scenarios()) {
    log(`  request count: ${s.name} (${s.composition})`);
    const r = await runScenario(s);
    results.push(r);
    const o = r.observed;
    const formulaMet =
      o.pageReads === r.expectedRequests.pageReads &&
      o.writes === r.expectedRequests.writes &&
      o.getById === 0 &&
      o.filterLookups === 0 &&
      o.getsAfterFirstWrite === 0 &&
      r.writesHitExactlyTheChangedUsers &&
      r.duplicateWrites === 0;
    figures.push({
      target: '1 request count',
      metric: `N=10,000 P=100 ${r.scenario}: page reads + writes`,
      value: `${o.pageReads} + ${o.writes}`,
      goal: `= ${r.expectedRequests.pageReads} + ${r.expectedRequests.writes}`,
      met: formulaMet,
      margin: formulaMet ? 'exact' : `off by ${o.pageReads - r.expectedRequests.pageReads} reads, ${o.writes - r.expectedRequests.writes} writes`,
    });
    figures.push({
      target: '1 request count',
      metric: `  ${r.scenario}: other requests`,
      value: `${o.discovery} GET /ServiceProviderConfig, ${o.getById} GET /Users/{id}, ${o.filterLookups} filter lookups, ${o.getsAfterFirstWrite} GETs after a write`,
      goal: 'no per-user or post-write GET',
      met: o.getById === 0 && o.filterLookups === 0 && o.getsAfterFirstWrite === 0,
      margin: o.discovery > 0 ? `+${o.discovery} discovery GET per run (outside ⌊N/P⌋ + 1 + C)` : undefined,
    });
    figures.push({
      target: '1 request count',
      metric: `  ${r.scenario}: retries / 429s / wall`,
      value: `${r.clientRetries} retries, ${o.status429} × 429, ${(r.wallMs / 1000).toFixed(1)} s`,
    });
    figures.push({
      target: '1 request count',
      metric: `  ${r.scenario}: second run (N=${r.rerun.N.toLocaleString('en-US')})`,
      value: `${r.rerun.observed.pageReads} + ${r.rerun.observed.writes}`,
      goal: `= ${r.rerun.expectedPageReads} + 0`,
      met: r.rerun.observed.pageReads === r.rerun.expectedPageReads && r.rerun.observed.writes === 0,
    });
  }
  return { results, figures };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { results, figures } = await benchRequestCount((l) => process.stderr.write(l + '\n'));
  const { printTable } = await import('./lib/table.js');
  printTable(figures);
  process.stdout.write(JSON.stringify(results.map(toJson), null, 2) + '\n');
}
