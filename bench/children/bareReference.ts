/**
 * Child process for target 4's reference: the least any sync tool must do for a dry run, written
 * as plainly as possible — stream-parse the roster CSV with csv-parse (rows counted, not kept:
 * the roster can be streamed against what the service holds), then fetch every page of
 * `GET /Users` with undici and JSON-decode it into a Map by id. No validation, no planning, no
 * report. scim-sync's whole dry run is measured against this, side by side, on the same files
 * and the same emulator. Prints one JSON line.
 *
 * It loads csv-parse, undici and node's built-ins, nothing else (the token and runAsChild come
 * from bench modules that import only built-ins): its RSS and CPU are the reference's alone.
 *
 *   node bench/dist/bench/children/bareReference.js ROSTER BASE_URL PAGE_SIZE
 */
import { createReadStream } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parse } from 'csv-parse';
import { Agent, request } from 'undici';
import { runAsChild } from '../lib/childProcesses.js';
import { BENCH_TOKEN } from '../lib/benchToken.js';

export interface BareReferenceOutput {
  rows: number;
  users: number;
  pages: number;
  wallMs: number;
  /** CPU of the whole process from node's start, module loading included, like the dry run's. */
  cpuMs: number;
  /** CPU from main() on (csv-parse and undici already loaded). */
  cpuAfterLoadMs: number;
  maxRssMB: number;
}

async function main(): Promise<void> {
  const [roster, baseUrl, pageSizeArg] = process.argv.slice(2);
  if (!roster || !baseUrl || !pageSizeArg) throw new Error('usage: bareReference.js ROSTER BASE_URL PAGE_SIZE');
  const pageSize = Number(pageSizeArg);
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();

  let rows = 0;
  for await (const record of createReadStream(roster).pipe(parse({ bom: true, from_line: 2 }))) if ((record as string[]).length > 0) rows++;

  const agent = new Agent({ connections: 1 });
  const users = new Map<string, unknown>();
  let pages = 0;
  for (let startIndex = 1; ;) {
    const response = await request(`${baseUrl}/Users?startIndex=${startIndex}&count=${pageSize}`, {
      dispatcher: agent,
      headers: { authorization: `Bearer ${BENCH_TOKEN}`, accept: 'application/scim+json' },
    });
    const page = JSON.parse(await response.body.text()) as { Resources?: { id: string }[]; totalResults?: number };
    pages++;
    const resources = page.Resources ?? [];
    for (const user of resources) users.set(user.id, user);
    startIndex += resources.length;
    if (resources.length === 0 || startIndex > (page.totalResults ?? 0)) break;
  }
  await agent.close();

  const cpu = process.cpuUsage(cpu0);
  const whole = process.cpuUsage();
  const out: BareReferenceOutput = {
    rows,
    users: users.size,
    pages,
    wallMs: performance.now() - t0,
    cpuMs: (whole.user + whole.system) / 1000,
    cpuAfterLoadMs: (cpu.user + cpu.system) / 1000,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
  };
  process.stdout.write(JSON.stringify(out) + '\n');
}

runAsChild(main);
