import { afterEach, describe, expect, it } from 'vitest';
import { RateBudget } from '../../src/rateLimit/rateBudget.js';
import { RateGate } from '../../src/rateLimit/rateGate.js';

/** The most starts found in any window of `windowMs` (half-open), for the rolling-window guarantee. */
function maxInAnyWindow(starts: number[], windowMs: number): number {
  let max = 0;
  for (let i = 0, j = 0; i < starts.length; i++) {
    while (starts[i]! - starts[j]! >= windowMs) j++;
    max = Math.max(max, i - j + 1);
  }
  return max;
}

describe('RateGate', () => {
  let gate: RateGate | undefined;
  afterEach(async () => gate?.dispose());

  it('never lets more than the budget start in any rolling window, even with requests in parallel', async () => {
    gate = new RateGate({ requestsPerMinute: 10, concurrency: 4, windowMs: 500 });
    const starts: number[] = [];
    await Promise.all(
      // The time the gate counted, not a fresh performance.now(): a GC pause between the two
      // would make the measurement, not the gate, show 11 in a window.
      Array.from({ length: 25 }, () =>
        gate!.run(async (sentAt) => {
          starts.push(sentAt);
          await new Promise((r) => setTimeout(r, 20));
        }),
      ),
    );
    starts.sort((a, b) => a - b);
    expect(starts).toHaveLength(25);
    expect(maxInAnyWindow(starts, 500)).toBeLessThanOrEqual(10);
  });

  it('uses the whole budget: 20 requests at 10 per 500 ms take about one second, not more', async () => {
    gate = new RateGate({ requestsPerMinute: 10, concurrency: 4, windowMs: 500 });
    const t0 = performance.now();
    await Promise.all(Array.from({ length: 20 }, () => gate!.run(() => Promise.resolve(undefined))));
    const elapsed = performance.now() - t0;
    expect(elapsed).toBeGreaterThanOrEqual(19 * 50 - 5);
    expect(elapsed).toBeLessThan(1600);
  });

  it('a pause holds every request, queued or new, until it ends', async () => {
    gate = new RateGate({ requestsPerMinute: 6000, concurrency: 2, windowMs: 60_000 });
    gate.pause(300);
    const t0 = performance.now();
    const times = await Promise.all(Array.from({ length: 3 }, () => gate!.run(() => Promise.resolve(performance.now() - t0))));
    for (const t of times) expect(t).toBeGreaterThanOrEqual(290);
  });

  it('after close, waiting and new requests are refused with the reason and nothing is sent', async () => {
    gate = new RateGate({ requestsPerMinute: 60, concurrency: 1, windowMs: 60_000 });
    let sent = 0;
    gate.pause(10_000);
    const waiting = gate.run(() => Promise.resolve(sent++));
    gate.close(new Error('stop now'));
    await expect(waiting).rejects.toThrow('stop now');
    await expect(gate.run(() => Promise.resolve(sent++))).rejects.toThrow('stop now');
    expect(sent).toBe(0);
  });

  describe('runs sharing the process’s budget (the daemon)', () => {
    let budget: RateBudget | undefined;
    afterEach(async () => budget?.dispose());

    it('one run after another never starts more than the budget in any rolling window', async () => {
      budget = new RateBudget({ requestsPerMinute: 4, concurrency: 2, windowMs: 400 });
      const starts: number[] = [];
      for (let run = 0; run < 3; run++) {
        const runGate = new RateGate(budget); // each run its own gate, as runSync makes it
        await Promise.all(Array.from({ length: 4 }, () => runGate.run((sentAt) => Promise.resolve(void starts.push(sentAt)))));
        await runGate.dispose(); // the run is over; the budget is not
      }
      expect(starts).toHaveLength(12);
      expect(
        maxInAnyWindow(
          starts.sort((a, b) => a - b),
          400,
        ),
      ).toBeLessThanOrEqual(4);
    });

    it('a 429 pause seen by one run holds the next run too', async () => {
      budget = new RateBudget({ requestsPerMinute: 6000, concurrency: 2, windowMs: 60_000 });
      const first = new RateGate(budget);
      first.pause(300);
      await first.dispose();
      const t0 = performance.now();
      const waited = await new RateGate(budget).run(() => Promise.resolve(performance.now() - t0));
      expect(waited).toBeGreaterThanOrEqual(250);
    });

    it('closing one run’s gate gives up its queued requests at once and leaves the budget to the next run', async () => {
      budget = new RateBudget({ requestsPerMinute: 1, concurrency: 1, windowMs: 60_000 });
      const stopping = new RateGate(budget);
      let sent = 0;
      await stopping.run(() => Promise.resolve(sent++)); // the one request this window allows
      const queued = stopping.run(() => Promise.resolve(sent++)); // waits ~60 s for the window
      stopping.close(new Error('interrupted by SIGTERM'));
      await expect(queued).rejects.toThrow('interrupted by SIGTERM');
      expect(sent).toBe(1);
      const next = new RateGate(budget);
      expect(next.minSpacingMs).toBe(60_000);
      next.close(new Error('test over'));
    });
  });
});
