import type { RequestLogEntry } from '../../src/emulator/server.js';

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** What the emulator saw, by kind of request. */
export interface RequestTally {
  total: number;
  discovery: number;
  pageReads: number;
  /** GET /Users?filter=… */
  filterLookups: number;
  /** GET /Users/{id} */
  getById: number;
  otherGets: number;
  writes: number;
  byMethod: Record<string, number>;
  /** GETs that arrived after the first write (a read-after-write would show here). */
  getsAfterFirstWrite: number;
  status429: number;
  non2xx: number;
  /** `count` asked for on page reads, and the most users one page returned is not logged; see pageSizes. */
  pageCounts: number[];
}

export function tally(log: readonly RequestLogEntry[]): RequestTally {
  const t: RequestTally = {
    total: log.length,
    discovery: 0,
    pageReads: 0,
    filterLookups: 0,
    getById: 0,
    otherGets: 0,
    writes: 0,
    byMethod: {},
    getsAfterFirstWrite: 0,
    status429: 0,
    non2xx: 0,
    pageCounts: [],
  };
  let wrote = false;
  for (const e of log) {
    t.byMethod[e.method] = (t.byMethod[e.method] ?? 0) + 1;
    if (e.status === 429) t.status429++;
    if (e.status < 200 || e.status >= 300) t.non2xx++;
    if (WRITES.has(e.method)) {
      t.writes++;
      wrote = true;
      continue;
    }
    if (e.method !== 'GET') continue;
    if (wrote) t.getsAfterFirstWrite++;
    if (e.path.endsWith('/ServiceProviderConfig')) t.discovery++;
    else if (/\/Users$/.test(e.path) && e.query.filter !== undefined) t.filterLookups++;
    else if (/\/Users$/.test(e.path)) {
      t.pageReads++;
      t.pageCounts.push(Number(e.query.count));
    } else if (/\/Users\/[^/]+$/.test(e.path)) t.getById++;
    else t.otherGets++;
  }
  return t;
}

/** The tally without the per-page list, for JSON results (page `count`s as a set). */
export function compactTally(t: RequestTally): Omit<RequestTally, 'pageCounts'> & { pageCountsAsked: number[] } {
  const { pageCounts, ...rest } = t;
  return { ...rest, pageCountsAsked: [...new Set(pageCounts)] };
}
