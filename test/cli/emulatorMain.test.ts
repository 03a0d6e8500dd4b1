import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runProcess } from '../support/runProcess.js';

const EMULATOR = fileURLToPath(new URL('../../dist/emulator/main.js', import.meta.url));

const runEmulator = (args: string[]) => runProcess(process.execPath, [EMULATOR, ...args]);

describe('the standalone emulator (node dist/emulator/main.js)', () => {
  it('--help prints the options and exits 0 without starting a server', async () => {
    const r = await runEmulator(['--help']);
    expect(r.code).toBe(0);
    for (const option of ['--port', '--token-file', '--seed', '--max-page-size', '--rate-limit', '--dialect', '--help']) expect(r.stdout).toContain(option);
    expect(r.stdout).not.toMatch(/^http:/m);
  });

  it('--help documents the seed file format and points at config/demo-team.json', async () => {
    const r = await runEmulator(['--help']);
    expect(r.stdout).toContain('Seed file: a JSON array of users (or { "users": [...], "groups": [...] })');
    expect(r.stdout).toContain('Groups (postman and generic dialects): { "displayName": "Dept - Sales", "members": ["ada@example.com"] }');
    for (const field of ['userName', 'givenName, familyName, externalId', 'active', 'emails', 'roles', 'attributes']) expect(r.stdout).toContain(field);
    expect(r.stdout).toContain('Example: config/demo-team.json');
  });

  it('an unknown option exits 2 and points at --help', async () => {
    const r = await runEmulator(['--bogus']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Unknown option '--bogus' (see --help)");
  });
});
