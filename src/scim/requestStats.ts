/** Bulk requests of a run, for the report. */
export interface BulkStats {
  /** Bulk requests the service answered. */
  requests: number;
  /** Operations those requests carried (retried operations count again). */
  operations: number;
  /** Why Bulk was given up for the rest of the run, when it was (501 or 404 on /Bulk). */
  fellBack?: string;
}

/** Request counters for the report: every attempt that left the gate, by method. */
export class RequestStats {
  total = 0;
  readonly byMethod: Record<string, number> = {};
  retries = 0;
  throttled = 0;
  /** Set once the run sends Bulk requests (or gives Bulk up). */
  bulk: BulkStats | undefined;

  count(method: string): void {
    this.total++;
    this.byMethod[method] = (this.byMethod[method] ?? 0) + 1;
  }

  countBulk(operations: number): void {
    this.bulk ??= { requests: 0, operations: 0 };
    this.bulk.requests++;
    this.bulk.operations += operations;
  }

  bulkGivenUp(why: string): void {
    this.bulk ??= { requests: 0, operations: 0 };
    this.bulk.fellBack = why;
  }

  toJSON(): { total: number; byMethod: Record<string, number>; retries: number; throttled: number; bulk?: BulkStats } {
    return {
      total: this.total,
      byMethod: { ...this.byMethod },
      retries: this.retries,
      throttled: this.throttled,
      ...(this.bulk && { bulk: { ...this.bulk } }),
    };
  }
}
