import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../src/emulator/server.js';
import { runProcess } from '../support/runProcess.js';
import { TEST_TOKEN, Workspace } from '../support/workspace.js';
import { CLI } from './runCli.js';

/**
 * The shipped form: `dist/scim-sync.js`, one ES module that scripts/bundle.mjs makes from
 * dist/cli/main.js and every dependency (the other CLI tests run it too, for their behaviour).
 * These check what the bundling itself must keep: the file needs nothing beside it, and the
 * modules we load only on demand (`import()`) are still loaded only on demand.
 */
describe('the shipped bundle (dist/scim-sync.js)', () => {
  let ws: Workspace;
  let emulator: RunningEmulator;
  const people = (n: number) => Array.from({ length: n }, (_, i) => ({ employee_id: `E${i}`, email: `p${i}@example.com`, first_name: 'P', last_name: `${i}` }));
  const run = (cli: string, args: string[], env: Record<string, string> = {}) =>
    runProcess(process.execPath, [cli, ...args], { env: { PATH: process.env.PATH ?? '', SCIM_TOKEN: TEST_TOKEN, ...env } });
  const reportOf = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as { result: string };

  beforeEach(() => {
    ws = new Workspace();
  });
  afterEach(async () => {
    await emulator?.close();
    ws.cleanup();
  });

  it('copied alone into a folder with no node_modules above it, it shows --help, plans a dry run, applies a run and loads its Redis client', async () => {
    // .mjs: without our package.json ("type": "module") beside it, that is what says "ES module".
    const standalone = join(ws.dir, 'scim-sync.mjs');
    copyFileSync(CLI, standalone);
    // Every folder from the copy up to / is free of node_modules, so a bare import could not resolve.
    for (let dir = ws.dir; ; dir = dirname(dir)) {
      expect(existsSync(join(dir, 'node_modules')), `${dir}/node_modules`).toBe(false);
      if (dirname(dir) === dir) break;
    }

    const help = await run(standalone, ['--help']);
    expect(help.code, help.stderr).toBe(0);
    expect(help.stderr).toBe('');
    expect(help.stdout).toContain('Usage: scim-sync');

    emulator = await startEmulator({ token: TEST_TOKEN });
    ws.writeRoster(people(3));
    ws.config(emulator.url);
    const dryReport = join(ws.dir, 'dry.json');
    const dry = await run(standalone, ['run', '--dry-run', '--config', ws.configPath, '--report', dryReport]);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/create\s+p0@example.com\s+new user\s+planned/);
    expect(emulator.writeCount()).toBe(0);
    expect(reportOf(dryReport).result).toBe('3 operations planned');

    const live = await run(standalone, ['run', '--config', ws.configPath, '--report', join(ws.dir, 'live.json')]);
    expect(live.code, live.stderr).toBe(0);
    expect(live.stdout).toContain('all 3 operations succeeded');
    expect(emulator.store.size).toBe(3);

    // The Redis client (loaded only with coordination.redis) is inside too: nothing listens on port 1.
    ws.config(emulator.url, { coordination: { redis: 'redis://127.0.0.1:1' } });
    const coordinated = await run(standalone, ['run', '--config', ws.configPath, '--report', join(ws.dir, 'redis.json')]);
    expect(coordinated.code).toBe(1);
    expect(coordinated.stderr).toContain('run refused, nothing was sent: Redis at redis://127.0.0.1:1 (coordination.redis) is unreachable');
  });

  it('ships the licence of every package whose code it carries, in dist/THIRD-PARTY-NOTICES.txt beside it', () => {
    const bundled = new Set([...readFileSync(CLI, 'utf8').matchAll(/^\/\/ node_modules\/((?:@[^/\s]+\/)?[^/\s]+)\//gm)].map((m) => m[1]!));
    expect(bundled.size).toBeGreaterThan(20); // undici, zod, pino, yaml, commander, …
    const notices = readFileSync(join(dirname(CLI), 'THIRD-PARTY-NOTICES.txt'), 'utf8');
    const listed = new Set([...notices.matchAll(/^(\S+) \d+\.\d+\.\d+\S* \(/gm)].map((m) => m[1]!));
    expect([...bundled].filter((name) => !listed.has(name))).toEqual([]);
    expect(notices).toMatch(/Permission is hereby granted/); // the texts, not only the names
  });

  it("carries zod's English messages only, not its other ~45 languages (392 KB parsed at every start for nothing)", () => {
    const zodLocales = [...readFileSync(CLI, 'utf8').matchAll(/^\/\/ node_modules\/zod\/v4\/locales\/(\S+)\.js$/gm)].map((m) => m[1]);
    expect(zodLocales).toEqual(['en']);
  });

  it('is pure ASCII, so V8 holds its 4 MB of source in one byte a character (one ’ in a comment doubles it)', () => {
    const text = readFileSync(CLI, 'latin1');
    expect(text.length).toBeGreaterThan(1_000_000);
    expect(/[\x80-\xff]/.exec(text)?.index).toBeUndefined();
  });

  it('the live executor and the Bulk batcher stay lazy: a dry run never initialises them, a live run does once; the Redis client only with coordination.redis, metrics and the daemon only when asked for, pino-pretty only for a terminal', async () => {
    emulator = await startEmulator({ token: TEST_TOKEN });
    ws.writeRoster(people(2));
    ws.config(emulator.url);
    const lazyModules = [
      'dist/execute/liveExecutor.js',
      'dist/scim/bulkBatcher.js',
      'dist/coordination/redisConnection.js',
      'dist/observe/syncMetrics.js',
      'dist/cli/daemonCommand.js',
      'node_modules/pino-pretty/index.js', // stderr is a pipe here, as under cron, systemd or a container
    ];

    const dry = await initialisations(['run', '--dry-run', '--config', ws.configPath, '--report', join(ws.dir, 'dry.json')], lazyModules);
    expect(dry).toEqual({
      'dist/execute/liveExecutor.js': 0,
      'dist/scim/bulkBatcher.js': 0,
      'dist/coordination/redisConnection.js': 0,
      'dist/observe/syncMetrics.js': 0,
      'dist/cli/daemonCommand.js': 0,
      'node_modules/pino-pretty/index.js': 0,
    });
    expect(emulator.writeCount()).toBe(0);

    const live = await initialisations(['run', '--config', ws.configPath, '--report', join(ws.dir, 'live.json')], lazyModules);
    expect(live).toEqual({
      'dist/execute/liveExecutor.js': 1,
      'dist/scim/bulkBatcher.js': 1,
      'dist/coordination/redisConnection.js': 0,
      'dist/observe/syncMetrics.js': 0, // only with --http-port
      'dist/cli/daemonCommand.js': 0,
      'node_modules/pino-pretty/index.js': 0,
    });
    expect(emulator.store.size).toBe(2);

    // --http-port loads them, and the run still ends well (port 0: any free one).
    const served = await initialisations(
      ['run', '--dry-run', '--http-port', '0', '--config', ws.configPath, '--report', join(ws.dir, 'served.json')],
      lazyModules,
    );
    expect(served['dist/observe/syncMetrics.js']).toBe(1);
    expect(served['dist/cli/daemonCommand.js']).toBe(0);
  });

  /**
   * Runs the bundle with V8's coverage on and returns how often each named module's code ran.
   * esbuild wraps a module reached by `import()` in an `__esm` initialiser (a CommonJS package in a
   * `__commonJS` one) whose body is a function named after the module's path; V8 counts its calls
   * (0 when it never ran).
   */
  async function initialisations(args: string[], modules: string[]): Promise<Record<string, number>> {
    const coverageDir = mkdtempSync(join(ws.dir, 'coverage-'));
    const r = await run(CLI, args, { NODE_V8_COVERAGE: coverageDir });
    expect(r.code, r.stderr).toBe(0);
    const [file] = readdirSync(coverageDir);
    const coverage = JSON.parse(readFileSync(join(coverageDir, file!), 'utf8')) as {
      result: { url: string; functions: { functionName: string; ranges: { count: number }[] }[] }[];
    };
    const bundle = coverage.result.find((script) => script.url.endsWith('/scim-sync.js'));
    expect(bundle, 'the bundle in the coverage').toBeDefined();
    const counts: Record<string, number> = {};
    for (const module of modules) {
      const initialiser = bundle!.functions.filter((fn) => fn.functionName === module);
      expect(initialiser, `one initialiser named ${module}: is it still reached only through import()?`).toHaveLength(1);
      counts[module] = initialiser[0]!.ranges[0]!.count;
    }
    return counts;
  }
});
