import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../src/emulator/server.js';
import { plainText, runCliInTerminal } from '../support/runInTerminal.js';
import { TEST_TOKEN, Workspace } from '../support/workspace.js';

/**
 * What an admin sees at a terminal (stdout and stderr both a pseudo-terminal, made by `script`):
 * the table and one summary — not the same result again as pretty-printed log blocks.
 */
describe('scim-sync run on a terminal', () => {
  let ws: Workspace;
  let emulator: RunningEmulator;
  const env = { SCIM_TOKEN: TEST_TOKEN };
  // The admin's default log level (the test workspace's is debug).
  const atInfo = { log: { level: 'info' } };
  beforeEach(() => {
    ws = new Workspace();
  });
  afterEach(async () => {
    await emulator?.close();
    ws.cleanup();
  });
  const count = (text: string, pattern: RegExp) =>
    [...text.matchAll(new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`))].length;

  it('a run shows the table and one summary, explains who was skipped and why, and a second run says "nothing to do" once', async () => {
    emulator = await startEmulator({
      token: TEST_TOKEN,
      users: [
        { userName: 'admin@example.com', givenName: 'Team', familyName: 'Admin' },
        { userName: 'leaver@example.com', givenName: 'Lee', familyName: 'Ver', externalId: 'E9' },
        { userName: 'ivan@example.com', givenName: 'Ivan', familyName: 'Ivanov', externalId: 'E5' },
      ],
    });
    ws.writeRosterText(
      'employee_id,email,first_name,last_name,status\n' +
        'E1,ada@example.com,Ada,Lovelace,active\n' +
        'E2,bob@example.com,Bob,Brown,active\n' +
        'E3,cy@example.com,Cy,Young,active\n' +
        'E4,di@example.com,Di,Dunn,active\n' +
        'E5,ivan.example.com,Ivan,Ivanov,active\n',
    );
    ws.writeConfig(emulator.url, { ...atInfo, source: { maxRejectedShare: 0.5 } });

    const first = await runCliInTerminal(['run', '--config', ws.configPath], env);
    const screen = plainText(first.stdout);
    expect(first.code, screen).toBe(0);
    expect(count(screen, /all 5 operations succeeded/), screen).toBe(1); // the summary's first line, and nowhere else
    expect(count(screen, /^OPERATION +USER/m)).toBe(1);
    expect(screen).not.toMatch(/runId|"planned"|summary:|reportPath/); // no pretty-printed log block
    expect(screen).toContain('skipped: 1 protected by sync.protect (admin@example.com); 1 with a rejected roster row, left as they are (ivan@example.com)');

    const second = plainText((await runCliInTerminal(['run', '--config', ws.configPath], env)).stdout);
    expect(count(second, /nothing to do/i), second).toBe(1);
  });

  it('a dry run refused by the deactivation cap shows the refusal once, in the summary, with what to do next', async () => {
    emulator = await startEmulator({
      token: TEST_TOKEN,
      users: Array.from({ length: 4 }, (_, i) => ({ userName: `p${i}@example.com`, givenName: 'P', familyName: `${i}`, externalId: `E${i}` })),
    });
    ws.writeRoster([{ employee_id: 'E0', email: 'p0@example.com', first_name: 'P', last_name: '0' }]);
    ws.writeConfig(emulator.url, { ...atInfo, sync: { maxDeactivations: 1 } });
    const r = await runCliInTerminal(['run', '--dry-run', '--config', ws.configPath], env);
    const screen = plainText(r.stdout);
    expect(r.code, screen).toBe(3);
    expect(count(screen, /the plan deactivates 3 users/), screen).toBe(2); // "refused: …" in the first line and the reason line
    expect(screen).not.toMatch(/ERROR|INFO|run refused/);
    expect(count(screen, /next: check the planned deactivations/)).toBe(1);
  });

  it('one operation is "the 1 operation succeeded", not "all 1 operations"', async () => {
    emulator = await startEmulator({ token: TEST_TOKEN });
    ws.writeRoster([{ employee_id: 'E0', email: 'p0@example.com', first_name: 'P', last_name: '0' }]);
    ws.writeConfig(emulator.url, atInfo);
    const screen = plainText((await runCliInTerminal(['run', '--config', ws.configPath], env)).stdout);
    expect(screen).toContain('the 1 operation succeeded');
    expect(screen).not.toContain('all 1 operations');
  });

  it("the progress bar's last frame is erased before anything else is written", async () => {
    // 6 creates one at a time at 400 ms each: at least 2.4 s, so the bar (redrawn every second) is drawn.
    emulator = await startEmulator({ token: TEST_TOKEN, latencyMs: 400 });
    ws.writeRoster(Array.from({ length: 6 }, (_, i) => ({ employee_id: `E${i}`, email: `p${i}@example.com`, first_name: 'P', last_name: `${i}` })));
    ws.writeConfig(emulator.url, { ...atInfo, target: { concurrency: 1 } });
    const r = await runCliInTerminal(['run', '--config', ws.configPath], env);
    expect(r.code, r.stdout).toBe(0);
    const lastFrame = r.stdout.lastIndexOf(' ops, ');
    expect(lastFrame, r.stdout).toBeGreaterThan(0);
    const after = r.stdout.slice(lastFrame);
    // Carriage return + erase line come before any line break or further text.
    // eslint-disable-next-line no-control-regex -- the erase sequence is what is under test
    expect(after).toMatch(/^ ops, [^\n]*?ETA \d+s\r\x1b\[2K/);
  });
});
