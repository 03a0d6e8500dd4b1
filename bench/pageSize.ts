/**
 * Target 5 — page size. Reading 10,000 users from a service that allows 1,000 per page must
 * cost 10 requests, not 100; when config asks for 1,000 and the service caps at 100, 100
 * requests, and every user read.
 *
 *   node bench/dist/bench/pageSize.js
 */
import { pathToFileURL } from 'node:url';
import { type RunningEmulator, startEmulator } from '../src/emulator/server.js';
import { connectToService } from '../src/run/connectToService.js';
import { runSync } from '../src/run/runSync.js';
import { mappedPaths } from '../src/run/syncPolicy.js';
import { readRemoteUsers } from '../src/scim/readRemoteUsers.js';
import { person, seedOf } from './generate.js';
import { compactTally, tally } from './lib/requestLog.js';
import { type Figure, fmt } from './lib/table.js';
import { BENCH_TOKEN, BenchWorkspace, quietLogger } from './lib/workspace.js';

const N = 10_000;

export interface PageSizeCase {
  name: string;
  serviceMaxPageSize: number;
  /** undefined: the key is left out of the config. */
  configPageSize: number | undefined;
  /** 'runSync': a dry run (discovery first); 'pager': readRemoteUsers(client, configPageSize) alone, as against a service that advertises nothing. */
  via: 'runSync' | 'pager';
  expectedPageReads: number;
  /** The issue's own targets; the other cases document behaviour. */
  issueTarget: boolean;
}

// 10,000 users fill their last page exactly, so every case costs one read more than N/P: after a
// full last page the pager always asks once more (a service's totalResults may lag behind its pages).
export const CASES: PageSizeCase[] = [
  { name: 'service 1,000, config 1,000', serviceMaxPageSize: 1000, configPageSize: 1000, via: 'runSync', expectedPageReads: 11, issueTarget: true },
  {
    name: 'service caps 100 (advertised), config 1,000',
    serviceMaxPageSize: 100,
    configPageSize: 1000,
    via: 'runSync',
    expectedPageReads: 101,
    issueTarget: true,
  },
  {
    name: 'service caps 100 silently, pager asks 1,000',
    serviceMaxPageSize: 100,
    configPageSize: 1000,
    via: 'pager',
    expectedPageReads: 101,
    issueTarget: true,
  },
  {
    name: 'service 1,000, config pageSize unset',
    serviceMaxPageSize: 1000,
    configPageSize: undefined,
    via: 'runSync',
    expectedPageReads: 11,
    issueTarget: false,
  },
  { name: 'service 1,000, config 100 (admin cap)', serviceMaxPageSize: 1000, configPageSize: 100, via: 'runSync', expectedPageReads: 101, issueTarget: false },
];

export interface PageSizeResult extends PageSizeCase {
  pageReads: number;
  countAsked: number[];
  usersRead: number;
  complete: boolean;
  otherRequests: number;
  wallMs: number;
  tally: ReturnType<typeof compactTally>;
}

async function runCase(c: PageSizeCase): Promise<PageSizeResult> {
  const people = Array.from({ length: N }, (_, i) => person(i));
  const ws = new BenchWorkspace('page');
  let emulator: RunningEmulator | undefined;
  try {
    emulator = await startEmulator({
      token: BENCH_TOKEN,
      users: people.map((p) => seedOf(p)),
      maxPageSize: c.serviceMaxPageSize,
      rateLimit: false,
      latencyMs: 0,
    });
    ws.writeRoster(people);
    const config = ws.config(emulator.url, { requestsPerMinute: 20_000, pageSize: c.configPageSize });
    const t0 = performance.now();
    let usersRead: number;
    if (c.via === 'runSync') {
      const { report, exitCode } = await runSync(config, { dryRun: true }, quietLogger());
      if (exitCode !== 0) throw new Error(`${c.name}: dry run exited ${exitCode}: ${report.result} ${report.error ?? ''}`);
      usersRead = report.remote?.users ?? 0;
    } else {
      const { gate, client } = connectToService(config);
      try {
        usersRead = (await readRemoteUsers(client, c.configPageSize!, mappedPaths(config))).users.length;
      } finally {
        await gate.dispose();
        await client.close();
      }
    }
    const wallMs = performance.now() - t0;
    const t = tally(emulator.requestLog);
    return {
      ...c,
      pageReads: t.pageReads,
      countAsked: [...new Set(t.pageCounts)],
      usersRead,
      complete: usersRead === N,
      otherRequests: t.total - t.pageReads,
      wallMs,
      tally: compactTally(t),
    };
  } finally {
    await emulator?.close();
    ws.cleanup();
  }
}

export async function benchPageSize(log: (line: string) => void = () => undefined): Promise<{ results: PageSizeResult[]; figures: Figure[] }> {
  const results: PageSizeResult[] = [];
  for (const c of CASES) {
    log(`  page size: ${c.name} (${c.via})`);
    results.push(await runCase(c));
  }
  const figures: Figure[] = results.map((r) => ({
    target: '5 page size',
    metric: `N=10,000, ${r.name}${r.via === 'pager' ? ' (readRemoteUsers direct)' : ''}${r.issueTarget ? '' : ' [behaviour]'}`,
    value: `${r.pageReads} page reads (count=${r.countAsked.join('/')}), ${fmt(r.usersRead)} users${r.otherRequests ? `, +${r.otherRequests} discovery` : ''}`,
    goal: `${r.expectedPageReads} reads, all 10,000 users`,
    met: r.pageReads === r.expectedPageReads && r.complete,
    margin: r.pageReads === r.expectedPageReads ? 'exact' : `${r.pageReads - r.expectedPageReads} extra`,
  }));
  return { results, figures };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { results, figures } = await benchPageSize((l) => process.stderr.write(l + '\n'));
  const { printTable } = await import('./lib/table.js');
  printTable(figures);
  process.stdout.write(JSON.stringify(results, null, 2) + '\n');
}
