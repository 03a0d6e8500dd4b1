/**
 * The signals that mean "stop": SIGTERM (docker stop, systemd), SIGINT (Ctrl-C), SIGHUP (the
 * terminal or SSH session went away, or a "reload" sent out of habit) and SIGQUIT (Ctrl-\).
 * Node's default for SIGHUP and SIGQUIT is to die on the spot: no report, the run lock left
 * behind, operations applied but not recorded. So all four stop a run the same graceful way.
 */
export const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGQUIT'];

/**
 * Calls `handler` for every stop signal (a second one too: it must not kill the process while it
 * is finishing the first) until the returned function removes the handlers.
 */
export function onStopSignals(handler: (signal: NodeJS.Signals) => void): () => void {
  for (const signal of STOP_SIGNALS) process.on(signal, handler);
  return () => {
    for (const signal of STOP_SIGNALS) process.off(signal, handler);
  };
}
