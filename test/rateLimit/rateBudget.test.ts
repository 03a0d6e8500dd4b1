import { afterEach, describe, expect, it, vi } from 'vitest';
import { RateBudget } from '../../src/rateLimit/rateBudget.js';

describe('RateBudget', () => {
  let budget: RateBudget | undefined;
  afterEach(async () => {
    vi.restoreAllMocks();
    await budget?.dispose();
  });

  it("a request through Bottleneck waits for one timer, its start, not for a tick before each of the datastore's steps", async () => {
    budget = new RateBudget({ requestsPerMinute: 600_000, concurrency: 1 });
    expect(budget.skipsTimerTicks).toBe(true);
    const setTimeoutSpy = vi.spyOn(globalThis, 'setTimeout');
    const answer = await budget.limiter.schedule(() => Promise.resolve('sent'));
    expect(answer).toBe('sent');
    // Bottleneck's own start timer (its spacing) is the only one; its in-process datastore
    // used to add three setTimeout(0) ticks (submit, register, free), ~0.4 ms of CPU and ~4 ms of waiting a request.
    expect(setTimeoutSpy).toHaveBeenCalledTimes(1);
  });

  it('still spaces starts by the budget and holds the concurrency limit without those ticks', async () => {
    budget = new RateBudget({ requestsPerMinute: 10, concurrency: 2, windowMs: 500 });
    const starts: number[] = [];
    const t0 = performance.now();
    let inFlight = 0;
    let mostInFlight = 0;
    await Promise.all(
      Array.from({ length: 6 }, () =>
        budget!.limiter.schedule(async () => {
          starts.push(performance.now());
          mostInFlight = Math.max(mostInFlight, ++inFlight);
          await new Promise((resolve) => setTimeout(resolve, 120));
          inFlight--;
        }),
      ),
    );
    expect(mostInFlight).toBe(2);
    starts.sort((a, b) => a - b);
    // 10 per 500 ms: Bottleneck plans the i-th start 50 ms after the one before, from the moment it
    // took the job, and a timer never fires early (a timer firing late can bring two starts
    // closer, which is why RateGate keeps a sliding-window log as the hard guarantee).
    for (let i = 0; i < starts.length; i++) expect(starts[i]! - t0).toBeGreaterThanOrEqual(i * 50 - 2);
  });
});
