import cron from 'node-cron';

/**
 * The checks of `daemon.schedule` and `daemon.timezone`, run by the config schema when the config
 * is loaded, so a typo fails now (for `validate`, `daemon` and `run` alike, with file, line and
 * key), not at 3 a.m. Each returns what was expected, or undefined when the value is fine.
 */
export function cronProblem(schedule: string): string | undefined {
  const result = cron.validateDetailed(schedule);
  if (result.valid) return undefined;
  const problems = result.errors.map((e) => `${e.field}${e.value === undefined ? '' : ` "${e.value}"`}: ${e.message}`).join('; ');
  return `a cron expression such as "0 * * * *" (${problems})`;
}

export function timezoneProblem(timezone: string): string | undefined {
  // The default is valid, and asking Intl (which loads ICU's zone data) costs every run ~25 ms
  // of CPU and ~8 MB of memory, also runs that never schedule anything.
  if (timezone === 'UTC') return undefined;
  try {
    new Intl.DateTimeFormat('en', { timeZone: timezone });
    return undefined;
  } catch {
    return 'an IANA time zone such as "Europe/Berlin" or "UTC"';
  }
}
