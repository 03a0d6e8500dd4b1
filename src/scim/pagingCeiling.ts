/**
 * How many pages one pass over /Users may take, from what page 1 said: `totalResults` users at
 * the first page's length (the service's real page size, even when it caps `count` silently),
 * plus the one extra read after a full last page, plus a margin for users added while reading
 * (a few pages, or a tenth, whichever is more).
 *
 * Why a ceiling at all: a service that keeps inventing users (new ids on every page) never ends
 * paging on its own; without one a run reads for ever and holds every invented user in memory.
 * `target.maxPages` is the absolute cap on top of this, for services that give no totalResults.
 */
export function pagingCeiling(totalResults: number, firstPageLength: number): number {
  const expected = Math.floor(totalResults / Math.max(1, firstPageLength)) + 1;
  return expected + Math.max(2, Math.ceil(expected / 10));
}
