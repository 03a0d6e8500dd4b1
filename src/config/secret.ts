import { inspect } from 'node:util';

/**
 * Holds the API token. Printing, logging or serialising it shows "[redacted]", so a stray
 * `log.info(config)` or `JSON.stringify(report)` can't leak it; only `reveal()` gives the value.
 */
export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  reveal(): string {
    return this.#value;
  }
  toString(): string {
    return '[redacted]';
  }
  toJSON(): string {
    return '[redacted]';
  }
  [inspect.custom](): string {
    return '[redacted]';
  }
}
