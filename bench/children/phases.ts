/**
 * Child process for target 4: times each phase of a dry run by calling the pieces runSync uses,
 * directly and in order — readRoster, then discovery + readRemoteUsers, then plan — and prints
 * one JSON line with wall time, CPU time and memory after each phase, and peak RSS.
 *
 *   node bench/dist/bench/children/phases.js CONFIG [roster|full]
 */
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../../src/config/loadConfig.js';
import type { Roster } from '../../src/domain/roster.js';
import { plan } from '../../src/plan/plan.js';
import { readRoster } from '../../src/roster/readRoster.js';
import { connectToService } from '../../src/run/connectToService.js';
import { pageSizeFor } from '../../src/run/runSync.js';
import { mappedPaths, planPolicy, profileOf } from '../../src/run/syncPolicy.js';
import { discoverService } from '../../src/scim/discoverService.js';
import { readRemoteUsers } from '../../src/scim/readRemoteUsers.js';
import { BENCH_TOKEN, quietLogger } from '../lib/workspace.js';
import { runAsChild } from '../lib/childProcesses.js';

export interface PhaseFigures {
  wallMs: number;
  cpuMs: number;
  /** After the phase, before any forced GC. */
  rssMB: number;
  heapUsedMB: number;
}

export interface PhasesOutput {
  rosterRows: number;
  rosterAccepted: number;
  remoteUsers?: number;
  remotePages?: number;
  pageSize?: number;
  operations?: Record<string, number>;
  phases: Record<string, PhaseFigures>;
  /** plan() again on the same inputs, warm: median of 5. */
  planWarmMedian?: { wallMs: number; cpuMs: number };
  /** Heap still in use after a full GC at the end (the data the run must hold). */
  retainedHeapMB?: number;
  maxRssMB: number;
  /** Peak RSS before the warm re-plans (comparable with the dry run). */
  maxRssBeforeWarmMB?: number;
  /** RSS once modules are loaded and the config read, before any phase. */
  startRssMB: number;
}

const mb = (bytes: number) => bytes / 2 ** 20;

async function phase<T>(phases: Record<string, PhaseFigures>, name: string, work: () => Promise<T> | T): Promise<T> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const value = await work();
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const mem = process.memoryUsage();
  phases[name] = { wallMs, cpuMs: (cpu.user + cpu.system) / 1000, rssMB: mb(mem.rss), heapUsedMB: mb(mem.heapUsed) };
  return value;
}

async function main(): Promise<void> {
  const [configPath, mode = 'full'] = process.argv.slice(2);
  if (!configPath) throw new Error('usage: phases.js CONFIG [roster|full]');
  const config = loadConfig(configPath, { SCIM_TOKEN: BENCH_TOKEN });
  const phases: Record<string, PhaseFigures> = {};
  const startRssMB = mb(process.memoryUsage().rss);

  const roster: Roster = await phase(phases, 'csvParse', () => readRoster(config.source as Parameters<typeof readRoster>[0]));
  const out: PhasesOutput = { rosterRows: roster.rows, rosterAccepted: roster.users.length, phases, maxRssMB: 0, startRssMB };

  if (mode === 'full') {
    const logger = quietLogger();
    const { gate, client } = connectToService(config, { contentType: profileOf(config).contentType });
    try {
      const remote = await phase(phases, 'fetchAndDecode', async () => {
        const capabilities = await discoverService(client, logger);
        const pageSize = pageSizeFor(config, capabilities);
        out.pageSize = pageSize;
        return readRemoteUsers(client, pageSize, mappedPaths(config));
      });
      out.remoteUsers = remote.users.length;
      out.remotePages = remote.pages;
      const policy = planPolicy(config);
      const thePlan = await phase(phases, 'plan', () => plan(roster, remote.users, policy));
      out.operations = {};
      for (const op of thePlan.operations) out.operations[op.kind] = (out.operations[op.kind] ?? 0) + 1;
      out.operations.unchanged = thePlan.unchanged;

      out.maxRssBeforeWarmMB = process.resourceUsage().maxRSS / 1024;
      const warm: { wallMs: number; cpuMs: number }[] = [];
      for (let i = 0; i < 5; i++) {
        const cpu0 = process.cpuUsage();
        const t0 = performance.now();
        plan(roster, remote.users, policy);
        const cpu = process.cpuUsage(cpu0);
        warm.push({ wallMs: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000 });
      }
      warm.sort((a, b) => a.cpuMs - b.cpuMs);
      out.planWarmMedian = warm[2];
      // Keep roster and remote alive across the GC so the figure is what a run holds.
      if (globalThis.gc) {
        globalThis.gc();
        out.retainedHeapMB = mb(process.memoryUsage().heapUsed);
      }
      void [roster.users.length, remote.users.length];
    } finally {
      await gate.dispose();
      await client.close();
    }
  }
  out.maxRssMB = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(JSON.stringify(out) + '\n');
}

runAsChild(main);
