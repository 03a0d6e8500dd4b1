import pino, { type Logger } from 'pino';

/**
 * pino JSON lines on stderr, so stdout stays free for the human summary / plan table.
 * Redaction is a second line of defence: the token is never put in a log object on purpose,
 * but if a header bag or config slips into one, these paths are censored.
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

export function createLogger(level: string, destination: pino.DestinationStream | number = 2): Logger {
  const stream = typeof destination === 'number' ? pino.destination({ fd: destination, sync: true }) : destination;
  return pino({ level, base: { app: 'scim-sync' }, redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, stream);
}
