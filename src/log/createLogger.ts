import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';
import { escapeControlChars } from '../display/escapeControlChars.js';

/**
 * pino logs on stderr, so stdout stays free for the human summary / plan table: JSON lines
 * (for cron mail, journald, log shippers) unless stderr is a terminal, where pino-pretty makes
 * them readable. Redaction is a second line of defence: the token is never put in a log object
 * on purpose, but if a header bag or config slips into one, these paths are censored.
 */
export const REDACT_PATHS = [
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'headers["x-api-key"]',
  '*.headers["x-api-key"]',
  'headers.cookie',
];

export interface LoggerOptions {
  level: string;
  /** Human-readable output; defaults to "stderr is a terminal". */
  pretty?: boolean;
  /** Where lines go instead of stderr (tests read them back). */
  destination?: pino.DestinationStream;
}

export async function createLogger(options: LoggerOptions): Promise<Logger> {
  const usePretty = options.pretty ?? process.stderr.isTTY === true;
  // pino-pretty (and the ~15 modules it requires, node:tty among them) is loaded only for a
  // terminal: cron, systemd and containers log JSON lines and never need it.
  const stream = usePretty
    ? (await import('pino-pretty')).default({
        destination: options.destination === undefined ? 2 : asStream(options.destination),
        sync: true,
        colorize: true,
        translateTime: 'SYS:HH:MM:ss',
        ignore: 'pid,hostname,app',
      })
    : (options.destination ?? pino.destination({ fd: 2, sync: true }));
  return pino(
    {
      level: options.level,
      base: { app: 'scim-sync' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      // Log lines quote roster cells and service replies. JSON escapes C0 characters but not C1
      // (a raw U+009B is a CSI to many terminals), and pino-pretty prints strings as they are;
      // so strings are escaped before either sees them (`\x1b`), message and fields alike.
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((arg: unknown) => (typeof arg === 'string' ? escapeControlChars(arg) : arg)) as Parameters<typeof method>);
        },
      },
      formatters: { log: (object) => escapeStrings(object, 0) as Record<string, unknown> },
    },
    stream,
  );
}

/** pino takes any `{ write }`; pino-pretty pipes into its destination, so that must be a stream. */
function asStream(destination: pino.DestinationStream): NodeJS.WritableStream {
  if (destination instanceof Writable) return destination;
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      destination.write(chunk.toString());
      done();
    },
  });
}

/** Strings in plain objects and arrays, escaped; anything else (an Error for pino's serializer) as is. */
function escapeStrings(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return escapeControlChars(value);
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => escapeStrings(item, depth + 1));
  const prototype = Object.getPrototypeOf(value) as unknown;
  if (prototype !== Object.prototype && prototype !== null) return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [escapeControlChars(key), escapeStrings(item, depth + 1)]));
}
