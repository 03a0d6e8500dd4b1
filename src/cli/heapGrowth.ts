import { getHeapStatistics, setFlagsFromString } from 'node:v8';

/** Past this much live heap, collect once the heap has grown by half since the last full collection. */
export const LARGE_HEAP_BYTES = 64 * 1024 * 1024;
export const HEAP_GROWING_FLAG = '--heap-growing-percent=50';
/** Until then, once it has tripled, when the heap may grow large (see keepHeapNearLiveSize). */
export const EARLY_HEAP_GROWING_FLAG = '--heap-growing-percent=200';
/** V8 lets a heap with at least this limit grow up to 4× between full collections; a smaller one less. */
export const LARGE_HEAP_LIMIT_BYTES = 2 * 1024 * 1024 * 1024;

/** What the setting reads and writes (V8's, unless a test gives its own). */
export interface HeapControls {
  heapUsedBytes: () => number;
  heapLimitBytes: () => number;
  setFlag: (flag: string) => void;
  everyMs: number;
}

const V8_CONTROLS: HeapControls = {
  heapUsedBytes: () => getHeapStatistics().used_heap_size,
  heapLimitBytes: () => getHeapStatistics().heap_size_limit,
  setFlag: setFlagsFromString,
  everyMs: 250,
};

/**
 * How far V8 lets the heap grow before its next full collection. By default up to 4× what the
 * last one kept, when collecting looks cheap — and it does while a big run reads: the roster and
 * the directory grow steadily, so a million-user dry run holding ~400 MB peaked near 1 GB of RSS,
 * mostly garbage nobody had collected yet, and a 100,000-user one at ~188 MB. Admins size
 * containers and cron hosts by the peak. At 50 % the peak stays near what the run holds (~660
 * and ~172 MB), for a few more full collections (~1 s of CPU at a million users; within noise at
 * 100,000: bench/memory.ts).
 *
 * Only once the heap passes 64 MB: a small run's heap is small anyway, and the daemon between
 * runs is too. V8 reads the setting at each full collection, so setting it mid-run takes effect,
 * but only from the next one: the limit in force was set by the last. So before that, on a heap
 * V8 would let grow up to 4× (a limit of 2 GB or more), the factor is 3×: otherwise where the
 * first full collection happens to fall (it moves with how fast the roster is read) decided the
 * peak. A first one at 26 MB instead of 19 MB let a 100,000-user dry run reach 200 MB instead of
 * 175 MB, with no second full collection at all. The setting replaces V8's own factor (1.1× to
 * 4×, lower when memory is tight or a daemon is idle) rather than capping it, hence not on a
 * smaller heap, where V8's own is lower anyway. The daemon gets it too: its runs are these same
 * runs, and at rest, where V8 would pick a lower factor, it allocates little for any factor to matter.
 * A value the operator gave node (`node --heap-growing-percent=N …`, or in NODE_OPTIONS) wins:
 * then nothing is set. Returns a function that stops watching, or undefined when the operator's
 * value stands.
 */
export function keepHeapNearLiveSize(
  execArgv: readonly string[] = process.execArgv,
  nodeOptions = process.env.NODE_OPTIONS ?? '',
  controls: HeapControls = V8_CONTROLS,
): (() => void) | undefined {
  const given = (text: string) => /--heap[-_]growing[-_]percent/.test(text);
  if (execArgv.some(given) || given(nodeOptions)) return undefined;
  if (controls.heapLimitBytes() >= LARGE_HEAP_LIMIT_BYTES) controls.setFlag(EARLY_HEAP_GROWING_FLAG);
  const check = setInterval(() => {
    if (controls.heapUsedBytes() < LARGE_HEAP_BYTES) return;
    controls.setFlag(HEAP_GROWING_FLAG);
    clearInterval(check);
  }, controls.everyMs);
  check.unref(); // never what keeps the process alive
  return () => clearInterval(check);
}
