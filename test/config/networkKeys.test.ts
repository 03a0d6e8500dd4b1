import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/configError.js';
import { loadConfig } from '../../src/config/loadConfig.js';
import { TestPki } from '../support/certificates.js';

const BASE = `source:
  path: ./roster.csv
  columns: { externalId: employee_id, userName: email, givenName: first_name, familyName: last_name }
target:
  baseUrl: https://scim.example.com/v2
  token: \${SCIM_TOKEN}
`;

describe('loadConfig: proxy, TLS and roster source keys', () => {
  let pki: TestPki;
  let dir: string;
  let file: string;
  beforeAll(() => (pki = new TestPki()));
  afterAll(() => pki.cleanup());
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'scim-sync-config-'));
    file = join(dir, 'scim-sync.yaml');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const errorOf = (text: string, env: Record<string, string> = {}, roster?: string) => {
    writeFileSync(file, text);
    try {
      loadConfig(file, { SCIM_TOKEN: 'tok', ...env }, { roster });
    } catch (error) {
      if (error instanceof ConfigError) return error.message;
      throw error;
    }
    throw new Error('expected a ConfigError');
  };

  it('refuses a CA file that is missing or holds no certificate, naming the key and line', () => {
    expect(errorOf(BASE + '  caFile: ./nope.pem\n')).toBe(`${file} line 7: target.caFile: can't read ${join(dir, 'nope.pem')}: ENOENT`);
    writeFileSync(join(dir, 'junk.pem'), 'hello');
    expect(errorOf(BASE + '  caFile: ./junk.pem\n')).toContain('target.caFile: ' + join(dir, 'junk.pem') + ' holds no PEM certificate');
  });

  it("refuses a client key that is not the certificate's, and one without the other", () => {
    const a = pki.client('a');
    const b = pki.client('b');
    expect(errorOf(BASE + `  clientCertFile: ${a.certFile}\n  clientKeyFile: ${b.keyFile}\n`)).toContain(
      'target.clientKeyFile: is not the key of the certificate in target.clientCertFile',
    );
    expect(errorOf(BASE + `  clientCertFile: ${a.certFile}\n`)).toContain('target.clientCertFile and target.clientKeyFile go together');
  });

  it('refuses a proxy that is not a URL, from the file or the environment, never showing a password', () => {
    expect(errorOf(BASE + '  proxy: proxy.corp:3128\n')).toContain('target.proxy: got "proxy.corp:3128", expected none, or a proxy URL');
    const fromEnv = errorOf(BASE, { HTTPS_PROXY: 'http://u:pw-SECRET@[bad' });
    expect(fromEnv).toContain('the environment variable HTTPS_PROXY is not a URL');
    expect(fromEnv).not.toContain('pw-SECRET');
  });

  it('wants exactly one of source.path and source.url; --roster replaces both; source.url holds no credentials', () => {
    const both = BASE.replace('  path: ./roster.csv\n', '  path: ./roster.csv\n  url: https://hr.example.com/r.csv\n');
    expect(errorOf(both)).toContain('source.url: set exactly one of source.path');
    writeFileSync(file, both);
    const { source } = loadConfig(file, { SCIM_TOKEN: 'tok' }, { roster: '-' });
    expect([source.path, source.url]).toEqual(['-', undefined]);
    const withCredentials = BASE.replace('  path: ./roster.csv\n', '  url: https://me:hr-SECRET@hr.example.com/r.csv\n');
    expect(errorOf(withCredentials)).toContain('source.url: holds a user name or password');
    expect(errorOf(withCredentials)).not.toContain('hr-SECRET');
  });

  it('turns source.auth into a secret Authorization header that prints as [redacted]', () => {
    writeFileSync(join(dir, 'pw'), 'wd-pass\n');
    const text = BASE.replace('  path: ./roster.csv\n', '  url: https://hr.example.com/r.csv\n  auth: { basic: { username: isu, passwordFile: ./pw } }\n');
    writeFileSync(file, text);
    const config = loadConfig(file, { SCIM_TOKEN: 'tok' });
    expect(config.rosterAuthorization?.reveal()).toBe(`Basic ${Buffer.from('isu:wd-pass').toString('base64')}`);
    expect(JSON.stringify(config)).not.toContain(Buffer.from('isu:wd-pass').toString('base64'));
    expect(config.source).not.toHaveProperty('auth');
  });
});
