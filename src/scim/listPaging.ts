/*
 * The paging rules both listings follow (users in readRemoteUsers.ts, groups in
 * readRemoteGroups.ts): what counts as a list page, what `totalResults` says, and when paging
 * ends. One place, so the two reads can't drift apart on the rules that decide "we saw everything".
 */

/** A page's resources and its `totalResults`; undefined when the answer is no SCIM ListResponse. */
export function listPage(body: unknown): { resources: unknown[]; total: number | undefined } | undefined {
  const list = body as { totalResults?: unknown; Resources?: unknown } | undefined;
  const total = toCount(list?.totalResults);
  // RFC 7644 §3.4.2: an empty result may leave out `Resources`, but then totalResults says 0.
  // Anything else without a list (an HTML error page with 200, a truncated body) is not a page.
  if (Array.isArray(list?.Resources)) return { resources: list.Resources as unknown[], total };
  return total === 0 && typeof list === 'object' && list !== null ? { resources: [], total } : undefined;
}

/** `totalResults` is a number by the RFC, but some services send it as a string. */
export function toCount(value: unknown): number | undefined {
  const n = typeof value === 'string' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? n : undefined;
}

export function describeTotal(announced: number | undefined): string {
  return announced === undefined ? 'page 1 gave no totalResults' : `page 1 announced totalResults ${announced}`;
}

/**
 * Where the next page starts, and whether the one just read was the last: on by the number of
 * resources actually received (a service that caps `count` below what was asked costs more pages
 * but never skips anyone). A *full* page — as many as asked for, or as many as the longest page so
 * far (a silent cap) — is always followed by one more read, whatever `totalResults` says: a
 * service whose count lags behind its pages would otherwise hide the rest.
 */
export class PageWalk {
  startIndex = 1;
  private longest = 0;
  private pages = 0;

  constructor(private readonly pageSize: number) {}

  /** After a non-empty page of `count` resources: true when paging ends here. */
  ended(count: number, announced: number | undefined): boolean {
    this.pages++;
    const full = count >= this.pageSize || (this.pages > 1 && count >= this.longest);
    this.longest = Math.max(this.longest, count);
    this.startIndex += count;
    return !full && (announced === undefined || this.startIndex > announced);
  }
}
