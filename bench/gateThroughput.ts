/**
 * Target 3 — throughput of the gate itself when the service is fast and unlimited: how many
 * requests per second can scim-sync push, and how much CPU does each cost, so the gate is never
 * the bottleneck. Two views:
 *   A. the RateGate alone, sending nothing (the gate's own ceiling and overhead);
 *   B. the whole live path (runSync → LiveExecutor → ScimClient → RateGate → undici) against the
 *      emulator in a separate process (rate limit off, no latency), 10,000 PUTs.
 *
 *   node bench/dist/bench/gateThroughput.js
 */
import Bottleneck from 'bottleneck';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { RateGate } from '../src/rateLimit/rateGate.js';
import { runSync } from '../src/run/runSync.js';
import { mapIter, person, range, renamed, seedOf, writeSeed } from './generate.js';
import { startEmulatorProcess } from './lib/childProcesses.js';
import { type Figure, fmt } from './lib/table.js';
import { BENCH_TOKEN, BenchWorkspace, quietLogger } from './lib/workspace.js';

export interface GateAloneResult {
  requestsPerMinute: number;
  concurrency: number;
  minSpacingMs: number;
  requests: number;
  wallMs: number;
  perSecond: number;
  cpuMicrosPerRequest: number;
}

export async function gateAlone(requestsPerMinute: number, concurrency: number, requests: number): Promise<GateAloneResult> {
  const gate = new RateGate({ requestsPerMinute, concurrency });
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(Array.from({ length: requests }, (_, i) => gate.run(() => Promise.resolve(i))));
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  await gate.dispose();
  return {
    requestsPerMinute,
    concurrency,
    minSpacingMs: gate.minSpacingMs,
    requests,
    wallMs,
    perSecond: requests / (wallMs / 1000),
    cpuMicrosPerRequest: (cpu.user + cpu.system) / requests,
  };
}

/**
 * Control: Bottleneck by itself (no RateGate around it) with minTime 0, and a bare chain of
 * setTimeout(0) — to tell the gate's own cost from its library's and the event loop's.
 */
export async function controls(requests: number): Promise<{ label: string; perSecond: number; cpuMicrosPerRequest: number }[]> {
  const out: { label: string; perSecond: number; cpuMicrosPerRequest: number }[] = [];
  const measure = async (label: string, f: () => Promise<unknown>) => {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await f();
    const wallMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    out.push({ label, perSecond: requests / (wallMs / 1000), cpuMicrosPerRequest: (cpu.user + cpu.system) / requests });
  };
  for (const minTime of [0, 1]) {
    const limiter = new Bottleneck({ minTime, maxConcurrent: 4 });
    await measure(`Bottleneck alone (minTime ${minTime}, maxConcurrent 4)`, () =>
      Promise.all(Array.from({ length: requests }, (_, i) => limiter.schedule(() => Promise.resolve(i)))),
    );
    await limiter.stop();
  }
  // Diagnostic: Bottleneck's LocalDatastore awaits yieldLoop() — a setTimeout(0), i.e. ≥ 1 ms —
  // in each datastore call. Make it a resolved promise for a moment to show what that costs
  // (RateBudget does the same on its own limiter, src/rateLimit/rateBudget.ts; the rows above
  // are Bottleneck as published).
  const datastore = createRequire(import.meta.url)('bottleneck/lib/LocalDatastore.js') as { prototype: { yieldLoop: () => Promise<void> } };
  const yieldLoop = datastore.prototype.yieldLoop;
  datastore.prototype.yieldLoop = () => Promise.resolve();
  try {
    for (const minTime of [0, 1]) {
      const limiter = new Bottleneck({ minTime, maxConcurrent: 4 });
      await measure(`diagnostic: Bottleneck, yieldLoop patched to Promise.resolve (minTime ${minTime})`, () =>
        Promise.all(Array.from({ length: requests }, (_, i) => limiter.schedule(() => Promise.resolve(i)))),
      );
      await limiter.stop();
    }
  } finally {
    datastore.prototype.yieldLoop = yieldLoop;
  }
  await measure('setTimeout(0) chain (event-loop floor)', async () => {
    for (let i = 0; i < requests; i++) await new Promise((resolve) => setTimeout(resolve, 0));
  });
  return out;
}

export interface LivePathResult {
  requestsPerMinute: number;
  concurrency: number;
  writes: number;
  /** From `executing` to the last operation done. */
  executeWallMs: number;
  perSecond: number;
  cpuMicrosPerRequest: number;
  /** Share of the execute phase the event loop was busy (1 = CPU-bound). */
  eventLoopUtilization: number;
  emulatorCpuSeconds?: number;
  emulatorCpuShare?: number;
  exitCode: number;
}

export async function livePath(seedFile: string, n: number, concurrency: number, requestsPerMinute = 20_000): Promise<LivePathResult> {
  const emulator = await startEmulatorProcess({ token: BENCH_TOKEN, seedFile, maxPageSize: 1000, rateLimit: 'off', latencyMs: 0 });
  const ws = new BenchWorkspace('gate');
  try {
    ws.writeRoster(mapIter(range(0, n), (i) => renamed(person(i))));
    const config = ws.config(emulator.url, { requestsPerMinute, concurrency, pageSize: 1000 });
    let start: { t: number; cpu: NodeJS.CpuUsage; elu: ReturnType<typeof performance.eventLoopUtilization>; emu?: number } | undefined;
    let end: typeof start;
    let done = 0;
    let total = 0;
    const result = await runSync(
      config,
      {
        dryRun: false,
        observer: {
          executing: (operations) => {
            total = operations;
            start = { t: performance.now(), cpu: process.cpuUsage(), elu: performance.eventLoopUtilization(), emu: emulator.cpuSeconds() };
          },
          operationDone: () => {
            if (++done === total) end = { t: performance.now(), cpu: process.cpuUsage(), elu: performance.eventLoopUtilization(), emu: emulator.cpuSeconds() };
          },
        },
      },
      quietLogger(),
    );
    if (!start || !end) throw new Error(`the run did not execute its plan (exit ${result.exitCode}: ${result.report.result})`);
    const wallMs = end.t - start.t;
    const cpuMicros = end.cpu.user - start.cpu.user + (end.cpu.system - start.cpu.system);
    const emu = start.emu !== undefined && end.emu !== undefined ? end.emu - start.emu : undefined;
    return {
      requestsPerMinute,
      concurrency,
      writes: total,
      executeWallMs: wallMs,
      perSecond: total / (wallMs / 1000),
      cpuMicrosPerRequest: cpuMicros / total,
      eventLoopUtilization: performance.eventLoopUtilization(end.elu, start.elu).utilization,
      emulatorCpuSeconds: emu,
      emulatorCpuShare: emu === undefined ? undefined : emu / (wallMs / 1000),
      exitCode: result.exitCode,
    };
  } finally {
    await emulator.stop();
    ws.cleanup();
  }
}

export async function benchGateThroughput(
  log: (line: string) => void = () => undefined,
): Promise<{ results: { gateAlone: GateAloneResult[]; controls: Awaited<ReturnType<typeof controls>>; livePath: LivePathResult[] }; figures: Figure[] }> {
  const figures: Figure[] = [];
  const alone: GateAloneResult[] = [];
  for (const [rpm, conc] of [
    [20_000, 4],
    [20_000, 16],
    [10_000_000, 16],
  ] as const) {
    log(`  gate alone: ${rpm}/min, concurrency ${conc}`);
    alone.push(await gateAlone(rpm, conc, 5_000));
  }
  log('  controls: Bottleneck alone, setTimeout chain');
  const control = await controls(5_000);
  for (const a of alone) {
    figures.push({
      target: '3 gate throughput',
      metric: `gate alone, rpm ${fmt(a.requestsPerMinute)}, conc ${a.concurrency} (spacing ${a.minSpacingMs} ms)`,
      value: `${fmt(a.perSecond, 0)} req/s, ${fmt(a.cpuMicrosPerRequest, 1)} µs CPU/req`,
      goal: `ceiling 1000/${a.minSpacingMs} ms = ${fmt(1000 / a.minSpacingMs, 0)}/s`,
    });
  }

  const ceiling = Math.max(...alone.map((a) => a.perSecond));
  figures.push({
    target: '3 gate throughput',
    metric: 'gate ceiling vs the largest budget config allows (20,000/min)',
    value: `${fmt(ceiling * 60, 0)}/min`,
    goal: '≥ 20,000/min (333/s)',
    met: ceiling * 60 >= 20_000, // the schema maximum of requestsPerMinute
    margin: `the gate, not the budget, limits any requestsPerMinute above ~${fmt(Math.floor((ceiling * 60) / 1000) * 1000, 0)}; ${fmt((ceiling * 60) / 180, 0)}× Postman's 180/min`,
  });
  for (const c of control) {
    figures.push({
      target: '3 gate throughput',
      metric: `control: ${c.label}`,
      value: `${fmt(c.perSecond, 0)} req/s, ${fmt(c.cpuMicrosPerRequest, 1)} µs CPU/req`,
    });
  }

  const n = 10_000;
  const seedWs = new BenchWorkspace('gate-seed');
  const seedFile = join(seedWs.dir, 'seed.json');
  writeSeed(
    seedFile,
    mapIter(range(0, n), (i) => seedOf(person(i))),
  );
  const live: LivePathResult[] = [];
  try {
    for (const conc of [4, 16]) {
      log(`  live path: 10,000 PUTs at 20,000/min, concurrency ${conc} (emulator in its own process)`);
      live.push(await livePath(seedFile, n, conc));
    }
  } finally {
    seedWs.cleanup();
  }
  for (const l of live) {
    // Postman's budget is 180/min = 3/s; "never the bottleneck" = far above any real budget.
    figures.push({
      target: '3 gate throughput',
      metric: `live path, 10,000 PUTs, conc ${l.concurrency}`,
      value: `${fmt(l.perSecond, 0)} req/s, ${fmt(l.cpuMicrosPerRequest, 0)} µs CPU/req, event loop ${fmt(l.eventLoopUtilization * 100, 0)} % busy, emulator ${l.emulatorCpuShare === undefined ? '?' : fmt(l.emulatorCpuShare * 100, 0)} % of a core`,
      goal: '≫ 3 req/s (Postman budget), CPU ≪ 1 core at budget',
      met: l.perSecond > 100 * 3,
      margin: `${fmt(l.perSecond / 3, 0)}× Postman's 3/s; at 3 req/s CPU ≈ ${fmt((l.cpuMicrosPerRequest * 3) / 10_000, 3)} % of a core`,
    });
  }
  return { results: { gateAlone: alone, controls: control, livePath: live }, figures };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { results, figures } = await benchGateThroughput((l) => process.stderr.write(l + '\n'));
  const { printTable } = await import('./lib/table.js');
  printTable(figures);
  process.stdout.write(JSON.stringify(results, null, 2) + '\n');
}
