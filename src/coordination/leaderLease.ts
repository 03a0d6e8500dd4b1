import { randomUUID } from 'node:crypto';
import type { RedisConnection } from './redisConnection.js';

/** Takes the lease when it is free (SET NX PX) and draws the next fencing token with it, in one step. */
const ACQUIRE = `
if redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2], 'NX') then
  return {1, redis.call('INCR', KEYS[2])}
end
return {0, redis.call('GET', KEYS[1]) or ''}
`;
/** Extends the lease only while it is still ours (a leader that stalled past the TTL may have lost it). */
const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`;
/** Deletes the lease only if it is still ours: never another replica's. */
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

/** A held lease: renewed in the background until released; `onLost` is told once if it can't be kept. */
export interface Lease {
  /** Grows by one with every lease taken for this job: a later holder always has a larger one. */
  readonly fencingToken: number;
  release(): Promise<void>;
}

export type LeaseAttempt = { lease: Lease } | { heldBy: string };

export interface LeaseKeys {
  lease: string;
  fence: string;
  /** Prefix of the per-tick claims. */
  tick: string;
}

/**
 * One runner per job at a time, across hosts: the lease key holds "<instance> <random token>"
 * with a TTL (coordination.leaseTtlSeconds); its holder renews it every third of the TTL and
 * deletes it at the end. A holder killed with -9 stops renewing, so the lease expires and another
 * replica's next tick runs. Values are compared in Redis scripts, so nobody extends or deletes a
 * lease that is no longer theirs.
 */
export class LeaderLease {
  constructor(
    private readonly redis: RedisConnection,
    private readonly keys: LeaseKeys,
    private readonly instance: string,
    private readonly ttlMs: number,
  ) {}

  /**
   * Claims one scheduled tick for this replica (SET NX): every replica fires on the same tick, the
   * first claim wins and the others see who took it. Returns undefined when the tick is ours, else
   * the instance that claimed it. The claim outlives the lease TTL, so a replica whose timer fires
   * late never runs a tick another already ran.
   */
  async claimTick(tickId: string): Promise<string | undefined> {
    const key = `${this.keys.tick}:${tickId}`;
    return this.redis.use('claiming a scheduled tick', async (client) => {
      const claimed = await client.set(key, this.instance, 'PX', Math.max(this.ttlMs, 60_000) * 2, 'NX');
      if (claimed === 'OK') return undefined;
      return (await client.get(key)) ?? 'another replica';
    });
  }

  async acquire(onLost: (reason: string) => void): Promise<LeaseAttempt> {
    const value = `${this.instance} ${randomUUID()}`;
    const [taken, detail] = (await this.redis.use('taking the run lease', (client) =>
      client.eval(ACQUIRE, 2, this.keys.lease, this.keys.fence, value, this.ttlMs),
    )) as [number, number | string];
    if (taken !== 1) return { heldBy: holderOf(String(detail)) };
    return { lease: this.hold(value, Number(detail), onLost) };
  }

  private hold(value: string, fencingToken: number, onLost: (reason: string) => void): Lease {
    let lastRenewed = Date.now();
    let lost = false;
    const lose = (reason: string) => {
      if (lost) return;
      lost = true;
      clearInterval(timer);
      onLost(reason);
    };
    const timer = setInterval(
      () => {
        this.redis
          .use('renewing the run lease', (client) => client.eval(RENEW, 1, this.keys.lease, value, this.ttlMs))
          .then((renewed) => {
            if (Number(renewed) === 1) lastRenewed = Date.now();
            else lose(`the run lease ${this.keys.lease} was taken by another process (this one did not renew it within ${this.ttlMs / 1000} s)`);
          })
          .catch((error: Error) => {
            // Kept trying until the lease would have expired: after that another replica may run.
            if (Date.now() - lastRenewed >= this.ttlMs) lose(`the run lease could not be renewed for ${this.ttlMs / 1000} s: ${error.message}`);
          });
      },
      Math.max(200, Math.floor(this.ttlMs / 3)),
    );
    timer.unref();
    return {
      fencingToken,
      release: async () => {
        if (lost) return;
        lost = true;
        clearInterval(timer);
        // If Redis is down the lease simply expires after its TTL.
        await this.redis.use('releasing the run lease', (client) => client.eval(RELEASE, 1, this.keys.lease, value)).catch(() => undefined);
      },
    };
  }
}

function holderOf(value: string): string {
  const cut = value.lastIndexOf(' ');
  return cut > 0 ? value.slice(0, cut) : value || 'another process';
}
