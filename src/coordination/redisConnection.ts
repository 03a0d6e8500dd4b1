import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { CoordinationUnavailableError } from './coordinationError.js';

/** How long a tick or a run waits for Redis to (re)connect before it is refused. */
const READY_TIMEOUT_MS = 3_000;
/** A command Redis doesn't answer in this long fails: a hung Redis stops new requests within it. */
const COMMAND_TIMEOUT_MS = 2_000;

/**
 * The one Redis connection of a process (ioredis). Built to fail fast rather than wait: no offline
 * queue (a command while disconnected fails at once instead of queueing until Redis is back), no
 * per-command retries, a command timeout. ioredis keeps reconnecting in the background, so when
 * Redis returns the next tick simply works.
 */
export class RedisConnection {
  readonly client: Redis;
  /** The URL without user name or password, for messages and logs. */
  readonly where: string;
  private lastError: string | undefined;

  constructor(url: string, logger: Logger) {
    this.where = withoutCredentials(url);
    this.client = new Redis(url, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: READY_TIMEOUT_MS,
      commandTimeout: COMMAND_TIMEOUT_MS,
      retryStrategy: (times) => Math.min(100 * times, 2_000),
    });
    // Without a listener ioredis prints every failed reconnect to the console; log each new problem once.
    this.client.on('error', (error: Error) => {
      if (error.message === this.lastError) return;
      this.lastError = error.message;
      logger.warn({ redis: this.where, err: error.message }, 'Redis connection problem');
    });
    this.client.on('ready', () => {
      if (this.lastError !== undefined) logger.info({ redis: this.where }, 'Redis connection is back');
      this.lastError = undefined;
    });
  }

  /** Runs `command` once the connection is ready; any failure becomes a CoordinationUnavailableError saying `what` was being done. */
  async use<T>(what: string, command: (client: Redis) => Promise<T>): Promise<T> {
    try {
      await this.ready();
      return await command(this.client);
    } catch (error) {
      throw new CoordinationUnavailableError(this.where, what, error);
    }
  }

  async close(): Promise<void> {
    this.client.disconnect(false);
    await Promise.resolve();
  }

  private async ready(): Promise<void> {
    const { client } = this;
    if (client.status === 'ready') return;
    if (client.status === 'wait' || client.status === 'end') client.connect().catch(() => undefined);
    await new Promise<void>((resolve, reject) => {
      const onReady = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        client.off('ready', onReady);
        reject(new Error(`no connection within ${READY_TIMEOUT_MS / 1000} s${this.lastError === undefined ? '' : ` (${this.lastError})`}`));
      }, READY_TIMEOUT_MS);
      client.once('ready', onReady);
    });
  }
}

/** redis://user:password@host:6379/0 → redis://host:6379/0: a password never reaches a log, a report or /readyz. */
export function withoutCredentials(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return 'the configured URL';
  }
}
