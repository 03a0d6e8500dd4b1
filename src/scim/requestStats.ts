/** Request counters for the report: every attempt that left the gate, by method. */
export class RequestStats {
  total = 0;
  readonly byMethod: Record<string, number> = {};
  retries = 0;
  throttled = 0;

  count(method: string): void {
    this.total++;
    this.byMethod[method] = (this.byMethod[method] ?? 0) + 1;
  }

  toJSON(): { total: number; byMethod: Record<string, number>; retries: number; throttled: number } {
    return { total: this.total, byMethod: { ...this.byMethod }, retries: this.retries, throttled: this.throttled };
  }
}
