/**
 * GET /Users query handling: startIndex/count paging (RFC 7644 §3.4.2.4) and the only filter
 * Postman supports, `userName eq "value"`.
 */

export interface ListQuery {
  /** 1-based. */
  startIndex: number;
  count: number;
  /** Set when the request filtered on userName. */
  userName?: string;
}

export type ListQueryResult = { ok: true; query: ListQuery } | { ok: false; problem: 'paging' | 'filter' };

/** Strict integers only: "10abc" or "1.5" is a client bug worth surfacing, not rounding away. */
function parseInteger(raw: string | null): number | undefined | 'invalid' {
  if (raw === null || raw.trim() === '') return undefined;
  return /^\s*[+-]?\d+\s*$/.test(raw) ? Number.parseInt(raw, 10) : 'invalid';
}

/**
 * `userName eq "value"`, with the attribute name and operator case-insensitive (RFC 7644
 * §3.4.2.2) and the value a JSON string (so \" and \\ escapes work). Anything else is
 * unsupported, like on Postman, and yields undefined.
 */
export function parseUserNameFilter(filter: string): string | undefined {
  const match = /^\s*userName\s+eq\s+("(?:[^"\\]|\\.)*")\s*$/i.exec(filter);
  if (!match?.[1]) return undefined;
  try {
    return JSON.parse(match[1]) as string;
  } catch {
    return undefined;
  }
}

/** startIndex/count only (the dialects with a real filter parse `filter` themselves). */
export function parsePaging(params: URLSearchParams, maxPageSize: number): { startIndex: number; count: number } | undefined {
  const startIndex = parseInteger(params.get('startIndex'));
  const count = parseInteger(params.get('count'));
  if (startIndex === 'invalid' || count === 'invalid') return undefined;
  return {
    // RFC 7644: startIndex < 1 is read as 1, a negative count as 0. count is capped at the
    // page size the server is willing to return, as most SaaS SCIM services do silently.
    startIndex: Math.max(1, startIndex ?? 1),
    count: Math.min(Math.max(0, count ?? maxPageSize), maxPageSize),
  };
}

export function parseListQuery(params: URLSearchParams, maxPageSize: number): ListQueryResult {
  const paging = parsePaging(params, maxPageSize);
  if (!paging) return { ok: false, problem: 'paging' };
  const query: ListQuery = { ...paging };
  const filter = params.get('filter');
  if (filter !== null && filter.trim() !== '') {
    const userName = parseUserNameFilter(filter);
    if (userName === undefined) return { ok: false, problem: 'filter' };
    query.userName = userName;
  }
  return { ok: true, query };
}

/**
 * The slice of `items` for a 1-based startIndex. With `repeatFirstPageBeyondEnd` a start past
 * the end yields the first page again — a bug seen in real services that makes naive
 * "loop until an empty page" clients spin forever or double-count users.
 */
export function pageOf<T>(items: readonly T[], startIndex: number, count: number, repeatFirstPageBeyondEnd = false): T[] {
  const start = startIndex > items.length && repeatFirstPageBeyondEnd ? 0 : startIndex - 1;
  return items.slice(start, start + count);
}
