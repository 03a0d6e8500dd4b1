import { z } from '../validation/zod.js';
import { cronProblem, timezoneProblem } from './validateSchedule.js';
import { checkPath } from '../domain/attributePaths.js';
import { dateFormatProblem, ianaZoneProblem } from './validateDates.js';

/**
 * The config file's shape. Every object is strict, so a typo'd key is an error instead of a
 * setting that silently does nothing. Defaults here are the documented ones (README, example).
 */

const nonEmpty = z.string().trim().min(1, 'a non-empty string');

/** A refinement from a check that says what was expected (or nothing when the value is fine). */
const checkWith = (problem: (value: string) => string | undefined) => (value: string, ctx: z.RefinementCtx) => {
  const expected = problem(value);
  if (expected !== undefined) ctx.addIssue({ code: 'custom', message: expected });
};

/**
 * Where a SCIM attribute's value comes from: a CSV header, or a small recipe — a `template`
 * such as "{first_name}.{last_name}@example.com", `firstOf` (the first of several value specs
 * with a value: "preferred name, else first name"), `transform`s, a value `map` (e.g. Y → true),
 * or `split` for a list column such as roles ("Author;Accountant").
 */
export type ValueSpec =
  | string
  | {
      column?: string;
      template?: string;
      firstOf?: ValueSpec[];
      transform?: ('trim' | 'lowercase' | 'uppercase')[];
      map?: Record<string, string | boolean>;
      split?: string;
    };

const valueSpec: z.ZodType<ValueSpec> = z.lazy(() =>
  z.union([
    nonEmpty,
    z
      .object({
        column: nonEmpty.optional(),
        template: nonEmpty.optional(),
        firstOf: z.array(valueSpec).min(2, 'at least two value specs, e.g. [Preferred Name, First Name]').optional(),
        transform: z.array(z.enum(['trim', 'lowercase', 'uppercase'])).optional(),
        map: z.record(z.string(), z.union([z.string(), z.boolean()])).optional(),
        split: z.string().min(1).optional(),
      })
      .strict()
      .refine((spec) => [spec.column, spec.template, spec.firstOf].filter((s) => s !== undefined).length === 1, {
        message: 'exactly one of column, template or firstOf',
      }),
  ]),
);

/** SCIM attribute path <- value spec. The four identity attributes are required; any supported path may be added. */
const columns = z
  .object({ externalId: valueSpec, userName: valueSpec, givenName: valueSpec, familyName: valueSpec })
  .catchall(valueSpec)
  .superRefine((cols, ctx) => {
    for (const key of Object.keys(cols)) {
      const problem = checkPath(key);
      if (problem) ctx.addIssue({ code: 'custom', path: [key], message: problem });
    }
  });

/** Credentials for a roster served over HTTPS: Basic (Workday's report-as-a-service, BambooHR) or a bearer token. */
const rosterAuth = z
  .object({
    basic: z
      .object({ username: nonEmpty, password: nonEmpty.optional(), passwordFile: nonEmpty.optional() })
      .strict()
      .refine((b) => (b.password === undefined) !== (b.passwordFile === undefined), { message: 'exactly one of password or passwordFile', path: ['password'] })
      .optional(),
    bearer: nonEmpty.optional(),
    bearerFile: nonEmpty.optional(),
  })
  .strict()
  .refine((a) => [a.basic, a.bearer, a.bearerFile].filter((x) => x !== undefined).length === 1, {
    message: 'exactly one of basic, bearer or bearerFile',
  });

/**
 * One `source.scope` condition: the row's value in `column` is (`in`) or is not (`notIn`) one of
 * these, compared case-insensitively. A row is in scope when every condition holds.
 */
const scopeCondition = z
  .object({
    column: nonEmpty,
    in: z.array(nonEmpty).min(1, 'at least one value').optional(),
    notIn: z.array(nonEmpty).min(1, 'at least one value').optional(),
  })
  .strict()
  .refine((c) => (c.in === undefined) !== (c.notIn === undefined), { message: 'exactly one of in or notIn' });
export type ScopeCondition = z.infer<typeof scopeCondition>;

/** A userName domain such as corp.example, or "*" (every account) on its own. */
const manageDomain = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^(\*|[^\s@*]+)$/, 'a domain such as corp.example (no "@"), or "*" for every account');

const manage = z
  .object({
    /** userName domains whose accounts are ours. Unset: the roster's domains plus those of earlier runs (the ledger). */
    domains: z
      .array(manageDomain)
      .refine((list) => !list.includes('*') || list.length === 1, { message: 'a list of domains, or "*" alone (it means every account)' })
      .optional(),
    /** Also the accounts this sync created or matched before (the ledger in state.dir). */
    linked: z.boolean().default(true),
  })
  .strict()
  .prefault({});

const source = z
  .object({
    /** The roster file; `-` reads standard input. Exactly one of path and url (checked in loadConfig, after --roster). */
    path: nonEmpty.optional(),
    /** A roster served over HTTP(S) (an HR system's report URL), streamed like a file. */
    url: z.url({ message: 'an absolute URL such as https://hr.example.com/reports/roster.csv' }).optional(),
    auth: rosterAuth.optional(),
    /** The download's own timeouts: bodyMs is the longest gap between two chunks. */
    timeouts: z
      .object({
        connectMs: z.number().int().positive().default(10_000),
        headersMs: z.number().int().positive().default(60_000),
        bodyMs: z.number().int().positive().default(60_000),
      })
      .strict()
      .prefault({}),
    /** Largest roster read (file, download or stdin), in bytes; a bigger one is unusable (exit 2). */
    maxBytes: z
      .number()
      .int()
      .positive()
      .default(1024 * 1024 * 1024),
    delimiter: z.string().length(1, 'a single character').default(','),
    columns,
    status: z
      .object({
        column: nonEmpty,
        active: z.array(nonEmpty).min(1, 'at least one value'),
      })
      .strict()
      .optional(),
    /** Share of rejected rows above which the whole roster is considered broken. */
    maxRejectedShare: z.number().min(0).max(1).default(0.05),
    /** Conditions on roster columns, all of which a row must meet to be this sync's (Entra's scoping filters). */
    scope: z.array(scopeCondition).min(1, 'at least one condition (or leave source.scope out)').optional(),
    /** The first working day: before it (less `sync.createDaysBeforeStart`) no account is made. */
    startDate: z.object({ column: nonEmpty }).strict().optional(),
    /** The last working day: after its end, in the row's zone, the row is inactive whatever its status. Empty cell: no end date. */
    endDate: z.object({ column: nonEmpty }).strict().optional(),
    /** How every date cell of the file is written (Luxon tokens). */
    dateFormat: nonEmpty.default('yyyy-MM-dd').superRefine(checkWith(dateFormatProblem)),
    /** The IANA zone the dates are in, or the column giving each row's zone. */
    timezone: z.union([nonEmpty.superRefine(checkWith(ianaZoneProblem)), z.object({ column: nonEmpty }).strict()]).optional(),
  })
  .strict()
  .superRefine((source, ctx) => {
    // No default zone: guessing one would move every termination by hours, unnoticed.
    if ((source.startDate || source.endDate) && source.timezone === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['timezone'],
        message: 'the zone the dates are in, such as "America/New_York" or { column: Time Zone } (required with source.startDate or source.endDate)',
      });
    }
  });

const target = z
  .object({
    baseUrl: z.url({ message: 'an absolute URL such as https://api.getpostman.com/scim/v2' }),
    /** Which kind of SCIM service: decides request shapes and what can be updated (src/profiles). */
    provider: z.enum(['postman', 'nintex', 'generic']).default('generic'),
    token: nonEmpty.optional(),
    tokenFile: nonEmpty.optional(),
    /** The gate (Bottleneck) sustains about 25,000/min on 2 cores (bench); above 20,000 the figure would be a promise it can't keep. */
    requestsPerMinute: z.number().int().positive().max(20_000).default(170),
    /** Users per page. Unset: the largest the service advertises (filter.maxResults), else 100. Set: never more than this. */
    pageSize: z.number().int().positive().max(10_000).optional(),
    /** Pages one read of /Users may take at most: a service that keeps inventing users must not page for ever. */
    maxPages: z.number().int().positive().default(10_000),
    /** Reads of /Users from page 1 again after the list changed while it was read; then the run stops. */
    maxRereads: z.number().int().min(0).max(10).default(2),
    concurrency: z.number().int().positive().max(64).default(4),
    /**
     * SCIM Bulk (RFC 7644 §3.7): `auto` uses it when /ServiceProviderConfig advertises it, `off`
     * never, a number caps the operations per Bulk request (never above what is advertised).
     */
    bulk: z
      .custom<'auto' | 'off' | number>((v) => v === 'auto' || v === 'off' || (typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 100_000), {
        error: 'auto, off, or a number of operations per Bulk request (1 to 100000)',
      })
      .default('auto'),
    allowInsecureHttp: z.boolean().default(false),
    /** `http://proxy:3128` (overrides HTTPS_PROXY/HTTP_PROXY/NO_PROXY) or `none`; unset: the environment decides. */
    proxy: z
      .string()
      .trim()
      .refine((v) => v === 'none' || /^https?:\/\/[^/]/i.test(v), { message: 'none, or a proxy URL such as http://proxy.example.com:3128' })
      .optional(),
    /** PEM bundle of CAs trusted in addition to the default roots (an internal CA, a TLS-inspecting proxy). */
    caFile: nonEmpty.optional(),
    /** Client certificate and key (PEM) for a service that requires mutual TLS; both or neither. */
    clientCertFile: nonEmpty.optional(),
    clientKeyFile: nonEmpty.optional(),
    /** Accept any certificate. Warned about on every run; for a test service only. */
    insecureSkipVerify: z.boolean().default(false),
    timeouts: z
      .object({
        connectMs: z.number().int().positive().default(10_000),
        headersMs: z.number().int().positive().default(30_000),
        bodyMs: z.number().int().positive().default(30_000),
      })
      .strict()
      .prefault({}),
    /**
     * Overall deadline of one attempt, request sent to last byte read. The timeouts above bound
     * each wait only, so without it a body trickling a byte at a time would hold the run forever.
     */
    responseTimeoutSeconds: z.number().positive().max(3600).default(120),
    /** Largest answer read (bytes); past it the request fails, run-fatal, instead of eating memory. */
    maxResponseBytes: z
      .number()
      .int()
      .positive()
      .default(64 * 1024 * 1024),
    retry: z
      .object({
        maxAttempts: z.number().int().min(1).max(20).default(5),
        baseDelayMs: z.number().int().min(0).default(500),
        maxDelayMs: z.number().int().min(0).default(30_000),
        defaultRetryAfterSeconds: z.number().min(0).default(60),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .refine((t) => (t.token === undefined) !== (t.tokenFile === undefined), {
    message: 'exactly one of target.token or target.tokenFile',
    path: ['token'],
  })
  .refine((t) => (t.clientCertFile === undefined) === (t.clientKeyFile === undefined), {
    message: 'target.clientCertFile and target.clientKeyFile go together (mutual TLS needs both)',
    path: ['clientCertFile'],
  });

const sync = z
  .object({
    deactivateMissing: z.boolean().default(true),
    protect: z.array(nonEmpty).default([]),
    /** Which accounts on the service this sync may change; every other one is left alone and listed. */
    manage,
    /** A row that leaves source.scope: leave its account alone (ignore) or deactivate it as a leaver. */
    outOfScope: z.enum(['ignore', 'deactivate']).default('ignore'),
    /** A count ("25") or a share of managed users ("10%"). */
    maxDeactivations: z.union([z.number().int().min(0), z.string().regex(/^\d+(\.\d+)?%$/, 'a count or a percentage like "10%"')]).default('10%'),
    /** Consecutive failures of one kind that stop the run (circuit breaker). */
    maxConsecutiveFailures: z.number().int().positive().default(10),
    /**
     * Off unless set: a run whose roster file and settings are unchanged since the last fully
     * successful run, younger than this ("30m", "6h", "1d"), sends no request at all.
     */
    fullReadEvery: z
      .string()
      .regex(/^\d+\s*[smhd]$/, 'a duration such as "30m", "6h" or "1d"')
      .optional(),
    /** Days before the start date (source.startDate) on which the account is created; 0: on the start day. */
    createDaysBeforeStart: z.number().int().min(0).max(365).default(0),
  })
  .strict()
  .prefault({});

/** A count ("25") or a share ("10%"); the share of what depends on the key. */
const countOrShare = z.union([z.number().int().min(0), z.string().regex(/^\d+(\.\d+)?%$/, 'a count or a percentage like "10%"')]);

/**
 * Groups that follow the roster (departments, teams): each `from` entry yields zero or more group
 * names for a row, in the recipe language of source.columns. Absent: groups are left alone.
 */
const groups = z
  .object({
    from: z.array(valueSpec).min(1, 'at least one entry, such as { template: "Dept - {Department}" }'),
    /** Membership removals one run may make: a count, or a share of the managed memberships found. */
    maxMemberRemovals: countOrShare.default('10%'),
    /** Members per membership PATCH (and in a create): some services cap it. */
    membersPerRequest: z.number().int().min(1).max(10_000).default(100),
    /** Delete a managed group once it is empty and the roster no longer names it. Off: see README (Postman deactivates its members' accounts). */
    deleteEmpty: z.boolean().default(false),
  })
  .strict()
  .optional();

const report = z
  .object({
    dir: nonEmpty.default('./reports'),
    /** Report files kept in `dir`; older ones are deleted after each run. */
    keep: z.number().int().positive().default(100),
  })
  .strict()
  .prefault({});

const plan = z
  .object({
    /** `scim-sync apply` refuses a saved plan older than this: the service and the roster move on. */
    maxAgeHours: z.number().positive().max(8760).default(24),
  })
  .strict()
  .prefault({});

/** What a notification can be about (see notify/runEvent.ts). */
export const NOTIFY_EVENTS = ['failed', 'refused', 'stopped', 'recovered', 'succeeded'] as const;

const notify = z
  .object({
    webhook: z
      .object({
        /** The webhook's URL (its path is often the secret: Slack's hooks.slack.com/services/…); use ${SCIM_SYNC_WEBHOOK_URL}. */
        url: nonEmpty.optional(),
        /** Or a file holding it (a mounted secret). */
        urlFile: nonEmpty.optional(),
        format: z.enum(['slack', 'json']).default('json'),
        on: z.array(z.enum(NOTIFY_EVENTS)).min(1, 'at least one event').default(['failed', 'refused', 'stopped', 'recovered']),
        /** All attempts together may take this long; the run's end waits no longer. */
        timeoutSeconds: z.number().positive().max(60).default(5),
        /** Attempts after the first, after a network error, a timeout, 5xx or 429. */
        retries: z.number().int().min(0).max(5).default(2),
      })
      .strict()
      .refine((w) => (w.url === undefined) !== (w.urlFile === undefined), {
        message: 'exactly one of notify.webhook.url or notify.webhook.urlFile',
        path: ['url'],
      })
      .optional(),
  })
  .strict()
  .prefault({});

const log = z
  .object({
    level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .strict()
  .prefault({});

const daemon = z
  .object({
    /** Cron expression (5 fields, or 6 with seconds first), checked when the config is loaded. */
    schedule: nonEmpty.default('0 * * * *').superRefine(checkWith(cronProblem)),
    /** IANA time zone the schedule is read in. */
    timezone: nonEmpty.default('UTC').superRefine(checkWith(timezoneProblem)),
    runOnStart: z.boolean().default(false),
    /** On SIGTERM, how long the current run may take to finish its in-flight requests. */
    shutdownGraceSeconds: z.number().positive().max(3600).default(8),
    /** Seconds between progress lines while a run executes. */
    progressIntervalSeconds: z.number().positive().default(15),
    /** Scheduled runs skipped in a row because another process holds the run lock before /readyz turns 503. */
    maxSkippedTicks: z.number().int().positive().default(3),
    /** A run going for longer than this turns /readyz 503 (it may be stuck); the run is not stopped. */
    maxRunMinutes: z.number().positive().default(120),
  })
  .strict()
  .prefault({});

const http = z
  .object({
    /** 127.0.0.1 by default: metrics stay on the host unless you decide to expose them. */
    host: nonEmpty.default('127.0.0.1'),
    port: z.number().int().min(0).max(65535).default(9464),
  })
  .strict()
  .prefault({});

/**
 * Several processes (daemon replicas, jobs into one tenant, a cron fix) sharing one rate budget and
 * one leader per tick through Redis. Without `redis` every process is on its own, as before.
 */
const coordination = z
  .object({
    redis: z
      .string()
      .trim()
      .regex(/^rediss?:\/\/\S+$/, 'a redis:// or rediss:// (TLS) URL such as redis://redis:6379/0')
      .optional(),
    /** Namespace of the shared budget: every job into one tenant uses the same. Default: derived from target.baseUrl. */
    key: z
      .string()
      .regex(/^[A-Za-z0-9._:/@-]{1,200}$/, 'letters, digits and . _ : / @ - (at most 200)')
      .optional(),
    /** Which job the leader lease is for: replicas of one job share it, two jobs into one tenant don't. Default: the roster file's name. */
    job: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,100}$/, 'letters, digits and . _ - (at most 100)')
      .optional(),
    /** A leader that stops renewing (killed, partitioned) loses the lease after this long; another replica takes the next tick. */
    leaseTtlSeconds: z.number().int().min(2).max(3600).default(60),
  })
  .strict()
  .prefault({});

export const configSchema = z
  .object({
    source,
    target,
    sync,
    report,
    plan,
    notify,
    daemon,
    http,
    log,
    coordination,
    groups,
    state: z
      .object({
        dir: nonEmpty.default('./.scim-sync'),
        /**
         * A run lock whose holder hasn't refreshed it (its heartbeat) for this long is stale and
         * taken over, whatever pid it names; the holder refreshes it every tenth of this.
         */
        lockStaleSeconds: z.number().int().min(10).max(86_400).default(300),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type FileConfig = z.infer<typeof configSchema>;
