import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { Operation, PlanPolicy } from '../../src/domain/plan.js';
import { planAdoption } from '../../src/plan/adoption.js';
import type { RosterUser } from '../../src/domain/roster.js';
import { type RunningEmulator, startEmulator } from '../../src/emulator/server.js';
import { LiveExecutor } from '../../src/execute/liveExecutor.js';
import { PROFILES } from '../../src/providers/targetProfile.js';
import { gatedClient } from '../support/gatedClient.js';

const TOKEN = 'executor-test-token';
const POLICY: PlanPolicy = {
  deactivateMissing: true,
  protect: [],
  compare: ['name.givenName', 'name.familyName'],
  updatable: new Set(['userName', 'name.givenName', 'name.familyName']),
};

describe('LiveExecutor', () => {
  let emulator: RunningEmulator;
  let connection: ReturnType<typeof gatedClient>;
  afterEach(async () => {
    await connection.close();
    await emulator.close();
  });

  async function setUp(users: Parameters<typeof startEmulator>[0] = {}, provider: 'postman' | 'generic' = 'postman', onOutcome?: () => void) {
    emulator = await startEmulator({ token: TOKEN, ...users, dialect: provider });
    connection = gatedClient(emulator.url, TOKEN);
    const { client, gate } = connection;
    return new LiveExecutor(client, {
      concurrency: 2,
      maxConsecutiveFailures: 5,
      canFilter: true,
      logger: pino({ level: 'silent' }),
      haltRequests: (e) => gate.close(e),
      onOutcome,
      externalIdLookup: PROFILES[provider].filtersOnExternalId,
      requests: { profile: PROFILES[provider], mapped: ['externalId', 'userName', 'name.givenName', 'name.familyName'], patchSupported: true },
    });
  }

  const ada: RosterUser = { line: 2, externalId: 'E1', userName: 'ada@example.com', givenName: 'Ada', familyName: 'Lovelace', active: true };

  it('a create that meets an existing account (409) looks it up and hands it back as a value, sending nothing more', async () => {
    const executor = await setUp({ users: [{ userName: 'Ada@Example.com', givenName: 'A', familyName: 'L', active: false }] });
    const create: Operation = { kind: 'create', user: ada };
    const { outcomes, conflicts } = await executor.execute([create]);
    expect(outcomes[0]).toMatchObject({ op: 'create', outcome: 'failed', httpStatus: 409, failureKind: 'conflict' });
    expect(conflicts).toEqual([
      { index: 0, user: ada, accounts: [expect.objectContaining({ id: emulator.store.list()[0]!.id, active: false })], via: 'conflict' },
    ]);
    expect(emulator.requestLog.map((r) => `${r.method} ${r.status}`)).toEqual(['POST 409', 'GET 200']);
  });

  it('adopting the found account sends what the planner decided for it: reactivated, name fixed, one outcome', async () => {
    const executor = await setUp({ users: [{ userName: 'Ada@Example.com', givenName: 'A', familyName: 'L', active: false }] });
    const { outcomes, conflicts } = await executor.execute([{ kind: 'create', user: ada }]);
    const found = conflicts![0]!;
    const decision = planAdoption(found.user, found.accounts, POLICY);
    expect(decision.adopt).toBe(true);
    const adopted = await executor.adopt([{ outcome: outcomes[0]!, existing: found.accounts[0]!, operations: decision.adopt ? decision.operations : [] }]);
    expect(adopted.outcomes).toEqual([expect.objectContaining({ op: 'create', outcome: 'succeeded', adopted: true, id: emulator.store.list()[0]!.id })]);
    expect(adopted.outcomes[0]).not.toHaveProperty('detail', expect.anything());
    expect(emulator.store.list()).toEqual([expect.objectContaining({ givenName: 'Ada', familyName: 'Lovelace', active: true })]);
    expect(emulator.requestLog.map((r) => `${r.method} ${r.status}`)).toEqual(['POST 409', 'GET 200', 'PATCH 200', 'PUT 200']);
  });

  it('on a service that filters on externalId, a create first looks the externalId up: an account the read missed is renamed, not given a twin', async () => {
    const executor = await setUp(
      { users: [{ id: 'id-1', userName: 'ada.old@example.com', givenName: 'Ada', familyName: 'Lovelace', externalId: 'E1' }] },
      'generic',
    );
    const { outcomes, conflicts } = await executor.execute([{ kind: 'create', user: ada }]);
    expect(conflicts).toEqual([{ index: 0, user: ada, accounts: [expect.objectContaining({ id: 'id-1', externalId: 'E1' })], via: 'externalId' }]);
    const decision = planAdoption(ada, conflicts![0]!.accounts, POLICY);
    const adopted = await executor.adopt([
      { outcome: outcomes[0]!, existing: conflicts![0]!.accounts[0]!, operations: decision.adopt ? decision.operations : [] },
    ]);
    expect(adopted.outcomes[0]).toMatchObject({ op: 'create', outcome: 'succeeded', adopted: true, id: 'id-1' });
    expect(emulator.store.list()).toEqual([expect.objectContaining({ id: 'id-1', userName: 'ada@example.com', externalId: 'E1' })]);
    expect(emulator.requestLog.map((r) => `${r.method} ${r.query.filter ?? ''} ${r.status}`)).toEqual(['GET externalId eq "E1" 200', 'PATCH  200']);
  });

  it('stop() lets in-flight operations finish and marks the rest not attempted', async () => {
    // The signal comes when the first create is answered: the second (concurrency 2) is in flight then.
    const executor: LiveExecutor = await setUp({ latencyMs: 100 }, 'postman', () => executor.stop('interrupted by SIGTERM'));
    const ops: Operation[] = Array.from({ length: 6 }, (_, i) => ({ kind: 'create', user: { ...ada, externalId: `E${i}`, userName: `p${i}@example.com` } }));
    const { outcomes, stoppedBecause } = await executor.execute(ops);
    expect(stoppedBecause?.reason).toBe('interrupted by SIGTERM');
    expect(outcomes.map((o) => o.outcome)).toEqual(['succeeded', 'succeeded', 'not-attempted', 'not-attempted', 'not-attempted', 'not-attempted']);
    expect(emulator.store.size).toBe(2);
  });
});
