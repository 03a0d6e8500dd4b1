import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { stringify } from 'yaml';
import { type Config, loadConfig } from '../../src/config/loadConfig.js';

export const TEST_TOKEN = 'tok-SECRET-7f3a9c1e-do-not-leak';

export interface RosterRow {
  employee_id: string;
  email: string;
  first_name: string;
  last_name: string;
  status?: string;
}

/** A throwaway folder with a roster, a config pointing at `baseUrl`, and a reports dir. */
export class Workspace {
  readonly dir = mkdtempSync(join(tmpdir(), 'scim-sync-test-'));
  readonly rosterPath = join(this.dir, 'roster.csv');
  readonly configPath = join(this.dir, 'scim-sync.yaml');
  readonly logLines: string[] = [];
  readonly logger = pino({ level: 'debug' }, { write: (line: string) => void this.logLines.push(line) });

  writeRoster(rows: RosterRow[]): void {
    const lines = [
      'employee_id,email,first_name,last_name,status',
      ...rows.map((r) => [r.employee_id, r.email, r.first_name, r.last_name, r.status ?? 'active'].join(',')),
    ];
    writeFileSync(this.rosterPath, lines.join('\n') + '\n');
  }

  writeRosterText(text: string | Buffer): void {
    writeFileSync(this.rosterPath, text);
  }

  /** Writes the YAML config (deep-merged over sensible test defaults) and loads it like the CLI does. */
  config(baseUrl: string, overrides: Record<string, unknown> = {}): Config {
    this.writeConfig(baseUrl, overrides);
    return loadConfig(this.configPath, { SCIM_TOKEN: TEST_TOKEN });
  }

  /** Only writes the config (for the CLI to load, or to fail loading). */
  writeConfig(baseUrl: string, overrides: Record<string, unknown> = {}): void {
    writeFileSync(this.configPath, stringify(this.configObject(baseUrl, overrides)));
  }

  /** Loads whatever is in the config file now (e.g. after a test wrote a broken one). */
  loadWrittenConfig(env: NodeJS.ProcessEnv = { SCIM_TOKEN: TEST_TOKEN }): Config {
    return loadConfig(this.configPath, env);
  }

  configObject(baseUrl: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
    const base = {
      source: {
        path: './roster.csv',
        columns: { externalId: 'employee_id', userName: 'email', givenName: 'first_name', familyName: 'last_name' },
        status: { column: 'status', active: ['active', 'on leave'] },
      },
      target: {
        provider: 'postman',
        baseUrl,
        token: '${SCIM_TOKEN}',
        requestsPerMinute: 6000,
        pageSize: 100,
        retry: { baseDelayMs: 5, maxDelayMs: 50, defaultRetryAfterSeconds: 1 },
        timeouts: { connectMs: 2000, headersMs: 2000, bodyMs: 2000 },
      },
      sync: { deactivateMissing: true, protect: ['admin@example.com'], maxDeactivations: '100%' },
      report: { dir: './reports' },
      state: { dir: './state' },
      log: { level: 'debug' },
    };
    return deepMerge(base, overrides);
  }

  reports(): unknown[] {
    try {
      return readdirSync(join(this.dir, 'reports'))
        .filter((f) => !f.endsWith('.plan.json')) // a refused run's plan, saved beside its report
        .sort()
        .map((f) => JSON.parse(readFileSync(join(this.dir, 'reports', f), 'utf8')));
    } catch {
      return [];
    }
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = out[key];
    out[key] =
      value && typeof value === 'object' && !Array.isArray(value) && current && typeof current === 'object' && !Array.isArray(current)
        ? deepMerge(current as Record<string, unknown>, value as Record<string, unknown>)
        : value;
  }
  return out;
}
