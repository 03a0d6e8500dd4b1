import { z } from 'zod';
import { cronProblem, timezoneProblem } from './validateSchedule.js';
import { checkPath } from '../domain/attributePaths.js';

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
 * such as "{first_name}.{last_name}@example.com", `transform`s, a value `map` (e.g. Y → true),
 * or `split` for a list column such as roles ("Author;Accountant").
 */
const valueSpec = z.union([
  nonEmpty,
  z
    .object({
      column: nonEmpty.optional(),
      template: nonEmpty.optional(),
      transform: z.array(z.enum(['trim', 'lowercase', 'uppercase'])).optional(),
      map: z.record(z.string(), z.union([z.string(), z.boolean()])).optional(),
      split: z.string().min(1).optional(),
    })
    .strict()
    .refine((spec) => (spec.column === undefined) !== (spec.template === undefined), { message: 'exactly one of column or template' }),
]);
export type ValueSpec = z.infer<typeof valueSpec>;

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

const source = z
  .object({
    path: nonEmpty,
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
  })
  .strict();

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
  });

const sync = z
  .object({
    deactivateMissing: z.boolean().default(true),
    protect: z.array(nonEmpty).default([]),
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
  })
  .strict()
  .prefault({});

const report = z
  .object({
    dir: nonEmpty.default('./reports'),
    /** Report files kept in `dir`; older ones are deleted after each run. */
    keep: z.number().int().positive().default(100),
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

export const configSchema = z
  .object({
    source,
    target,
    sync,
    report,
    daemon,
    http,
    log,
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
