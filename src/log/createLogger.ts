import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';

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
}

export function createLogger(options: LoggerOptions): Logger {
  const usePretty = options.pretty ?? process.stderr.isTTY === true;
  const stream = usePretty
    ? pretty({ destination: 2, sync: true, colorize: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname,app' })
    : pino.destination({ fd: 2, sync: true });
  return pino({ level: options.level, base: { app: 'scim-sync' }, redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, stream);
}
