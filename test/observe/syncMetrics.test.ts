import { describe, expect, it } from 'vitest';
import { SyncMetrics } from '../../src/observe/syncMetrics.js';
import type { RunReport } from '../../src/report/runReport.js';
import { summarise } from '../../src/report/runReport.js';

function report(upcoming: RunReport['upcoming']): RunReport {
  return {
    runId: 'r',
    startedAt: '2026-03-01T12:00:00.000Z',
    finishedAt: '2026-03-01T12:00:01.000Z',
    dryRun: false,
    outcome: 'succeeded',
    exitCode: 0,
    result: 'nothing to do',
    config: { file: 'x.yaml', baseUrl: 'http://127.0.0.1:1/scim/v2' },
    summary: summarise([], 0, 0),
    requests: { total: 0, byMethod: {}, retries: 0, throttled: 0 },
    operations: [],
    skipped: [],
    pending: [],
    upcoming,
  };
}

describe('SyncMetrics: scim_sync_upcoming_operations', () => {
  it('counts what the dates will do in the next 14 days by op, every op present, and is replaced by the next run’s counts', async () => {
    const metrics = new SyncMetrics();
    metrics.finished(
      report([
        { op: 'deactivate', userName: 'a@example.com', externalId: 'E1', at: '2026-03-06T05:00:00Z' },
        { op: 'create', userName: 'b@example.com', externalId: 'E2', at: '2026-03-08T05:00:00Z' },
        { op: 'create', userName: 'c@example.com', externalId: 'E3', at: '2026-03-09T05:00:00Z' },
      ]),
      1000,
    );
    const first = await metrics.registry.metrics();
    expect(first).toContain('scim_sync_upcoming_operations{op="create"} 2');
    expect(first).toContain('scim_sync_upcoming_operations{op="reactivate"} 0');
    expect(first).toContain('scim_sync_upcoming_operations{op="deactivate"} 1');

    metrics.finished(report([]), 1000);
    expect(await metrics.registry.metrics()).toContain('scim_sync_upcoming_operations{op="create"} 0');
  });
});

describe('SyncMetrics: scim_sync_group_operations_total', () => {
  it('counts the run’s group operations by kind and outcome', async () => {
    const metrics = new SyncMetrics();
    const groups: RunReport['groups'] = {
      managed: 2,
      unmanaged: 0,
      managedMemberships: 1,
      operations: [
        { op: 'create-group', group: 'A', members: [], outcome: 'succeeded' },
        { op: 'add-members', group: 'B', members: [], outcome: 'succeeded' },
        { op: 'add-members', group: 'C', members: [], outcome: 'failed', httpStatus: 404 },
      ],
    };
    metrics.finished({ ...report([]), groups }, 1000);
    const text = await metrics.registry.metrics();
    expect(text).toContain('scim_sync_group_operations_total{op="create-group",outcome="succeeded"} 1');
    expect(text).toContain('scim_sync_group_operations_total{op="add-members",outcome="succeeded"} 1');
    expect(text).toContain('scim_sync_group_operations_total{op="add-members",outcome="failed"} 1');
  });
});
