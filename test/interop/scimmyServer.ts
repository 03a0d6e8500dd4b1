/**
 * A real RFC 7644 service that is not ours: SCIMMY (schema, filters, PatchOp, ListResponse) and
 * scimmy-routers (the HTTP endpoints) on express@4, with an in-memory user store behind SCIMMY's
 * resource handlers. Interop tests run the sync against it to catch what our own emulator can't:
 * places where we and an independent implementation read the RFC differently.
 *
 * SCIMMY is a module-level singleton: resources, handlers and the service provider config are
 * global to the process. So the User handlers are declared once per process, and find the store
 * of the server a request came to through the router's `context` (one store per server), which
 * lets several servers run in one vitest worker.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo, Socket } from 'node:net';
import express from 'express';
import SCIMMY from 'scimmy';
import SCIMMYRouters from 'scimmy-routers';

export interface SeedUser {
  userName: string;
  givenName: string;
  familyName: string;
  externalId?: string;
  active?: boolean;
}

/** A user as the server holds it: whatever SCIMMY's schema let through on write, plus id and meta. */
export interface StoredUser {
  id: string;
  userName: string;
  externalId?: string;
  name?: { givenName?: string; familyName?: string; [k: string]: unknown };
  /** Absent when the last write didn't carry it (PUT replaces the whole resource). */
  active?: boolean;
  meta: { resourceType: 'User'; created: string; lastModified: string };
  [attribute: string]: unknown;
}

/** A group as the server holds it (RFC 7643 §4.2): displayName, members by user id. */
export interface StoredGroup {
  id: string;
  displayName: string;
  members?: { value: string; display?: string; type?: string }[];
  meta: { resourceType: 'Group'; created: string; lastModified: string };
}

export interface RecordedRequest {
  method: string;
  /** Path below the base URL, with the query string, e.g. `/Users?startIndex=1&count=10`. */
  path: string;
  status: number;
  /** The parsed request body (writes). */
  body?: unknown;
  /** The response body as sent (JSON parsed when possible). */
  response?: unknown;
}

export interface ScimmyServer {
  /** Base URL: `${url}/Users` is the users endpoint. */
  url: string;
  users(): StoredUser[];
  groups(): StoredGroup[];
  /** Adds a group directly, as an admin would by hand; members by userName. */
  addGroup(displayName: string, memberUserNames?: string[]): StoredGroup;
  requests: RecordedRequest[];
  /** Adds a user directly, as an admin would by hand (e.g. from `onRequest`, to stage a race). */
  addUser(user: SeedUser): StoredUser;
  /** Called as each request arrives, before scimmy handles it. */
  onRequest?: (request: { method: string; path: string }) => void;
  close(): Promise<void>;
}

export interface ScimmyServerOptions {
  token: string;
  users?: SeedUser[];
  /**
   * `filter.maxResults` advertised in /ServiceProviderConfig, and enforced: a list page never holds
   * more (RFC 7644 §3.4.2.4 lets the service return fewer than `count`). SCIMMY's default is 200.
   * It is process-global config: servers running at the same time should agree on it.
   */
  maxResults?: number;
  /** Limits of SCIMMY's own `POST /Bulk`, which scimmy-routers always offers (default 1000 operations, 1 MiB); process-global like maxResults. */
  bulk?: { maxOperations: number; maxPayloadSize?: number };
}

const BASE_PATH = '/scim';
const SCIMMY_DEFAULT_MAX_RESULTS = 200;

/** Per-server state, handed to SCIMMY's handlers as their `ctx`. */
class UserStore {
  private readonly byId = new Map<string, StoredUser>();

  constructor(readonly maxResults: number) {}

  list(): StoredUser[] {
    return [...this.byId.values()];
  }

  get(id: string): StoredUser | undefined {
    return this.byId.get(id);
  }

  /** Create (no id) or replace (id): RFC 7644 §3.5.1 PUT replaces, and SCIMMY's PATCH ends in a write of the patched whole. */
  write(id: string | undefined, attributes: Record<string, unknown>): StoredUser {
    const userName = attributes.userName;
    if (typeof userName !== 'string' || userName === '') {
      throw new SCIMMY.Types.Error(400, 'invalidValue', 'userName is required');
    }
    const previous = id === undefined ? undefined : this.byId.get(id);
    if (id !== undefined && !previous) throw notFound(`Resource ${id} not found`);
    // userName is caseExact false and uniqueness server (RFC 7643 §4.1.1).
    const clash = this.list().find((u) => u.id !== id && u.userName.toLowerCase() === userName.toLowerCase());
    if (clash) throw new SCIMMY.Types.Error(409, 'uniqueness', `userName ${userName} is already taken`);
    const now = new Date().toISOString();
    const { schemas: _schemas, id: _id, meta: _meta, ...rest } = attributes;
    const user = {
      ...rest,
      id: previous?.id ?? randomUUID(),
      meta: { resourceType: 'User', created: previous?.meta.created ?? now, lastModified: now },
    } as StoredUser;
    this.byId.set(user.id, user);
    return structuredClone(user);
  }

  remove(id: string): void {
    if (!this.byId.delete(id)) throw notFound(`Resource ${id} not found`);
    for (const group of this.groups.values()) group.members = group.members?.filter((m) => m.value !== id);
  }

  readonly groups = new Map<string, StoredGroup>();

  /** Create or replace a group; displayName is unique ignoring case (RFC 7643 §4.2: not caseExact). */
  writeGroup(id: string | undefined, attributes: Record<string, unknown>): StoredGroup {
    const displayName = attributes.displayName;
    if (typeof displayName !== 'string' || displayName === '') throw new SCIMMY.Types.Error(400, 'invalidValue', 'displayName is required');
    const previous = id === undefined ? undefined : this.groups.get(id);
    if (id !== undefined && !previous) throw notFound(`Resource ${id} not found`);
    const clash = [...this.groups.values()].find((g) => g.id !== id && g.displayName.toLowerCase() === displayName.toLowerCase());
    if (clash) throw new SCIMMY.Types.Error(409, 'uniqueness', `displayName ${displayName} is already taken`);
    const members = Array.isArray(attributes.members) ? (attributes.members as { value: string }[]) : [];
    for (const m of members) if (!this.byId.has(m.value)) throw new SCIMMY.Types.Error(400, 'invalidValue', `no user ${m.value}`);
    const now = new Date().toISOString();
    const group: StoredGroup = {
      id: previous?.id ?? randomUUID(),
      displayName,
      members: members.map((m) => ({ value: m.value, display: this.byId.get(m.value)?.userName, type: 'User' })),
      meta: { resourceType: 'Group', created: previous?.meta.created ?? now, lastModified: now },
    };
    this.groups.set(group.id, group);
    return structuredClone(group);
  }
}

/** A 404 without a scimType (RFC 7644 §3.12 defines none for it); the typings want a string, SCIMMY itself passes null. */
function notFound(message: string): Error {
  return new SCIMMY.Types.Error(404, null as unknown as string, message);
}

let declared = false;
let groupsDeclared = false;

/** Declares SCIMMY's Group resource once per process, on the request's store (like the users). */
function declareGroupsOnce(): void {
  if (groupsDeclared || SCIMMY.Resources.declared(SCIMMY.Resources.Group)) {
    groupsDeclared = true;
    return;
  }
  const storeOf = (ctx: unknown): UserStore => {
    if (!(ctx instanceof UserStore)) throw new SCIMMY.Types.Error(500, 'invalidValue', 'no store in the request context');
    return ctx;
  };
  SCIMMY.Resources.declare(SCIMMY.Resources.Group)
    .ingress((resource, instance, ctx) => storeOf(ctx).writeGroup(resource.id, JSON.parse(JSON.stringify(instance)) as Record<string, unknown>) as never)
    .egress((resource, ctx) => {
      const store = storeOf(ctx);
      if (resource.id) {
        const group = store.groups.get(resource.id);
        if (!group) throw notFound(`Resource ${resource.id} not found`);
        return structuredClone(group);
      }
      const all = [...store.groups.values()].map((g) => structuredClone(g));
      const matching = resource.filter ? resource.filter.match(all) : all;
      if (resource.constraints) resource.constraints.count = Math.min(resource.constraints.count ?? 20, store.maxResults);
      return matching as never;
    })
    .degress((resource, ctx) => {
      if (!storeOf(ctx).groups.delete(resource.id!)) throw notFound(`Resource ${resource.id} not found`);
    });
  groupsDeclared = true;
}

/** Declares SCIMMY's User resource once per process, with handlers that act on the request's store. */
function declareUsersOnce(): void {
  if (declared || SCIMMY.Resources.declared(SCIMMY.Resources.User)) {
    declared = true;
    return;
  }
  const storeOf = (ctx: unknown): UserStore => {
    if (!(ctx instanceof UserStore)) throw new SCIMMY.Types.Error(500, 'invalidValue', 'no user store in the request context');
    return ctx;
  };
  // Like most RFC servers, accept the enterprise extension (department, employeeNumber, manager…).
  SCIMMY.Resources.User.extend(SCIMMY.Schemas.EnterpriseUser, false);
  SCIMMY.Resources.declare(SCIMMY.Resources.User)
    .ingress((resource, instance, ctx) => {
      // `instance` is a SCIMMY.Schemas.User already coerced for "in": read-only attributes dropped.
      const attributes = JSON.parse(JSON.stringify(instance)) as Record<string, unknown>;
      return storeOf(ctx).write(resource.id, attributes);
    })
    .egress((resource, ctx) => {
      const store = storeOf(ctx);
      if (resource.id) {
        const user = store.get(resource.id);
        if (!user) throw notFound(`Resource ${resource.id} not found`);
        return structuredClone(user);
      }
      // SCIMMY doesn't filter for us, but parses `filter` into `resource.filter`, whose `match()`
      // applies it. It does paginate: ListResponse slices the full list by startIndex and count
      // (count defaults to 20 when absent), with totalResults the length of what we return.
      const all = store.list().map((u) => structuredClone(u));
      const matching = resource.filter ? resource.filter.match(all) : all;
      if (resource.constraints) {
        const count = resource.constraints.count ?? 20;
        resource.constraints.count = Math.min(count, store.maxResults);
      }
      return matching as never;
    })
    .degress((resource, ctx) => {
      storeOf(ctx).remove(resource.id!);
    });
  declared = true;
}

export async function startScimmyServer(opts: ScimmyServerOptions): Promise<ScimmyServer> {
  declareUsersOnce();
  declareGroupsOnce();
  const maxResults = opts.maxResults ?? SCIMMY_DEFAULT_MAX_RESULTS;
  const store = new UserStore(maxResults);
  const addUser = (seed: SeedUser): StoredUser =>
    store.write(undefined, {
      userName: seed.userName,
      name: { givenName: seed.givenName, familyName: seed.familyName },
      ...(seed.externalId === undefined ? {} : { externalId: seed.externalId }),
      active: seed.active ?? true,
    });
  for (const seed of opts.users ?? []) addUser(seed);

  // scimmy-routers appends to authenticationSchemes on each construction: start from none.
  // scimmy-routers turns Bulk on when constructed (maxOperations 1000, 1 MiB): it is set before (the
  // router sizes its body parser from it) and again after, so one server's limits never leak into the next.
  const bulk = { supported: true, maxOperations: opts.bulk?.maxOperations ?? 1000, maxPayloadSize: opts.bulk?.maxPayloadSize ?? 1024 * 1024 };
  SCIMMY.Config.set({ authenticationSchemes: [], filter: { supported: true, maxResults }, bulk });
  const expected = `Bearer ${opts.token}`;
  const router = new SCIMMYRouters({
    type: 'bearer',
    docUri: 'https://example.com/scim-sync/interop',
    handler: (req) => {
      if (req.header('Authorization') !== expected) throw new Error('Bearer token missing or not valid');
      return 'scim-sync';
    },
    context: () => store,
  });
  SCIMMY.Config.set({ bulk });

  const requests: RecordedRequest[] = [];
  const app = express();
  app.use(BASE_PATH, (req, res, next) => {
    const path = req.originalUrl.slice(BASE_PATH.length);
    handle.onRequest?.({ method: req.method, path });
    const send = res.send.bind(res);
    let response: unknown;
    res.send = (body?: unknown) => {
      response = typeof body === 'string' || Buffer.isBuffer(body) ? parseMaybe(String(body)) : body;
      return send(body);
    };
    res.on('finish', () => {
      const entry: RecordedRequest = { method: req.method, path, status: res.statusCode };
      if (req.body !== undefined && Object.keys(req.body as object).length > 0) entry.body = req.body;
      if (response !== undefined) entry.response = response;
      requests.push(entry);
    });
    next();
  });
  app.use(BASE_PATH, router);

  const server = app.listen(0, '127.0.0.1');
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;

  const handle: ScimmyServer = {
    url: `http://127.0.0.1:${port}${BASE_PATH}`,
    users: () => store.list().map((u) => structuredClone(u)),
    groups: () => [...store.groups.values()].map((g) => structuredClone(g)),
    addGroup: (displayName, memberUserNames = []) =>
      store.writeGroup(undefined, {
        displayName,
        members: memberUserNames.map((userName) => ({ value: store.list().find((u) => u.userName === userName)!.id })),
      }),
    requests,
    addUser,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
        for (const socket of sockets) socket.destroy();
      }),
  };
  return handle;
}

function parseMaybe(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
