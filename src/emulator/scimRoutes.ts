/**
 * What every dialect's /Users routes share: the handler set the server dispatches to, and the
 * list endpoint of the dialects with a real filter (nintex, generic).
 */
import { listResponse } from './discovery.js';
import type { ErrorSpec } from './errorBodies.js';
import type { Reply } from './httpIo.js';
import { pageOf, parsePaging } from './listQuery.js';
import { FilterError, filterMatcher, parseFilter } from './scimFilter.js';
import { errorReply, type UsersContext } from './usersContext.js';

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A 400 with an RFC 7644 §3.12 scimType and a detail saying what exactly is wrong. */
export function badRequest(scimType: string, detail: string): ErrorSpec {
  return { status: 400, scimType, detail };
}

/**
 * GET /Users for the RFC-style dialects: startIndex/count paging and the full filter grammar
 * (scimFilter.ts) evaluated on the resources as served — so `username eq "jo"` (Nintex's doc
 * spelling), `emails.value co "@x.io"` or `meta.created gt "…"` all work.
 */
export function listResources(ctx: UsersContext, params: URLSearchParams): Reply {
  const paging = parsePaging(params, ctx.maxPageSize);
  if (!paging) return errorReply(ctx, badRequest('invalidValue', 'startIndex and count must be integers.'));
  const filter = params.get('filter');
  if (filter === null || filter.trim() === '') {
    // Render only the page, so walking 100,000 users doesn't render them all for every page.
    const ids = pageOf(ctx.store.ids(), paging.startIndex, paging.count, ctx.repeatFirstPageBeyondEnd);
    const page = ids.flatMap((id) => ctx.store.resource(id) ?? []);
    return { status: 200, body: listResponse(page, ctx.store.size, paging.startIndex, ctx.omitItemsPerPage) };
  }
  let node;
  try {
    node = parseFilter(filter);
  } catch (error) {
    if (!(error instanceof FilterError)) throw error;
    return errorReply(ctx, badRequest('invalidFilter', `The filter is invalid: ${error.message}.`));
  }
  const matches = filterMatcher(node);
  const matching = ctx.store.resources().filter(matches);
  const page = pageOf(matching, paging.startIndex, paging.count, ctx.repeatFirstPageBeyondEnd);
  return { status: 200, body: listResponse(page, matching.length, paging.startIndex, ctx.omitItemsPerPage) };
}

/** GET /Users/{id}. */
export function getResource(ctx: UsersContext, id: string, notFound: ErrorSpec): Reply {
  const resource = ctx.store.resource(id);
  return resource ? { status: 200, body: resource } : errorReply(ctx, notFound);
}

/** 201 with the new resource and its Location. */
export function createdReply(ctx: UsersContext, id: string): Reply {
  return {
    status: 201,
    body: ctx.store.resource(id),
    headers: { Location: `${ctx.baseUrl}/Users/${encodeURIComponent(id)}` },
  };
}
