import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { REDACT_PATHS } from '../../src/log/createLogger.js';

describe('log redaction', () => {
  it('censors authorization headers, API keys and tokens wherever a log object carries them', () => {
    const lines: string[] = [];
    const logger = pino({ redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, { write: (l: string) => void lines.push(l) });
    logger.info(
      {
        headers: { authorization: 'Bearer s3cr3t', 'x-api-key': 'k3y' },
        request: { headers: { authorization: 'Bearer s3cr3t' } },
        token: 's3cr3t',
        config: { token: 's3cr3t' },
      },
      'x',
    );
    expect(lines.join('')).not.toMatch(/s3cr3t|k3y/);
    expect(JSON.parse(lines[0]!).headers.authorization).toBe('[redacted]');
  });
});
