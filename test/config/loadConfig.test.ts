import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/configError.js';
import { loadConfig } from '../../src/config/loadConfig.js';

const VALID = `source:
  path: ./roster.csv
  columns:
    externalId: employee_id
    userName: email
    givenName: first_name
    familyName: last_name
target:
  baseUrl: https://api.getpostman.com/scim/v2
  token: \${SCIM_TOKEN}
sync:
  protect: [admin@example.com]
`;

describe('loadConfig', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'scim-sync-config-'));
    file = join(dir, 'scim-sync.yaml');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const load = (text: string, env: Record<string, string> = { SCIM_TOKEN: 'tok-123' }) => {
    writeFileSync(file, text);
    return loadConfig(file, env);
  };
  const errorOf = (text: string, env?: Record<string, string>) => {
    try {
      load(text, env);
    } catch (error) {
      if (error instanceof ConfigError) return error.message;
      throw error;
    }
    throw new Error('expected a ConfigError');
  };

  it('a valid file gets the documented defaults, absolute paths and a hidden token', () => {
    const config = load(VALID);
    expect(config.source.path).toBe(join(dir, 'roster.csv'));
    expect(config.report.dir).toBe(join(dir, 'reports'));
    expect(config.target).toMatchObject({ provider: 'generic', requestsPerMinute: 170, concurrency: 4, allowInsecureHttp: false });
    expect(config.target.pageSize).toBeUndefined(); // the largest page the service advertises
    expect(config.target.retry).toEqual({ maxAttempts: 5, baseDelayMs: 500, maxDelayMs: 30_000, defaultRetryAfterSeconds: 60 });
    expect(config.sync).toMatchObject({ deactivateMissing: true, maxDeactivations: '10%', maxConsecutiveFailures: 10 });
    expect(config.token.reveal()).toBe('tok-123');
    expect(JSON.stringify(config)).not.toContain('tok-123');
    expect(inspect(config, { depth: 10 })).not.toContain('tok-123');
    expect(String(config.token)).toBe('[redacted]');
  });

  it('a typo’d key is an error naming the line, the key and the likely intended key', () => {
    expect(errorOf(VALID.replace('  protect:', '  protekt:'))).toBe(
      `${file} line 12: sync.protekt: unknown key (did you mean "sync.protect"?); allowed here: deactivateMissing, protect, manage, outOfScope, maxDeactivations, maxConsecutiveFailures, fullReadEvery, createDaysBeforeStart`,
    );
  });

  it('sync.manage and source.scope: defaults, and each mistake named with its line and key', () => {
    expect(load(VALID).sync).toMatchObject({ manage: { linked: true }, outOfScope: 'ignore' });
    expect(load(VALID).sync.manage.domains).toBeUndefined(); // the roster's domains plus the ledger's
    expect(errorOf(VALID + '  manage: { domains: [corp.example, "*"] }\n')).toContain(
      'sync.manage.domains: got ["corp.example","*"], expected a list of domains, or "*" alone (it means every account)',
    );
    expect(errorOf(VALID + '  manage: { domains: ["@corp.example"] }\n')).toContain(
      'sync.manage.domains.0: got "@corp.example", expected a domain such as corp.example (no "@")',
    );
    expect(load(VALID + '  manage: { domains: [Corp.Example] }\n').sync.manage.domains).toEqual(['corp.example']);
    expect(errorOf(VALID + '  outOfScope: delete\n')).toContain('sync.outOfScope');
    const scoped = (condition: string) => VALID.replace('target:', `  scope:\n    - ${condition}\ntarget:`);
    expect(load(scoped('{ column: Worker Type, in: [Employee, Intern] }')).source.scope).toEqual([{ column: 'Worker Type', in: ['Employee', 'Intern'] }]);
    expect(errorOf(scoped('{ column: Worker Type, in: [Employee], notIn: [Intern] }'))).toContain(
      'line 9: source.scope.0: got {"column":"Worker Type","in":["Employee"],"notIn":["Intern"]}, expected exactly one of in or notIn',
    );
    expect(errorOf(scoped('{ column: Worker Type, is: [Employee] }'))).toContain('source.scope.0.is: unknown key');
  });

  it('a wrong type names the key, the value found and what was expected', () => {
    expect(errorOf(VALID + '  maxConsecutiveFailures: lots\n')).toBe(`${file} line 13: sync.maxConsecutiveFailures: got "lots", expected a number`);
  });

  it('a missing required key is named', () => {
    expect(errorOf(VALID.replace('    userName: email\n', ''))).toBe(`${file} line 3: source.columns.userName: got nothing, expected a string`);
  });

  it('an unset ${ENV} variable names the variable and the key that uses it', () => {
    expect(errorOf(VALID, {})).toBe(
      `${file} line 10: target.token: environment variable SCIM_TOKEN is not set (the value is "\${SCIM_TOKEN}"); set SCIM_TOKEN, or give the token in a file with target.tokenFile (or SCIM_TOKEN_FILE)`,
    );
  });

  it('an empty SCIM_TOKEN is said to be empty, not unset, and the message points at target.tokenFile', () => {
    expect(errorOf(VALID, { SCIM_TOKEN: '' })).toBe(
      `${file} line 10: target.token: environment variable SCIM_TOKEN is empty (the value is "\${SCIM_TOKEN}"); set SCIM_TOKEN, or give the token in a file with target.tokenFile (or SCIM_TOKEN_FILE)`,
    );
  });

  it('a firstOf recipe needs at least two alternatives, and a recipe exactly one of column, template or firstOf', () => {
    const withColumns = (spec: string) => VALID.replace(/givenName: .*/, `givenName: ${spec}`);
    expect(errorOf(withColumns('{ firstOf: [first_name] }'))).toMatch(
      /line 6: source\.columns\.givenName\.firstOf: got \["first_name"\], expected at least 2$/,
    );
    expect(errorOf(withColumns('{ firstOf: [a, b], column: c }'))).toMatch(/source\.columns\.givenName.*exactly one of column, template or firstOf/);
  });

  it('plain http to a host that is not loopback is refused unless allowInsecureHttp is set', () => {
    const insecure = VALID.replace('https://api.getpostman.com', 'http://scim.internal.example');
    expect(errorOf(insecure)).toMatch(
      new RegExp(
        `^${file} line 9: target.baseUrl: got "http://scim.internal.example/scim/v2": plain http to a non-loopback host would send the token unencrypted`,
      ),
    );
    expect(load(insecure.replace('target:\n', 'target:\n  allowInsecureHttp: true\n')).target.baseUrl).toBe('http://scim.internal.example/scim/v2');
    expect(load(VALID.replace('https://api.getpostman.com', 'http://127.0.0.1:8080')).target.baseUrl).toBe('http://127.0.0.1:8080/scim/v2');
  });

  it('"loopback" is decided on the parsed address: names that merely start with 127. are not loopback', () => {
    for (const host of ['http://127.attacker.example', 'http://127.0.0.1.evil.example', 'http://localhost.evil.example', 'http://[::2]']) {
      expect(errorOf(VALID.replace('https://api.getpostman.com', host)), host).toMatch(/line 9: target.baseUrl: .*plain http to a non-loopback host/);
    }
    for (const host of ['http://127.0.0.2:8080', 'http://127.1:8080', 'http://[::1]:8080', 'http://localhost:8080', 'http://[::ffff:127.0.0.1]:8080']) {
      expect(load(VALID.replace('https://api.getpostman.com', host)).target.baseUrl, host).toContain('/scim/v2');
    }
  });

  it('a user name or password in target.baseUrl is refused, naming the line and where the token goes, without ever printing the password', () => {
    for (const url of [
      'https://alice:Pa55-secret@api.example.com/scim/v2',
      'http://alice:Pa55-secret@scim.internal.example/scim/v2',
      'https://Pa55-secret@api.example.com/scim/v2',
    ]) {
      const message = errorOf(VALID.replace('https://api.getpostman.com/scim/v2', url));
      expect(message, url).toMatch(new RegExp(`^${file} line 9: target.baseUrl: holds a user name or password before "@"`));
      expect(message, url).toContain('target.token (e.g. ${SCIM_TOKEN}) or target.tokenFile');
      expect(message, url).not.toContain('Pa55-secret');
    }
    const fromEnv = errorOf(VALID, { SCIM_TOKEN: 'tok-123', SCIM_BASE_URL: 'https://alice:Pa55-secret@api.example.com/scim/v2' });
    expect(fromEnv).toMatch(/target.baseUrl \(from SCIM_BASE_URL\): holds a user name or password/);
    expect(fromEnv).not.toContain('Pa55-secret');
    // Not even when the URL is invalid for another reason and the error shows what it got.
    const invalid = errorOf(VALID.replace('https://api.getpostman.com/scim/v2', '"https://alice:Pa55-secret@bad host/scim"'));
    expect(invalid).toMatch(/line 9: target.baseUrl: got "https:\/\/\[credentials removed\]@bad host\/scim"/);
    expect(invalid).not.toContain('Pa55-secret');
  });

  it('a token with a line break, space or control character inside is a config error naming the key, never the token', () => {
    const secretish = 'abc123-first\nsecond-part';
    const fromEnv = errorOf(VALID, { SCIM_TOKEN: secretish });
    expect(fromEnv).toBe(
      `${file}: target.token (from SCIM_TOKEN): the token has a line break at character 13, which an HTTP header can't carry; a token is letters, digits and visible punctuation only (check how the secret was written or pasted)`,
    );
    writeFileSync(join(dir, 'token'), 'abc123-first\r\nsecond-part\n');
    const fromFile = errorOf(VALID.replace('token: ${SCIM_TOKEN}', 'tokenFile: ./token'), {});
    expect(fromFile).toMatch(new RegExp(`^${file} line 10: target.tokenFile: ${join(dir, 'token')}: the token has a line break at character 13`));
    expect(errorOf(VALID, { SCIM_TOKEN: 'two words' })).toMatch(/target.token \(from SCIM_TOKEN\): the token has a space or tab at character 4/);
    expect(errorOf(VALID, { SCIM_TOKEN: 'Bearer abc123' })).toMatch(/starts with "Bearer ": give the token alone/);
    for (const message of [fromEnv, fromFile]) expect(message).not.toMatch(/abc123|second-part/);
    // A token that isn't a string at all isn't shown either.
    expect(errorOf(VALID.replace('token: ${SCIM_TOKEN}', 'token: 123456789'), {})).toBe(
      `${file} line 10: target.token: got a number (not shown), expected a string`,
    );
  });

  it('the token can come from a file, and a config may not name both token and tokenFile', () => {
    writeFileSync(join(dir, 'token'), 'from-file\n');
    expect(load(VALID.replace('token: ${SCIM_TOKEN}', 'tokenFile: ./token'), {}).token.reveal()).toBe('from-file');
    expect(errorOf(VALID.replace('token: ${SCIM_TOKEN}', 'token: x\n  tokenFile: ./token'), {})).toMatch(
      /target.token: .*expected exactly one of target.token or target.tokenFile/,
    );
    expect(errorOf(VALID.replace('token: ${SCIM_TOKEN}', 'tokenFile: ./nope'), {})).toMatch(
      new RegExp(`line 10: target.tokenFile: can't read ${dir}/nope: ENOENT`),
    );
  });

  it('environment variables override the file: SCIM_BASE_URL, SCIM_TOKEN (replacing tokenFile), SCIM_SYNC_SCHEDULE, SCIM_SYNC_HTTP_PORT', () => {
    writeFileSync(join(dir, 'token'), 'from-file\n');
    const config = load(VALID.replace('token: ${SCIM_TOKEN}', 'tokenFile: ./token') + 'daemon:\n  schedule: "0 * * * *"\n', {
      SCIM_BASE_URL: 'https://other.example/scim/v2',
      SCIM_TOKEN: 'from-env',
      SCIM_SYNC_SCHEDULE: '*/5 * * * *',
      SCIM_SYNC_HTTP_PORT: '9999',
    });
    expect(config.target.baseUrl).toBe('https://other.example/scim/v2');
    expect(config.token.reveal()).toBe('from-env');
    expect(config.daemon.schedule).toBe('*/5 * * * *');
    expect(config.http.port).toBe(9999);
  });

  it('SCIM_TOKEN_FILE alone replaces `token: ${SCIM_TOKEN}` in the file: the displaced reference is not resolved (docker-compose sets only SCIM_TOKEN_FILE)', () => {
    writeFileSync(join(dir, 'secret'), 'from-secret\n');
    const config = load(VALID, { SCIM_TOKEN_FILE: join(dir, 'secret') });
    expect(config.token.reveal()).toBe('from-secret');
    expect(config.target.tokenFile).toBe(join(dir, 'secret'));
  });

  it('a key overridden by an environment variable needs no ${VAR} of its own', () => {
    const config = load(VALID.replace('baseUrl: https://api.getpostman.com/scim/v2', 'baseUrl: ${MY_SCIM_URL}'), {
      SCIM_TOKEN: 'tok-123',
      SCIM_BASE_URL: 'https://override.example/scim/v2',
    });
    expect(config.target.baseUrl).toBe('https://override.example/scim/v2');
    // Keys not overridden still need theirs.
    expect(errorOf(VALID.replace('  protect: [admin@example.com]', '  protect: ["${ADMIN}"]'))).toBe(
      `${file} line 12: sync.protect.0: environment variable ADMIN is not set (the value is "\${ADMIN}")`,
    );
  });

  it('SCIM_TOKEN and SCIM_TOKEN_FILE both set is an error, not a silent choice', () => {
    expect(errorOf(VALID, { SCIM_TOKEN: 'a', SCIM_TOKEN_FILE: join(dir, 'secret') })).toBe(
      `${file}: SCIM_TOKEN and SCIM_TOKEN_FILE are both set in the environment; set only one (each replaces target.token and target.tokenFile)`,
    );
  });

  it('a bad value from an environment variable names the variable, not a line of the file', () => {
    expect(errorOf(VALID, { SCIM_TOKEN: 't', SCIM_SYNC_HTTP_PORT: 'lots' })).toBe(
      `${file}: http.port (from SCIM_SYNC_HTTP_PORT): got "lots", expected a number`,
    );
    expect(errorOf(VALID, { SCIM_TOKEN_FILE: join(dir, 'nope') })).toBe(
      `${file}: target.tokenFile (from SCIM_TOKEN_FILE): can't read ${join(dir, 'nope')}: ENOENT`,
    );
  });

  it('maxDeactivations accepts a count or a percentage, nothing else', () => {
    expect(load(VALID + '  maxDeactivations: 25\n').sync.maxDeactivations).toBe(25);
    expect(load(VALID + '  maxDeactivations: "5%"\n').sync.maxDeactivations).toBe('5%');
    expect(errorOf(VALID + '  maxDeactivations: many\n')).toMatch(/line 13: sync.maxDeactivations: got "many"/);
  });

  it('target.bulk is auto by default, or off, or a positive number of operations per Bulk request; anything else names the key and line', () => {
    const withBulk = (value: string) => VALID.replace('  token: ${SCIM_TOKEN}\n', `  token: \${SCIM_TOKEN}\n  bulk: ${value}\n`);
    expect(load(VALID).target.bulk).toBe('auto');
    expect(load(withBulk('off')).target.bulk).toBe('off');
    expect(load(withBulk('500')).target.bulk).toBe(500);
    expect(errorOf(withBulk('sometimes'))).toBe(
      `${file} line 11: target.bulk: got "sometimes", expected auto, off, or a number of operations per Bulk request (1 to 100000)`,
    );
    expect(errorOf(withBulk('0'))).toMatch(/line 11: target\.bulk: got 0, expected/);
  });

  it('groups: bad values name the key and line, and a misspelt key is refused', () => {
    const withGroups = (body: string) => `${VALID}groups:\n${body}`;
    expect(load(withGroups('  from:\n    - { template: "Dept - {department}" }\n')).groups).toMatchObject({
      maxMemberRemovals: '10%',
      membersPerRequest: 100,
      deleteEmpty: false,
    });
    const errors = [
      errorOf(withGroups('  from: []\n')),
      errorOf(withGroups('  from:\n    - { template: "All Staff" }\n  membersPerRequest: 0\n')),
      errorOf(withGroups('  from:\n    - { template: "All Staff" }\n  maxMemberRemovals: lots\n')),
      errorOf(withGroups('  from:\n    - { template: "All Staff" }\n  deleteEmtpy: true\n')),
    ];
    expect(errors[0]).toMatch(/line \d+: groups\.from: got \[\], expected at least 1/);
    expect(errors[1]).toMatch(/line \d+: groups\.membersPerRequest: /);
    expect(errors[2]).toMatch(/line \d+: groups\.maxMemberRemovals: .*a count or a percentage/);
    expect(errors[3]).toMatch(/deleteEmtpy/);
  });

  it('invalid YAML names the line', () => {
    expect(errorOf('source:\n  path: [unclosed\n')).toMatch(new RegExp(`^${file} line \\d: invalid YAML`));
  });

  describe('start and end dates', () => {
    const DATED = VALID.replace(
      '    familyName: last_name\n',
      '    familyName: last_name\n  startDate: { column: Hire Date }\n  endDate: { column: Termination Date }\n',
    );

    it('dates are read with a zone and a format (default yyyy-MM-dd); createDaysBeforeStart defaults to 0', () => {
      const config = load(DATED.replace('target:', '  timezone: America/New_York\ntarget:'));
      expect(config.source).toMatchObject({
        startDate: { column: 'Hire Date' },
        endDate: { column: 'Termination Date' },
        dateFormat: 'yyyy-MM-dd',
        timezone: 'America/New_York',
      });
      expect(config.sync.createDaysBeforeStart).toBe(0);
      expect(load(DATED.replace('target:', '  timezone: { column: Time Zone }\n  dateFormat: dd.MM.yyyy\ntarget:')).source.timezone).toEqual({
        column: 'Time Zone',
      });
    });

    it('an unknown source.timezone is an error naming the key and line', () => {
      expect(errorOf(DATED.replace('target:', '  timezone: America/Springfield\ntarget:'))).toBe(
        `${file} line 10: source.timezone: got "America/Springfield", expected an IANA time zone such as "America/New_York", "Asia/Kolkata" or "UTC"`,
      );
    });

    it('a dateFormat that cannot read back the date it writes (mm is minutes, no day) is an error naming the key', () => {
      for (const format of ['yyyy-mm-dd', 'yyyy-MM', 'banana']) {
        expect(errorOf(DATED.replace('target:', `  timezone: UTC\n  dateFormat: ${format}\ntarget:`))).toMatch(
          new RegExp(`^${file} line 11: source.dateFormat: got "${format}", expected a date format with year, month and day such as "yyyy-MM-dd"`),
        );
      }
    });

    it('date columns without source.timezone are an error: no zone is guessed', () => {
      expect(errorOf(DATED)).toMatch(new RegExp(`^${file} line 1: source.timezone: got nothing, expected the zone the dates are in`));
    });
  });

  it('a missing file says so and how to point at another', () => {
    expect(() => loadConfig(join(dir, 'absent.yaml'))).toThrow(`${join(dir, 'absent.yaml')}: file not found (use --config FILE)`);
  });
});
