import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import { stringify } from 'yaml';
import { type Config, loadConfig } from '../../src/config/loadConfig.js';
import { type Person, writeRoster } from '../generate.js';
import { BENCH_TOKEN } from './benchToken.js';
import { TMP_DIR } from './paths.js';

export { BENCH_TOKEN };

/** Logs off: benchmarks measure scim-sync, not pino writing to a terminal. */
export function quietLogger(): Logger {
  return pino({ level: 'silent' });
}

/** A throwaway folder under bench/tmp with a roster and a config, like test/support/workspace.ts. */
export class BenchWorkspace {
  readonly dir: string;
  readonly rosterPath: string;
  readonly configPath: string;

  constructor(name: string) {
    mkdirSync(TMP_DIR, { recursive: true });
    this.dir = mkdtempSync(join(TMP_DIR, `${name}-`));
    this.rosterPath = join(this.dir, 'roster.csv');
    this.configPath = join(this.dir, 'scim-sync.yaml');
  }

  writeRoster(people: Iterable<Person>): number {
    return writeRoster(this.rosterPath, people);
  }

  /** Writes the YAML config (deep-merged over benchmark defaults) and loads it as the CLI does. */
  config(baseUrl: string, target: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): Config {
    const object = {
      source: {
        path: './roster.csv',
        columns: { externalId: 'employee_id', userName: 'email', givenName: 'first_name', familyName: 'last_name' },
        status: { column: 'status', active: ['active', 'on leave'] },
        ...(extra.source as object | undefined),
      },
      target: {
        baseUrl,
        provider: 'postman', // the emulator is Postman-like: names change by PUT, PATCH is for `active`
        token: '${SCIM_TOKEN}',
        requestsPerMinute: 20_000, // the schema's maximum
        pageSize: 100,
        concurrency: 4,
        retry: { baseDelayMs: 50, maxDelayMs: 1000 },
        ...target,
      },
      sync: { deactivateMissing: true, maxDeactivations: '100%', ...(extra.sync as object | undefined) },
      report: { dir: './reports' },
      state: { dir: './state' },
      log: { level: 'silent' },
      ...(extra.coordination ? { coordination: extra.coordination } : {}),
      ...(extra.groups ? { groups: extra.groups } : {}),
    };
    // `key: undefined` in an override means "leave the key out" (use the default).
    for (const section of Object.values(object)) {
      for (const [k, v] of Object.entries(section)) if (v === undefined) delete (section as Record<string, unknown>)[k];
    }
    writeFileSync(this.configPath, stringify(object));
    return loadConfig(this.configPath, { SCIM_TOKEN: BENCH_TOKEN });
  }

  cleanup(): void {
    if (process.env.BENCH_KEEP_TMP) return;
    rmSync(this.dir, { recursive: true, force: true });
  }
}
