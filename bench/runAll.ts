/**
 * Runs the benchmarks of targets 1, 3, 4 and 5 and the scaled budget check (target 2 with a
 * 6 s window), prints one table and writes bench/results/latest.json. The real-time budget
 * benchmark (~3.5 min) is `bench/budget.ts` (npm run bench:budget); its last result, if any, is
 * shown at the end of the table for reference.
 *
 *   node bench/dist/bench/runAll.js [--quick]   (--quick: no 1,000,000-row run)
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { benchBudget, type BudgetResult } from './budget.js';
import { benchBulk } from './bulk.js';
import { benchGateThroughput } from './gateThroughput.js';
import { benchGroups } from './groups.js';
import { describeMachine } from './lib/machine.js';
import { RESULTS_DIR } from './lib/paths.js';
import { type Figure, printTable } from './lib/table.js';
import { benchMemory } from './memory.js';
import { benchPageSize } from './pageSize.js';
import { benchRequestCount, toJson } from './requestCount.js';
import { benchSharedBudget } from './sharedBudget.js';

const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false } } });
const log = (line: string) => process.stderr.write(line + '\n');
const machine = describeMachine();
log(`scim-sync benchmarks on ${machine.cpuCount} × ${machine.cpuModel}, ${machine.totalMemoryMB} MB, node ${machine.node}, ${machine.os}`);

const figures: Figure[] = [];
const results: Record<string, unknown> = {};
const timings: Record<string, number> = {};
async function section<T extends { figures: Figure[] }>(name: string, run: () => Promise<T>): Promise<T> {
  log(`${name} …`);
  const t0 = performance.now();
  const out = await run();
  timings[name] = Math.round(performance.now() - t0);
  figures.push(...out.figures);
  return out;
}

const count = await section('1 request count', () => benchRequestCount(log));
results.requestCount = count.results.map(toJson);

const budget = await section('2 budget use (scaled ×0.1)', () => benchBudget(0.1, log));
results.budgetScaled = budget.result;

const gate = await section('3 gate throughput', () => benchGateThroughput(log));
results.gateThroughput = gate.results;

const memoryCases = values.quick ? [{ size: 100_000 }] : [{ size: 100_000 }, { size: 1_000_000 }];
const memory = await section('4 CPU and memory', () => benchMemory(memoryCases, log));
results.memory = memory.results;

const pages = await section('5 page size', () => benchPageSize(log));
results.pageSize = pages.results;

const shared = await section('6 processes sharing one budget', () => benchSharedBudget(log));
results.sharedBudget = shared.result;
const bulk = await section('B bulk', () => benchBulk(log));
results.bulk = bulk.results;
const groupCount = await section('G groups', () => benchGroups(log));
results.groups = groupCount.results;

// The real-time budget run is separate (3.5 min); show its last result for reference.
const budgetFile = join(RESULTS_DIR, 'budget.json');
let lastRealTimeBudget: { machine: { date: string }; result: BudgetResult; figures: Figure[] } | undefined;
if (existsSync(budgetFile)) {
  lastRealTimeBudget = JSON.parse(readFileSync(budgetFile, 'utf8')) as typeof lastRealTimeBudget;
}

process.stdout.write('\n');
printTable(figures);
if (lastRealTimeBudget) {
  process.stdout.write(`\nLast real-time budget run (bench/results/budget.json, ${lastRealTimeBudget.machine.date}; npm run bench:budget):\n`);
  printTable(lastRealTimeBudget.figures);
}

mkdirSync(RESULTS_DIR, { recursive: true });
const file = join(RESULTS_DIR, 'latest.json');
writeFileSync(
  file,
  JSON.stringify(
    {
      machine,
      quick: values.quick,
      durationsMs: timings,
      figures,
      results,
      lastRealTimeBudget: lastRealTimeBudget && { date: lastRealTimeBudget.machine.date, result: lastRealTimeBudget.result },
    },
    null,
    2,
  ) + '\n',
);
const missed = figures.filter((f) => f.met === false);
process.stdout.write(
  `\nwritten ${file}; ${figures.filter((f) => f.met === true).length} goals met, ${missed.length} missed${missed.length ? `: ${missed.map((f) => f.metric.trim()).join('; ')}` : ''}\n`,
);
process.exit(0);
