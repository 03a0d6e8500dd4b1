/**
 * Groups — the request count of a run that keeps departments as SCIM groups. Goal, exactly:
 *
 *   ⌈U/P⌉ page reads of /Users + ⌈G/P⌉ page reads of /Groups + user writes + group writes,
 *
 * where group writes = group creates + Σ over groups and directions ⌈changes/chunk⌉ (a new group's
 * first `chunk` members travel in its POST, so they are not changes), and no GET per user or per
 * group. Discovery (/ServiceProviderConfig, /ResourceTypes) is counted apart. The expected figures
 * are worked out here from the scenario, by set arithmetic, not by asking the planner.
 *
 * U = 10,025 accounts (P = 100), 50 departments of ~200 people plus "All Staff", 250 hand-made
 * groups nobody manages; 30 departments exist already (adopted), 20 and All Staff are new; 100
 * people changed department, 25 new hires, 25 leavers; chunk = 100.
 *
 *   node bench/dist/bench/groups.js
 */
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { type SeedGroup, type SeedUser, startEmulator } from '../src/emulator/server.js';
import { runSync } from '../src/run/runSync.js';
import { person, seedOf } from './generate.js';
import { type Figure, fmt } from './lib/table.js';
import { BENCH_TOKEN, BenchWorkspace, quietLogger } from './lib/workspace.js';

const P = 100;
const CHUNK = 100;
const STAYING = 10_000;
const LEAVERS = 25;
const HIRES = 25;
const MOVED = 100;
const DEPARTMENTS = 50;
const EXISTING_DEPARTMENTS = 30;
const HAND_MADE = 250;

export interface GroupsResult {
  U: number;
  G: number;
  P: number;
  chunk: number;
  expected: { userPageReads: number; groupPageReads: number; userWrites: number; groupWrites: number; total: number };
  observed: { discovery: number; userPageReads: number; groupPageReads: number; userWrites: number; groupWrites: number; otherGets: number; total: number };
  rerun: { writes: number; total: number };
  exitCode: number;
  wallMs: number;
}

const dept = (d: number) => `Dept - ${String(d).padStart(2, '0')}`;
const ceilDiv = (a: number, b: number) => Math.ceil(a / b);

export async function benchGroups(log: (line: string) => void = () => {}): Promise<{ results: GroupsResult; figures: Figure[] }> {
  // Who is where: person i is in department i % 50 on the service; the first MOVED of them moved one up.
  const departmentOf = (i: number) => (i < MOVED ? (i + 1) % DEPARTMENTS : i % DEPARTMENTS);
  const seed: SeedUser[] = [];
  for (let i = 0; i < STAYING + LEAVERS; i++) seed.push(seedOf(person(i)));
  const served = new Map<string, string[]>(); // department groups on the service, by name: userNames
  for (let d = 0; d < EXISTING_DEPARTMENTS; d++) served.set(dept(d), []);
  for (let i = 0; i < STAYING + LEAVERS; i++) served.get(dept(i % DEPARTMENTS))?.push(person(i).userName);
  const groups: SeedGroup[] = [
    ...[...served].map(([displayName, members]) => ({ displayName, members })),
    ...Array.from({ length: HAND_MADE }, (_, k) => ({ displayName: `Project ${k}`, members: [person(k).userName] })),
  ];

  // The roster: everyone staying (with their department now) and the new hires; leavers are gone.
  const wanted = new Map<string, Set<string>>([['All Staff', new Set()]]);
  const lines = ['employee_id,email,first_name,last_name,status,department'];
  for (let i = 0; i < STAYING + HIRES; i++) {
    const p = i < STAYING ? person(i) : person(STAYING + LEAVERS + (i - STAYING));
    const d = i < STAYING ? departmentOf(i) : i % DEPARTMENTS;
    lines.push([p.externalId, p.userName, p.givenName, p.familyName, 'active', String(d).padStart(2, '0')].join(','));
    for (const name of [dept(d), 'All Staff']) (wanted.get(name) ?? wanted.set(name, new Set()).get(name)!).add(p.userName);
  }

  // Expected group writes, by set arithmetic on the scenario.
  let groupWrites = 0;
  for (const [name, members] of wanted) {
    const current = served.get(name);
    if (!current) {
      groupWrites += 1 + ceilDiv(Math.max(0, members.size - CHUNK), CHUNK);
      continue;
    }
    const adds = [...members].filter((m) => !current.includes(m)).length;
    const removes = current.filter((m) => !members.has(m)).length;
    groupWrites += ceilDiv(adds, CHUNK) + ceilDiv(removes, CHUNK);
  }
  const U = seed.length;
  const G = groups.length;
  const userWrites = HIRES + LEAVERS; // POST per hire, PATCH active=false per leaver
  const expected = { userPageReads: ceilDiv(U, P), groupPageReads: ceilDiv(G, P), userWrites, groupWrites, total: 0 };
  expected.total = expected.userPageReads + expected.groupPageReads + userWrites + groupWrites;

  const emulator = await startEmulator({ token: BENCH_TOKEN, rateLimit: false, maxPageSize: 1_000, users: seed, groups });
  const ws = new BenchWorkspace('groups');
  try {
    writeFileSync(ws.rosterPath, lines.join('\n') + '\n');
    const config = ws.config(
      emulator.url,
      { pageSize: P },
      { groups: { from: [{ template: 'Dept - {department}' }, { template: 'All Staff' }], membersPerRequest: CHUNK, maxMemberRemovals: '100%' } },
    );
    log(`  groups: U = ${U}, G = ${G}, P = ${P}, chunk = ${CHUNK} …`);
    const t0 = performance.now();
    const first = await runSync(config, { dryRun: false }, quietLogger());
    const wallMs = performance.now() - t0;
    const entries = emulator.requestLog;
    const isWrite = (m: string) => m !== 'GET';
    const observed = {
      discovery: entries.filter((r) => /\/(ServiceProviderConfig|ResourceTypes)$/.test(r.path)).length,
      userPageReads: entries.filter((r) => r.method === 'GET' && r.path.endsWith('/Users')).length,
      groupPageReads: entries.filter((r) => r.method === 'GET' && r.path.endsWith('/Groups')).length,
      userWrites: entries.filter((r) => isWrite(r.method) && r.path.includes('/Users')).length,
      groupWrites: entries.filter((r) => isWrite(r.method) && r.path.includes('/Groups')).length,
      otherGets: entries.filter((r) => r.method === 'GET' && !/\/(Users|Groups|ServiceProviderConfig|ResourceTypes)$/.test(r.path)).length,
      total: entries.length,
    };
    const before = entries.length;
    const second = await runSync(config, { dryRun: false }, quietLogger());
    const rerun = { writes: entries.slice(before).filter((r) => isWrite(r.method)).length, total: entries.length - before };
    if (second.exitCode !== 0) log(`  second run exit ${second.exitCode}`);
    const results: GroupsResult = { U, G, P, chunk: CHUNK, expected, observed, rerun, exitCode: first.exitCode, wallMs: Math.round(wallMs) };
    const counted = observed.userPageReads + observed.groupPageReads + observed.userWrites + observed.groupWrites;
    const exact =
      first.exitCode === 0 &&
      observed.otherGets === 0 &&
      observed.userPageReads === expected.userPageReads &&
      observed.groupPageReads === expected.groupPageReads &&
      observed.userWrites === expected.userWrites &&
      observed.groupWrites === expected.groupWrites;
    const figures: Figure[] = [
      {
        target: 'G',
        metric: `groups: U=${fmt(U)}, G=${G}, P=${P}, chunk=${CHUNK}: ⌈U/P⌉ + ⌈G/P⌉ + user writes + group writes`,
        value: `${observed.userPageReads} + ${observed.groupPageReads} + ${observed.userWrites} + ${observed.groupWrites} = ${counted}`,
        goal: `${expected.userPageReads} + ${expected.groupPageReads} + ${expected.userWrites} + ${expected.groupWrites} = ${expected.total}, no GET per user or group`,
        met: exact && counted === expected.total,
        margin: `+ ${observed.discovery} discovery GETs; ${fmt(wallMs / 1000)} s wall (rate limit off)`,
      },
      {
        target: 'G',
        metric: '  groups: a second run right after',
        value: `${rerun.writes} writes (${rerun.total} requests)`,
        goal: '0 writes',
        met: rerun.writes === 0 && second.exitCode === 0,
      },
    ];
    return { results, figures };
  } finally {
    await emulator.close();
    ws.cleanup();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { results, figures } = await benchGroups((l) => process.stderr.write(l + '\n'));
  const { printTable } = await import('./lib/table.js');
  printTable(figures);
  process.stdout.write(JSON.stringify(results, null, 2) + '\n');
}
