import { readdirSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/loadConfig.js';

/** The shipped configs are documentation: each must load as it is. */
const dir = fileURLToPath(new URL('../../config/', import.meta.url));
const env = { SCIM_TOKEN: 'x', SCIM_BASE_URL: 'http://127.0.0.1:1/scim/v2' };

describe('shipped config files', () => {
  /** Which provider each shipped config is the ready-made config of (README "Providers"). */
  const PROVIDER: Record<string, string> = {
    'scim-sync.example.yaml': 'postman',
    'nintex.example.yaml': 'nintex',
    'generic.example.yaml': 'generic',
    'demo.yaml': 'postman',
  };

  for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml') && f !== 'demo-compose.yaml')) {
    it(`${file} loads as the ${PROVIDER[file] ?? '?'} config, its roster path resolved beside it`, () => {
      const config = loadConfig(`${dir}${file}`, env);
      expect(config.target.provider).toBe(PROVIDER[file]);
      expect(config.source.path?.startsWith(dir), config.source.path).toBe(true);
      expect(Object.keys(config.source.columns)).toEqual(expect.arrayContaining(['externalId', 'userName']));
    });
  }

  it('every config that has `token: ${SCIM_TOKEN}` also loads with only SCIM_TOKEN_FILE set (as docker-compose.yml does)', () => {
    const secret = `${dir}demo-token`;
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
      expect(loadConfig(`${dir}${file}`, { SCIM_TOKEN_FILE: secret, SCIM_BASE_URL: 'http://127.0.0.1:1/scim/v2' }).token.reveal(), file).not.toBe('');
    }
  });

  it('each example config has a state dir of its own (the state belongs to one service)', () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.yaml') && f !== 'demo-compose.yaml');
    const stateDirs = files.map((file) => loadConfig(`${dir}${file}`, env).state.dir);
    expect(new Set(stateDirs).size, stateDirs.join(', ')).toBe(files.length);
  });

  it('the Postman example lists every daemon.* and http.* key, commented, with the defaults loadConfig gives', () => {
    const text = readFileSync(`${dir}scim-sync.example.yaml`, 'utf8');
    const loaded = loadConfig(`${dir}scim-sync.example.yaml`, env);
    expect(text).toMatch(/^# daemon:$/m);
    expect(text).toMatch(/^# http:$/m);
    for (const [section, values] of [
      ['daemon', loaded.daemon],
      ['http', loaded.http],
    ] as const) {
      for (const [key, value] of Object.entries(values)) {
        const line = new RegExp(`^#   ${key}: (.*?)(\\s+#.*)?$`, 'm').exec(text);
        expect(line, `${section}.${key}`).not.toBeNull();
        expect(String(parse(line![1]!)), `${section}.${key}`).toBe(String(value));
      }
    }
  });

  it('demo-compose.yaml loads with the compose secret in place of the token file', () => {
    expect(loadConfig(`${dir}demo-compose.yaml`, { SCIM_TOKEN: 'from-secret' }).token.reveal()).toBe('from-secret');
  });
});

describe('shipped example rosters', () => {
  it('each example config reads its example roster with every mapped column present (the Postman one keeps its deliberate bad line 9)', async () => {
    const { readRoster } = await import('../../src/roster/readRoster.js');
    const { profileOf } = await import('../../src/run/syncPolicy.js');
    for (const file of ['scim-sync.example.yaml', 'nintex.example.yaml', 'generic.example.yaml']) {
      const config = loadConfig(`${dir}${file}`, env);
      const roster = await readRoster({ ...config.source, path: config.source.path!, userNameIsEmail: profileOf(config).userNameIsEmail });
      expect(
        roster.rejected.map((r) => r.line),
        file,
      ).toEqual(file === 'scim-sync.example.yaml' ? [9] : []);
      expect(roster.users.length, file).toBeGreaterThan(0);
    }
  });

  it('a run with an example config as shipped accepts its example roster (README step 1 works out of the box)', async () => {
    const { readRoster } = await import('../../src/roster/readRoster.js');
    const { profileOf } = await import('../../src/run/syncPolicy.js');
    const { checkRoster } = await import('../../src/plan/safety.js');
    for (const file of ['scim-sync.example.yaml', 'nintex.example.yaml', 'generic.example.yaml', 'demo.yaml']) {
      const config = loadConfig(`${dir}${file}`, env);
      const roster = await readRoster({ ...config.source, path: config.source.path!, userNameIsEmail: profileOf(config).userNameIsEmail });
      const refusal = checkRoster(roster, {
        maxDeactivations: config.sync.maxDeactivations,
        maxRejectedShare: config.source.maxRejectedShare,
        protect: config.sync.protect,
      });
      expect(refusal, file).toBeUndefined();
    }
  });
});
