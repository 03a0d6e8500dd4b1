/** What every dialect's /Users route functions are given and what they return to the server. */
import { renderError, type ErrorSpec } from './errorBodies.js';
import type { Reply } from './httpIo.js';
import type { UserStore } from './userStore.js';

export interface UsersContext {
  store: UserStore;
  /** e.g. http://127.0.0.1:PORT/scim/v2 — for Location headers. */
  baseUrl: string;
  maxPageSize: number;
  repeatFirstPageBeyondEnd: boolean;
  omitItemsPerPage: boolean;
  numericStatusInErrors: boolean;
}

export function errorReply(ctx: Pick<UsersContext, 'numericStatusInErrors'>, spec: ErrorSpec): Reply {
  return { status: spec.status, body: renderError(spec, ctx.numericStatusInErrors) };
}

/** The /Users endpoints of one dialect, as pure request → Reply functions. */
export interface UsersHandlers {
  list(params: URLSearchParams): Reply;
  get(id: string): Reply;
  create(body: unknown): Reply;
  replace(id: string, body: unknown): Reply;
  patch(id: string, body: unknown): Reply;
  remove(id: string): Reply;
  /** The Allow header for /Users/{id} (405 answers). */
  itemMethods: string;
  /** Request media types parsed as JSON besides application/json and application/scim+json. */
  extraJsonTypes: readonly string[];
}
