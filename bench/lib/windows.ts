/**
 * Rolling-window statistics over request timestamps (the emulator's `requestLog[].at`, ms).
 */

/** The most timestamps in any half-open window [t, t + windowMs). Two pointers over sorted times. */
export function maxInAnyWindow(times: readonly number[], windowMs: number): number {
  const t = [...times].sort((a, b) => a - b);
  let best = 0;
  let lo = 0;
  for (let hi = 0; hi < t.length; hi++) {
    while (t[hi]! - t[lo]! >= windowMs) lo++;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}

/**
 * The fewest timestamps in any window [s, s + windowMs) that lies wholly inside the run
 * [first, last]: the rate the run *sustained*, with start-up and wind-down excluded by construction.
 */
export function minInFullWindows(times: readonly number[], windowMs: number): number | undefined {
  const t = [...times].sort((a, b) => a - b);
  if (t.length === 0 || t[t.length - 1]! - t[0]! < windowMs) return undefined;
  const first = t[0]!;
  const lastStart = t[t.length - 1]! - windowMs;
  // The count only drops when a timestamp leaves the window (s just past it), so the minimum
  // is at `first` or just past some timestamp.
  let best = countIn(t, first, first + windowMs);
  for (const x of t) {
    const s = x + 1e-6;
    if (s > lastStart) break;
    best = Math.min(best, countIn(t, s, s + windowMs));
  }
  return best;
}

function lowerBound(t: readonly number[], x: number): number {
  let lo = 0;
  let hi = t.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (t[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function countIn(t: readonly number[], from: number, to: number): number {
  return lowerBound(t, to) - lowerBound(t, from);
}

/** Requests per `windowMs` over the whole run: (n − 1) intervals over the first-to-last span. */
export function averageRate(times: readonly number[], windowMs: number): number | undefined {
  if (times.length < 2) return undefined;
  const first = Math.min(...times);
  const last = Math.max(...times);
  return last === first ? undefined : ((times.length - 1) / (last - first)) * windowMs;
}

/** Gaps between consecutive timestamps: min, median, p99, max. */
export function gapStats(times: readonly number[]): { min: number; median: number; p99: number; max: number } | undefined {
  const t = [...times].sort((a, b) => a - b);
  if (t.length < 2) return undefined;
  const gaps = t
    .slice(1)
    .map((x, i) => x - t[i]!)
    .sort((a, b) => a - b);
  const q = (p: number) => gaps[Math.min(gaps.length - 1, Math.floor(p * gaps.length))]!;
  return { min: gaps[0]!, median: q(0.5), p99: q(0.99), max: gaps[gaps.length - 1]! };
}
