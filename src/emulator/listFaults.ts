/**
 * Faults that bend a GET /Users list answer the way real services do while an admin (or another
 * tool) works on the team, or when a service's paging is simply wrong: a totalResults that lags
 * behind the pages, an order that shifts between pages, users that never run out. A client must
 * notice each of them instead of planning on part of the list. Each is the normal answer, bent;
 * the other faults (status, drop, …) live in server.ts.
 */
import { randomBytes } from 'node:crypto';
import { listResponse } from './discovery.js';
import type { Reply } from './httpIo.js';
import { USER_SCHEMA } from './userResource.js';
import type { UserStore } from './userStore.js';

export type ListFault = { type: 'misreportTotal'; totalResults: number } | { type: 'shiftPage'; by: number } | { type: 'inventUsers' };

/** The answer to a list request under `fault`; `route` answers a (possibly rewritten) URL normally. */
export function bentList(fault: ListFault, url: URL, route: (url: URL) => Reply, maxPageSize: number): Reply {
  const asked = Number(url.searchParams.get('startIndex') ?? '1') || 1;
  switch (fault.type) {
    case 'misreportTotal':
      return withBody(route(url), (body) => ({ ...body, totalResults: fault.totalResults }));
    case 'shiftPage': {
      const shifted = new URL(url);
      shifted.searchParams.set('startIndex', String(Math.max(1, asked - fault.by)));
      return withBody(route(shifted), (body) => ({ ...body, startIndex: asked }));
    }
    case 'inventUsers': {
      const normal = route(url);
      const count = Math.min(Number(url.searchParams.get('count') ?? maxPageSize) || maxPageSize, maxPageSize);
      const invented = Array.from({ length: count }, () => {
        const id = randomBytes(24).toString('hex');
        return { schemas: [USER_SCHEMA], id, userName: `invented-${id.slice(0, 12)}@example.com`, active: true };
      });
      const total = (normal.body as { totalResults?: number } | undefined)?.totalResults ?? 0;
      return { status: 200, body: listResponse(invented, total, asked) };
    }
  }
}

/** Removes (by userName) and adds users, as another admin would between two of our requests. */
export function changeTeam(store: UserStore, change: { remove?: string[]; add?: Parameters<UserStore['add']>[0][] }): void {
  for (const userName of change.remove ?? []) {
    const user = store.findByUserName(userName);
    if (user) store.remove(user.id);
  }
  for (const seed of change.add ?? []) store.add(seed);
}

function withBody(reply: Reply, bend: (body: Record<string, unknown>) => Record<string, unknown>): Reply {
  if (reply.status !== 200 || typeof reply.body !== 'object' || reply.body === null) return reply;
  return { ...reply, body: bend(reply.body as Record<string, unknown>) };
}
