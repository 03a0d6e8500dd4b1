import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log/createLogger.js';

/** The logger scim-sync really uses, writing its JSON lines into an array instead of stderr. */
async function loggerInto(lines: string[], level = 'info') {
  return createLogger({ level, pretty: false, destination: { write: (line: string) => void lines.push(line) } });
}

describe('createLogger', () => {
  it('censors authorization headers, API keys and tokens wherever a log object carries them', async () => {
    const lines: string[] = [];
    (await loggerInto(lines)).info(
      {
        headers: { authorization: 'Bearer s3cr3t', 'x-api-key': 'k3y' },
        request: { headers: { authorization: 'Bearer s3cr3t' } },
        token: 's3cr3t',
        config: { token: 's3cr3t' },
      },
      'x',
    );
    expect(lines).toHaveLength(1);
    expect(lines.join('')).not.toMatch(/s3cr3t|k3y/);
    expect(JSON.parse(lines[0]!).headers.authorization).toBe('[redacted]');
  });

  it('writes JSON lines tagged app=scim-sync at the configured level and above, nothing below', async () => {
    const lines: string[] = [];
    const logger = await loggerInto(lines, 'warn');
    logger.info('routine');
    logger.warn({ line: 9 }, 'roster row rejected');
    expect(lines.map((l) => JSON.parse(l) as Record<string, unknown>)).toEqual([
      expect.objectContaining({ app: 'scim-sync', level: 40, line: 9, msg: 'roster row rejected' }),
    ]);
  });

  it('escapes control characters from roster cells in the message and in fields, C1 included', async () => {
    const lines: string[] = [];
    (await loggerInto(lines)).warn({ userName: 'eve\u009b2Jx@example.com' }, 'row for \u001b]0;pwned\u0007');
    // eslint-disable-next-line no-control-regex -- looking for raw control characters is the point
    expect(lines[0]).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    const entry = JSON.parse(lines[0]!) as { msg: string; userName: string };
    expect(entry.msg).toBe('row for \\x1b]0;pwned\\x07');
    expect(entry.userName).toBe('eve\\x9b2Jx@example.com');
  });

  it('for a terminal, writes readable lines through pino-pretty (loaded only then), still redacted and escaped', async () => {
    const lines: string[] = [];
    // A plain `{ write }`, as pino takes: pino-pretty needs a stream, and createLogger makes one of it.
    const logger = await createLogger({ level: 'info', pretty: true, destination: { write: (line: string) => void lines.push(line) } });
    logger.warn({ token: 's3cr3t', userName: 'eve\u009b@example.com' }, 'roster row rejected');
    const text = lines.join('');
    expect(text).toContain('roster row rejected');
    expect(text).toMatch(/WARN/);
    expect(() => JSON.parse(lines[0]!) as unknown).toThrow(); // not a JSON line
    expect(text).not.toContain('s3cr3t');
    expect(text).toContain('eve\\x9b@example.com');
  });
});
