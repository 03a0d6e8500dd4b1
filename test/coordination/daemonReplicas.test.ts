import type { ChildProcess } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../src/emulator/server.js';
import type { RunReport } from '../../src/report/runReport.js';
import { runCli } from '../cli/runCli.js';
import { type RunningRedis, startRedis } from '../support/redisServer.js';
import { TEST_TOKEN, Workspace } from '../support/workspace.js';

interface Replica {
  child: ChildProcess;
  done: Promise<unknown>;
  /** Its pino log lines, parsed. */
  logs: { msg: string; tick?: string; instance?: string }[];
}

async function waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs = 30_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const people = (n: number) => Array.from({ length: n }, (_, i) => ({ employee_id: `E${i}`, email: `p${i}@example.com`, first_name: 'P', last_name: `${i}` }));

describe('daemon replicas electing one runner per tick through Redis', { timeout: 90_000 }, () => {
  let ws: Workspace;
  let emulator: RunningEmulator;
  let redis: RunningRedis;
  let replicas: Replica[] = [];
  beforeEach(async () => {
    ws = new Workspace();
    redis = await startRedis();
    emulator = await startEmulator({ token: TEST_TOKEN, rateLimit: false });
  });
  afterEach(async () => {
    for (const r of replicas) r.child.kill('SIGTERM');
    await Promise.all(replicas.map((r) => r.done));
    replicas = [];
    await emulator.close();
    await redis.stop();
    ws.cleanup();
  });

  function startReplica(): Replica {
    let child!: ChildProcess;
    const logs: Replica['logs'] = [];
    const done = runCli(['daemon', '--config', ws.configPath], { SCIM_TOKEN: TEST_TOKEN }, (c) => {
      child = c;
      let pending = '';
      c.stderr!.on('data', (d: Buffer) => {
        pending += d.toString();
        const lines = pending.split('\n');
        pending = lines.pop()!;
        for (const line of lines) if (line.startsWith('{')) logs.push(JSON.parse(line));
      });
    });
    return { child, done, logs };
  }
  const reports = () => (ws.reports() as RunReport[]).sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  const claimed = (r: Replica) => r.logs.filter((l) => l.msg === 'tick claimed: this replica runs it');

  it('three replicas on a 1 s schedule: exactly one run per tick; after kill -9 of the leader mid-run another replica runs once the lease expires, and converges without duplicates', async () => {
    ws.writeRoster(people(3));
    ws.writeConfig(emulator.url, {
      daemon: { schedule: '* * * * * *', shutdownGraceSeconds: 2 },
      http: { port: 0 },
      log: { level: 'info' },
      coordination: { redis: redis.url, leaseTtlSeconds: 2 },
    });
    replicas = [startReplica(), startReplica(), startReplica()];

    // Several ticks: each claimed by exactly one replica, the others log who took it.
    await waitFor('five runs', () => reports().length >= 5);
    const ticks = replicas.flatMap((r) => claimed(r).map((l) => l.tick!));
    expect(new Set(ticks).size).toBe(ticks.length);
    const takenElsewhere = replicas.flatMap((r) => r.logs.filter((l) => l.msg.startsWith('tick taken by ')));
    expect(takenElsewhere.length).toBeGreaterThanOrEqual(2 * 4);
    const runs = reports();
    const tokens = runs.map((r) => r.coordination!.fencingToken);
    expect(tokens).toEqual([...tokens].sort((a, b) => a - b));
    expect(new Set(tokens).size).toBe(tokens.length);
    for (let i = 1; i < runs.length; i++) expect(runs[i]!.startedAt >= runs[i - 1]!.finishedAt).toBe(true); // never two at once
    expect(emulator.store.size).toBe(3);

    // A run that will be mid-writes: three new people, each create answered after 1.5 s.
    emulator.setFaults({ rules: [{ method: 'POST', action: { type: 'delay', ms: 1_500 } }] });
    ws.writeRoster(people(6));
    const postsBefore = emulator.requestLog.filter((r) => r.method === 'POST').length;
    await waitFor('a run sending creates', () => emulator.requestLog.filter((r) => r.method === 'POST').length > postsBefore);
    const leader = await waitFor('the replica running it', () => {
      const lastClaims = replicas.map((r) => ({ r, at: claimed(r).at(-1)?.tick ?? '' }));
      return lastClaims.sort((a, b) => b.at.localeCompare(a.at))[0]!.r;
    });
    leader.child.kill('SIGKILL');
    const killedAt = Date.now();
    await leader.done;
    emulator.setFaults(undefined);

    const takeover = await waitFor('a run by another replica after the kill', () =>
      reports().find((r) => Date.parse(r.startedAt) > killedAt && r.exitCode === 0 && r.summary.create.planned + r.summary.unchanged >= 6),
    );
    // The dead leader's lease (renewed every TTL/3) had to expire first: at least 2 s − 2/3 s after the kill.
    expect(Date.parse(takeover.startedAt) - killedAt).toBeGreaterThanOrEqual(1_000);
    const survivors = replicas.filter((r) => r !== leader);
    expect(survivors.some((r) => r.logs.some((l) => l.msg === 'scheduled run skipped'))).toBe(true);
    // Converged: every person exactly once, whatever the killed run had sent.
    const userNames = emulator.store
      .list()
      .map((u) => u.userName)
      .sort();
    expect(userNames).toEqual(
      people(6)
        .map((p) => p.email)
        .sort(),
    );
  });
});
