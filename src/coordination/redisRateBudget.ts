import { randomUUID } from 'node:crypto';
import { type SharedBudget, SharedBudgetUnavailableError } from '../rateLimit/sharedBudget.js';
import type { RedisConnection } from './redisConnection.js';

/**
 * The exact rolling-window rule of src/rateLimit/slidingWindowLog.ts, kept in Redis for every
 * process on one target: a sorted set of grant times (Redis's own clock, so hosts' clocks don't
 * matter) and a pause key. One script call is atomic: it checks the pause, drops grants older
 * than the window, and grants only when fewer than `limit` remain and the last grant is at least
 * the spacing ago. Otherwise it says how long to wait.
 */
const TAKE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local pausedUntil = tonumber(redis.call('GET', KEYS[2]) or '0')
if pausedUntil > now then return pausedUntil - now end
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local spacing = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local wait = 0
if redis.call('ZCARD', KEYS[1]) >= limit then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  wait = tonumber(oldest[2]) + window - now + 1
end
local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
if last[2] then wait = math.max(wait, tonumber(last[2]) + spacing - now) end
if wait > 0 then return wait end
redis.call('ZADD', KEYS[1], now, ARGV[4])
redis.call('PEXPIRE', KEYS[1], window * 2)
return 0
`;

/** Extends the pause to now + ms (never shortens it), on Redis's clock. */
const PAUSE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local untilMs = now + tonumber(ARGV[1])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if untilMs > current then redis.call('SET', KEYS[1], untilMs, 'PX', tonumber(ARGV[1]) + 1000) end
return 0
`;

/**
 * A grant counts for slightly longer than the window: between Redis's grant and the request's
 * arrival at the service lie a network hop and the sender's event loop, and those delays differ
 * from request to request. 5 % of the window, at most 1 s (60 s window: 61 s, 98.4 % of the budget).
 */
export function sharedWindowMarginMs(windowMs: number): number {
  return Math.min(1_000, Math.ceil(windowMs * 0.05));
}

export interface RedisRateBudgetOptions {
  requestsPerMinute: number;
  /** 60 s in production, shorter only in tests and the bench. */
  windowMs: number;
  /** Key prefix of this target's budget (coordination.key). */
  prefix: string;
}

export class RedisRateBudget implements SharedBudget {
  private readonly keys: [string, string];
  private readonly windowMs: number;
  private readonly spacingMs: number;
  private readonly member = randomUUID();
  private taken = 0;
  private revoked: SharedBudgetUnavailableError | undefined;

  constructor(
    private readonly redis: RedisConnection,
    private readonly options: RedisRateBudgetOptions,
  ) {
    this.keys = [`${options.prefix}:budget:sent`, `${options.prefix}:budget:pause`];
    this.windowMs = options.windowMs + sharedWindowMarginMs(options.windowMs);
    this.spacingMs = Math.ceil(options.windowMs / options.requestsPerMinute);
  }

  async take(): Promise<number> {
    if (this.revoked) throw this.revoked;
    const member = `${this.member}:${this.taken++}`;
    try {
      const wait = await this.redis.use('asking the shared rate budget for a request', (client) =>
        client.eval(TAKE, 2, ...this.keys, this.options.requestsPerMinute, this.windowMs, this.spacingMs, member),
      );
      return Number(wait);
    } catch (error) {
      throw new SharedBudgetUnavailableError((error as Error).message, { cause: error });
    }
  }

  async pause(ms: number): Promise<void> {
    await this.redis.use('sharing a 429 pause', (client) => client.eval(PAUSE, 1, this.keys[1], Math.ceil(ms)));
  }

  /** From now on every take fails with `reason` (the run's lease was lost); `undefined` lifts it for the next run. */
  revoke(reason: SharedBudgetUnavailableError | undefined): void {
    this.revoked = reason;
  }
}
