import type { Executor } from '../execute/executor.js';
import type { RateGate } from '../rateLimit/rateGate.js';
import type { ScimClient } from '../scim/scimClient.js';
import { connectToService } from './connectToService.js';
import { INSECURE_SKIP_VERIFY_WARNING } from './networkSettings.js';
import type { RunContext } from './runContext.js';
import { profileOf } from './syncPolicy.js';
import { explainServiceFailure } from './explainServiceFailure.js';

/**
 * The gate and the client for one run, and what a signal does to them: the executor (once there
 * is one) stops starting operations, the gate refuses further requests, and after the grace
 * period requests still in flight are abandoned so the run can write its report.
 */
export class ServiceConnection {
  readonly gate: RateGate;
  readonly client: ScimClient;
  private executor: Executor | undefined;
  private graceTimer: NodeJS.Timeout | undefined;
  private readonly onAbort = () => this.stop();

  constructor(private readonly run: RunContext) {
    const { config, options, logger } = run;
    ({ gate: this.gate, client: this.client } = connectToService(config, {
      contentType: profileOf(config).contentType,
      rateWindowMs: options.rateWindowMs,
      budget: options.rateBudget,
      onAttempt: (a) => {
        options.observer?.attempt?.(a);
        if (!a.failure) return;
        const facts = { method: a.method, path: a.path, status: a.status, kind: a.failure.kind, willRetry: a.willRetry };
        // No connection at all is worth a word while the retries wait, so the run isn't silent for seconds.
        if (a.willRetry && a.failure.networkCode !== undefined && a.status === undefined) {
          logger.warn({ ...facts, networkCode: a.failure.networkCode }, `request failed, retrying: ${explainServiceFailure(a.failure, config.target.baseUrl)}`);
        } else logger.debug(facts, 'request failed');
      },
    }));
    options.signal?.addEventListener('abort', this.onAbort, { once: true });
    if (config.target.insecureSkipVerify) logger.warn(INSECURE_SKIP_VERIFY_WARNING);
  }

  /** From now on a signal also stops this executor; a signal that came already stops it at once. */
  executing(executor: Executor): void {
    this.executor = executor;
    if (this.run.options.signal?.aborted) this.stop();
  }

  private stop(): void {
    const { options } = this.run;
    const reason = `interrupted by ${String(options.signal?.reason ?? 'signal')}`;
    this.executor?.stop(reason); // first: the live executor closes the gate with its own halt cause
    this.gate.close(new Error(reason)); // still reading pages, or a dry run: refuse further requests
    if (options.inFlightGraceMs !== undefined && this.graceTimer === undefined) {
      this.graceTimer = setTimeout(
        () => this.client.cancel(`${reason}: requests still in flight after the grace period were abandoned`),
        options.inFlightGraceMs,
      );
    }
  }

  async close(): Promise<void> {
    this.run.options.signal?.removeEventListener('abort', this.onAbort);
    clearTimeout(this.graceTimer);
    await this.gate.dispose();
    await this.client.close();
  }
}
