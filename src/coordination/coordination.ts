import { hostname } from 'node:os';
import { basename, extname } from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config/loadConfig.js';
import { SharedBudgetUnavailableError } from '../rateLimit/sharedBudget.js';
import { type Lease, LeaderLease } from './leaderLease.js';
import type { RedisConnection } from './redisConnection.js';
import { RedisRateBudget } from './redisRateBudget.js';

/** What a report says about the coordination a run took part in. */
export interface CoordinationFacts {
  /** This process: host name and pid. */
  instance: string;
  /** The shared budget's namespace (coordination.key). */
  key: string;
  /** The job the lease is for (coordination.job). */
  job: string;
  /** The lease's fencing token: larger for every later run of this job. */
  fencingToken: number;
}

/**
 * Everything a process shares with the others through Redis (coordination.redis): one connection,
 * the rate budget of its target and the leader lease of its job. Undefined without
 * coordination.redis: one process on its own, as before.
 */
export class Coordination {
  readonly redis: RedisConnection;
  readonly instance = `${hostname()}#${process.pid}`;
  readonly key: string;
  readonly job: string;
  readonly lease: LeaderLease;
  private readonly prefix: string;

  private constructor(config: Config, redis: RedisConnection) {
    this.redis = redis;
    this.key = config.coordination.key ?? keyOf(config.target.baseUrl);
    this.job = config.coordination.job ?? jobOf(config.source.path ?? new URL(config.source.url ?? 'stdin:roster').pathname);
    this.prefix = `scim-sync:${this.key}`;
    const job = `${this.prefix}:job:${this.job}`;
    this.lease = new LeaderLease(
      this.redis,
      { lease: `${job}:lease`, fence: `${job}:fence`, tick: `${job}:tick` },
      this.instance,
      config.coordination.leaseTtlSeconds * 1000,
    );
  }

  static async fromConfig(config: Config, logger: Logger): Promise<Coordination | undefined> {
    const url = config.coordination.redis;
    if (url === undefined) return undefined;
    // The Redis client (ioredis) is loaded only by runs that use it: ~35 ms of every other start.
    const { RedisConnection } = await import('./redisConnection.js');
    return new Coordination(config, new RedisConnection(url, logger));
  }

  /** The rate budget every process on this target shares. */
  budget(requestsPerMinute: number, windowMs = 60_000): RedisRateBudget {
    return new RedisRateBudget(this.redis, { requestsPerMinute, windowMs, prefix: this.prefix });
  }

  /**
   * Takes this job's lease for one run. If it is lost while the run goes on (Redis gone for longer
   * than the TTL, or this process stalled and another took over), `budget` refuses every further
   * request, so the run stops sending within one command timeout and its report says why.
   */
  async takeLease(budget: RedisRateBudget, logger: Logger): Promise<{ lease: Lease; facts: CoordinationFacts } | { heldBy: string }> {
    const attempt = await this.lease.acquire((reason) => {
      logger.error({ redis: this.redis.where, job: this.job }, `run lease lost: ${reason}; this run sends nothing more`);
      budget.revoke(new SharedBudgetUnavailableError(`${reason}; nothing more is sent by this run (another replica may run the next tick)`));
    });
    if ('heldBy' in attempt) return attempt;
    budget.revoke(undefined);
    return { lease: attempt.lease, facts: this.facts(attempt.lease.fencingToken) };
  }

  facts(fencingToken: number): CoordinationFacts {
    return { instance: this.instance, key: this.key, job: this.job, fencingToken };
  }

  async close(): Promise<void> {
    await this.redis.close();
  }
}

/** Default coordination.key: the service's host and path, so every job into one tenant's URL shares one budget. */
export function keyOf(baseUrl: string): string {
  const url = new URL(baseUrl);
  return `${url.host}${url.pathname.replace(/\/+$/, '')}`;
}

/** Default coordination.job: the roster file's name without its extension (replicas mount the same file). */
export function jobOf(rosterPath: string): string {
  return basename(rosterPath, extname(rosterPath)).replace(/[^A-Za-z0-9._-]/g, '_') || 'roster';
}
