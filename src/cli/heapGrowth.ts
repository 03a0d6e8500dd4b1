import { getHeapStatistics, setFlagsFromString } from 'node:v8';

/** Past this much live heap, collect once the heap has grown by half since the last full collection. */
export const LARGE_HEAP_BYTES = 64 * 1024 * 1024;
export const HEAP_GROWING_PERCENT = 50;
const CHECK_EVERY_MS = 250;

/**
 * How far V8 lets the heap grow before its next full collection. By default up to 4× what the
 * last one kept, when collecting looks cheap — and it does while a big run reads: the roster and
 * the directory grow steadily, so a million-user dry run holding ~400 MB peaked near 1 GB of RSS,
 * mostly garbage nobody had collected yet. Admins size containers and cron hosts by the peak.
 * At 50 % the peak stays near what the run holds (that run: ~670 MB), for a few more full
 * collections (~1 s of CPU at a million users).
 *
 * Only once the heap is large: a small run's heap is small anyway, and collecting it more often
 * would only cost CPU. V8 reads the setting at each full collection, so setting it mid-run takes
 * effect. A value the operator gave node (`node --heap-growing-percent=…`, or in NODE_OPTIONS)
 * wins. Returns whether scim-sync will set it.
 */
export function keepHeapNearLiveSize(execArgv: readonly string[] = process.execArgv, nodeOptions = process.env.NODE_OPTIONS ?? ''): boolean {
  const given = (text: string) => /--heap[-_]growing[-_]percent/.test(text);
  if (execArgv.some(given) || given(nodeOptions)) return false;
  const check = setInterval(() => {
    if (getHeapStatistics().used_heap_size < LARGE_HEAP_BYTES) return;
    setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
    clearInterval(check);
  }, CHECK_EVERY_MS);
  check.unref(); // never what keeps the process alive
  return true;
}
