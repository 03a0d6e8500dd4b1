import { describe, expect, it } from 'vitest';
import { EARLY_HEAP_GROWING_FLAG, HEAP_GROWING_FLAG, keepHeapNearLiveSize, LARGE_HEAP_BYTES, LARGE_HEAP_LIMIT_BYTES } from '../../src/cli/heapGrowth.js';

/** Controls whose heap grows by `step` bytes at every look, up to a limit of `limit`; records the flags set. */
function growingHeap(step: number, limit = 4 * 1024 ** 3) {
  let used = 0;
  const flags: string[] = [];
  let looks = 0;
  return {
    flags,
    looks: () => looks,
    controls: {
      heapUsedBytes: () => {
        looks++;
        return (used += step);
      },
      heapLimitBytes: () => limit,
      setFlag: (flag: string) => flags.push(flag),
      everyMs: 1,
    },
  };
}

const until = async (done: () => boolean) => {
  for (let i = 0; i < 2000 && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 1));
};

describe('keeping the heap near its live size', () => {
  it('sets the factor to 3× from the start on a heap allowed 2 GB or more, then to 1.5× once the heap passes 64 MB, once, and then stops looking', async () => {
    const heap = growingHeap(LARGE_HEAP_BYTES / 4);
    const stop = keepHeapNearLiveSize([], '', heap.controls);
    expect(heap.flags).toEqual([EARLY_HEAP_GROWING_FLAG]);
    await until(() => heap.flags.length > 1);
    expect(heap.flags).toEqual([EARLY_HEAP_GROWING_FLAG, HEAP_GROWING_FLAG]);
    expect(heap.looks()).toBe(4); // 16, 32, 48 MB: below; 64 MB: set
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(heap.looks()).toBe(4);
    stop?.();
  });

  it('a heap that stays under 64 MB keeps the 3× factor', async () => {
    const heap = growingHeap(0);
    const stop = keepHeapNearLiveSize([], '', heap.controls);
    await until(() => heap.looks() > 10);
    expect(heap.flags).toEqual([EARLY_HEAP_GROWING_FLAG]);
    stop?.();
  });

  it('a heap whose limit is under 2 GB keeps V8’s own factor until it passes 64 MB (V8’s own is lower than 3× there)', async () => {
    const heap = growingHeap(LARGE_HEAP_BYTES / 2, LARGE_HEAP_LIMIT_BYTES - 1);
    const stop = keepHeapNearLiveSize([], '', heap.controls);
    expect(heap.flags).toEqual([]);
    await until(() => heap.flags.length > 0);
    expect(heap.flags).toEqual([HEAP_GROWING_FLAG]);
    stop?.();
  });

  it('a value the operator gave node wins, on the command line or in NODE_OPTIONS', async () => {
    for (const [execArgv, nodeOptions] of [
      [['--heap-growing-percent=20'], ''],
      [[], '--max-old-space-size=4096 --heap_growing_percent=30'],
    ] as const) {
      const heap = growingHeap(LARGE_HEAP_BYTES);
      expect(keepHeapNearLiveSize(execArgv, nodeOptions, heap.controls)).toBeUndefined();
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(heap.looks()).toBe(0);
      expect(heap.flags).toEqual([]);
    }
  });
});
