/**
 * Target 2 — budget use. The emulator limits at 180 requests per rolling 60 s and answers after
 * 150 ms; a run of 600 writes at `requestsPerMinute: 175` must sustain ≥ 97 % of 175 per minute
 * in steady state, never exceed 175 in any rolling 60 s window, and get zero 429s. All figures
 * come from the emulator's request log (`at`, arrival times).
 *
 * The 600 writes: 150 creates (POST), 150 renames (PUT), 150 deactivations and 150 reactivations
 * (PATCH), against a team of 450 — so 5 page reads (P = 100) and 1 discovery GET come first.
 *
 *   node bench/dist/bench/budget.js              # real time: ~3.5 minutes → bench/results/budget.json
 *   node bench/dist/bench/budget.js --scale 0.1  # window 6 s (gate and emulator), latency 15 ms
 *                                                #   → bench/results/budget-scaled.json
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { type RunningEmulator, type SeedUser, startEmulator } from '../src/emulator/server.js';
import { runSync } from '../src/run/runSync.js';
import { type Person, person, renamed, seedOf } from './generate.js';
import { describeMachine } from './lib/machine.js';
import { RESULTS_DIR } from './lib/paths.js';
import { compactTally, tally } from './lib/requestLog.js';
import { type Figure, fmt, printTable } from './lib/table.js';
import { averageRate, gapStats, maxInAnyWindow, minInFullWindows } from './lib/windows.js';
import { BENCH_TOKEN, BenchWorkspace, quietLogger } from './lib/workspace.js';

const RPM = 175;
const SERVICE_LIMIT = 180;
const WRITES_PER_KIND = 150;

export interface BudgetResult {
  scale: number;
  windowMs: number;
  latencyMs: number;
  requestsPerMinute: number;
  serviceLimit: string;
  concurrency: number;
  gateMinSpacingMs: number;
  requests: number;
  writes: number;
  status429: number;
  clientRetries: number;
  exitCode: number;
  succeeded: number;
  wallMs: number;
  /** (n − 1) / (last − first arrival), per window. */
  achievedPerWindow: number;
  /** Same, writes only (from the first write's arrival to the last's). */
  achievedWritesPerWindow: number;
  /** Fewest arrivals in any full window inside the run: the sustained rate. */
  minInFullWindow?: number;
  /** Most arrivals in any rolling window. */
  maxInAnyWindow: number;
  arrivalGapsMs?: ReturnType<typeof gapStats>;
  tally: ReturnType<typeof compactTally>;
}

function team(): { seed: SeedUser[]; roster: Person[] } {
  const seed: SeedUser[] = [];
  const roster: Person[] = [];
  const k = WRITES_PER_KIND;
  for (let i = 0; i < 3 * k; i++) {
    const p = person(i);
    if (i < k) {
      seed.push(seedOf(p)); // renamed in the roster → PUT
      roster.push(renamed(p));
    } else if (i < 2 * k) {
      seed.push(seedOf(p)); // missing from the roster → PATCH active=false
    } else {
      seed.push(seedOf(p, { active: false })); // active in the roster → PATCH active=true
      roster.push(p);
    }
  }
  for (let i = 3 * k; i < 4 * k; i++) roster.push(person(i)); // new → POST
  return { seed, roster };
}

export async function benchBudget(scale = 1, log: (line: string) => void = () => undefined): Promise<{ result: BudgetResult; figures: Figure[] }> {
  const windowMs = Math.round(60_000 * scale);
  const latencyMs = Math.round(150 * scale);
  const { seed, roster } = team();
  const ws = new BenchWorkspace('budget');
  let emulator: RunningEmulator | undefined;
  let ticker: NodeJS.Timeout | undefined;
  try {
    emulator = await startEmulator({
      token: BENCH_TOKEN,
      users: seed,
      maxPageSize: 100,
      latencyMs,
      rateLimit: { max: SERVICE_LIMIT, windowMs, retryAfter: 'seconds' },
    });
    ws.writeRoster(roster);
    const concurrency = 4;
    // Retry settings at their defaults, as in production (none is expected to be needed).
    const config = ws.config(emulator.url, { requestsPerMinute: RPM, concurrency, pageSize: 100, retry: undefined }, { sync: { maxDeactivations: '100%' } });
    const t0 = performance.now();
    const em = emulator;
    ticker = setInterval(() => log(`    ${fmt((performance.now() - t0) / 1000, 0)} s: ${em.requestLog.length} requests`), Math.max(5_000, windowMs / 2));
    const { exitCode, report } = await runSync(config, { dryRun: false, rateWindowMs: windowMs }, quietLogger());
    const wallMs = performance.now() - t0;
    clearInterval(ticker);

    const log_ = emulator.requestLog;
    const times = log_.map((e) => e.at);
    const writeTimes = log_.filter((e) => e.method !== 'GET').map((e) => e.at);
    const t = tally(log_);
    const result: BudgetResult = {
      scale,
      windowMs,
      latencyMs,
      requestsPerMinute: RPM,
      serviceLimit: `${SERVICE_LIMIT}/${windowMs} ms`,
      concurrency,
      gateMinSpacingMs: Math.ceil(windowMs / RPM),
      requests: log_.length,
      writes: t.writes,
      status429: t.status429,
      clientRetries: report.requests.retries,
      exitCode,
      succeeded: report.operations.filter((o) => o.outcome === 'succeeded').length,
      wallMs,
      achievedPerWindow: averageRate(times, windowMs) ?? NaN,
      achievedWritesPerWindow: averageRate(writeTimes, windowMs) ?? NaN,
      minInFullWindow: minInFullWindows(times, windowMs),
      maxInAnyWindow: maxInAnyWindow(times, windowMs),
      arrivalGapsMs: gapStats(times),
      tally: compactTally(t),
    };
    return { result, figures: budgetFigures(result) };
  } finally {
    if (ticker) clearInterval(ticker);
    await emulator?.close();
    ws.cleanup();
  }
}

export function budgetFigures(r: BudgetResult): Figure[] {
  const label = r.scale === 1 ? 'real time (60 s window)' : `scaled ×${r.scale} (${fmt(r.windowMs / 1000, 0)} s window, ${r.latencyMs} ms latency)`;
  const per = r.scale === 1 ? '/min' : `/${fmt(r.windowMs / 1000, 0)} s`;
  const floor = 0.97 * RPM;
  const t = '2 budget use';
  return [
    {
      target: t,
      metric: `${label}: run`,
      value: `${r.writes} writes (${r.succeeded} succeeded, exit ${r.exitCode}) + ${r.requests - r.writes} GETs in ${fmt(r.wallMs / 1000, 1)} s; gate spacing ${r.gateMinSpacingMs} ms`,
    },
    {
      target: t,
      metric: '  achieved rate, first→last request',
      value: `${fmt(r.achievedPerWindow, 2)}${per} (writes only ${fmt(r.achievedWritesPerWindow, 2)})`,
      goal: `≥ ${fmt(floor, 2)}${per} (97 % of ${RPM})`,
      met: r.achievedPerWindow >= floor,
      margin: `${fmt((r.achievedPerWindow / RPM) * 100, 2)} % of ${RPM}`,
    },
    {
      target: t,
      metric: '  sustained: fewest in any full window',
      value: r.minInFullWindow === undefined ? 'run shorter than a window' : `${r.minInFullWindow}${per}`,
      goal: `≥ ${fmt(floor, 2)}${per}`,
      met: r.minInFullWindow !== undefined && r.minInFullWindow >= floor,
      margin: r.minInFullWindow === undefined ? undefined : `${fmt((r.minInFullWindow / RPM) * 100, 1)} % of ${RPM}`,
    },
    {
      target: t,
      metric: '  most in any rolling window',
      value: `${r.maxInAnyWindow}${per}`,
      goal: `≤ ${RPM}`,
      met: r.maxInAnyWindow <= RPM,
      margin: r.maxInAnyWindow < RPM ? `${RPM - r.maxInAnyWindow} under` : r.maxInAnyWindow === RPM ? 'at the limit, 0 over' : `${r.maxInAnyWindow - RPM} over`,
    },
    {
      target: t,
      metric: '  429 answers / client retries',
      value: `${r.status429} / ${r.clientRetries}`,
      goal: '0',
      met: r.status429 === 0,
    },
    {
      target: t,
      metric: '  arrival gaps (min / median / p99 / max)',
      value: r.arrivalGapsMs ? `${r.arrivalGapsMs.min} / ${r.arrivalGapsMs.median} / ${r.arrivalGapsMs.p99} / ${r.arrivalGapsMs.max} ms` : '-',
      margin: `gate spacing ${r.gateMinSpacingMs} ms`,
    },
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({ options: { scale: { type: 'string', default: '1' } } });
  const scale = Number(values.scale);
  if (!(scale > 0 && scale <= 1)) {
    process.stderr.write('--scale must be in (0, 1], e.g. 0.1 for a 6 s window\n');
    process.exit(2);
  }
  process.stderr.write(
    `budget: 600 writes at ${RPM}/${fmt(60 * scale, 0)} s against a ${SERVICE_LIMIT}/${fmt(60 * scale, 0)} s limit, latency ${Math.round(150 * scale)} ms (about ${fmt(3.5 * scale, 1)} min)\n`,
  );
  const { result, figures } = await benchBudget(scale, (l) => process.stderr.write(l + '\n'));
  printTable(figures);
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, scale === 1 ? 'budget.json' : 'budget-scaled.json');
  writeFileSync(file, JSON.stringify({ machine: describeMachine(), result, figures }, null, 2) + '\n');
  process.stdout.write(`written ${file}\n`);
  process.exit(figures.every((f) => f.met !== false) ? 0 : 1);
}
