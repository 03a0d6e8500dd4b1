import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { ProgressReporter } from '../../src/observe/progressReporter.js';

describe('ProgressReporter', () => {
  it('reports done/total, the rate so far and an ETA no faster than the budget allows', () => {
    const progress = new ProgressReporter(pino({ level: 'silent' }), 60_000, undefined);
    progress.executing(600, 175);
    for (let i = 0; i < 100; i++) progress.operationDone({ op: 'create', userName: 'x', outcome: 'succeeded' });
    const start = Date.now();
    // 100 done in 30 s is 200/min, faster than the 175/min budget: the ETA uses the budget.
    const s = progress.snapshot(start + 30_000);
    expect(s).toMatchObject({ done: 100, total: 600 });
    expect(s.perMinute).toBeCloseTo(200, 0);
    expect(s.etaSeconds).toBe(Math.ceil((500 / 175) * 60));
    progress.finished({} as never, 0);
  });

  it('logs a progress line at the interval while a run goes on', async () => {
    const lines: string[] = [];
    const progress = new ProgressReporter(pino({}, { write: (l: string) => void lines.push(l) }), 30, undefined);
    progress.executing(10, 6000);
    progress.operationDone({ op: 'create', userName: 'x', outcome: 'succeeded' });
    await new Promise((r) => setTimeout(r, 80));
    progress.finished({} as never, 0);
    expect(lines.some((l) => l.includes('progress: 1/10 operations'))).toBe(true);
  });
});
