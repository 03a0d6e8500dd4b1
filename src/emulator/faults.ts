/**
 * Fault injection: rules that make chosen requests fail the way real networks and services
 * do, so the client's retry, idempotency and reconciliation logic can be exercised on demand.
 *
 * Deterministic by default (`every`: the Nth matching request), random only when asked
 * (`rate`), and then from a seeded PRNG so a failing run can be replayed.
 */
import { mulberry32 } from './prng.js';
import type { SeedUser } from './userStore.js';

export type FaultAction =
  /** Answer with a SCIM error body (Postman's body for that status when `detail` is omitted). */
  | { type: 'status'; status: number; detail?: string; headers?: Record<string, string> }
  /** Destroy the socket without answering and without applying the request. */
  | { type: 'drop' }
  /** Apply the write, then destroy the socket: the classic "did my POST go through?" case. */
  | { type: 'commitThenDrop' }
  /** Answer with exactly this status and JSON body (a 200 that isn't a ListResponse, a half page). */
  | { type: 'reply'; status: number; body: unknown }
  /** Answer normally, but only after `ms`. */
  | { type: 'delay'; ms: number }
  /**
   * Answer 200 at once, then send the body one byte every `intervalMs`, never finishing (until
   * the client hangs up or the emulator closes): a stuck proxy or a service streaming a runaway
   * page. Each gap is short, so a per-chunk body timeout never fires.
   */
  | { type: 'trickle'; intervalMs: number }
  /** A list answered normally but announcing this `totalResults` (a count that lags behind the pages). */
  | { type: 'misreportTotal'; totalResults: number }
  /**
   * A list page served `by` places earlier than asked (echoing the asked startIndex): an unstable
   * order, as if users had moved up. Its first `by` users repeat the previous page's last ones
   * and the `by` after its end are never served.
   */
  | { type: 'shiftPage'; by: number }
  /** A list page of `count` users made up on the spot (new ids every time); totalResults stays the real one. */
  | { type: 'inventUsers' }
  /** Someone else changes the team (removes users by userName, adds users) just before this request is answered normally. */
  | { type: 'changeTeam'; remove?: string[]; add?: SeedUser[] };

export interface FaultRule {
  /** Matches this HTTP method only (any case); all methods when omitted. */
  method?: string;
  /** Regular expression tested (unanchored) against the request path, e.g. "/Users$". */
  pathPattern?: string;
  /** Fire on every Nth matching request (N, 2N, …). */
  every?: number;
  /** Fire with this probability (0..1). Combined with `every`, applies to every Nth request. */
  rate?: number;
  /** Fire at most this many times. */
  times?: number;
  action: FaultAction;
}

export interface FaultPlan {
  rules: FaultRule[];
  /** PRNG seed for `rate` rules (default 1). */
  seed?: number;
}

interface RuleState {
  rule: FaultRule;
  pattern: RegExp | undefined;
  matched: number;
  fired: number;
}

export class FaultInjector {
  private readonly rules: RuleState[];
  private readonly random: () => number;

  constructor(plan: FaultPlan) {
    this.rules = plan.rules.map((rule) => ({
      rule,
      pattern: rule.pathPattern === undefined ? undefined : new RegExp(rule.pathPattern),
      matched: 0,
      fired: 0,
    }));
    this.random = mulberry32(plan.seed ?? 1);
  }

  /**
   * The action for this request, if any. Every matching rule counts the request (so "every
   * 3rd POST" means the 3rd POST received, whatever other rules did); the first rule that
   * fires wins.
   */
  pick(method: string, path: string): FaultAction | undefined {
    let chosen: RuleState | undefined;
    for (const state of this.rules) {
      if (!this.matches(state, method, path)) continue;
      state.matched += 1;
      if (this.fires(state) && !chosen) chosen = state;
    }
    if (!chosen) return undefined;
    chosen.fired += 1;
    return chosen.rule.action;
  }

  private matches(state: RuleState, method: string, path: string): boolean {
    const { rule, pattern } = state;
    if (rule.method !== undefined && rule.method.toUpperCase() !== method.toUpperCase()) return false;
    return pattern === undefined || pattern.test(path);
  }

  private fires(state: RuleState): boolean {
    const { rule } = state;
    if (rule.times !== undefined && state.fired >= rule.times) return false;
    if (rule.every !== undefined && state.matched % rule.every !== 0) return false;
    // Draw only when a rate applies, so adding a deterministic rule never shifts the random sequence.
    if (rule.rate !== undefined) return this.random() < rule.rate;
    return true;
  }
}
