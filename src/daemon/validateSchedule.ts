import cron from 'node-cron';
import { ConfigError } from '../config/configError.js';

/** Checks the cron expression and time zone at start-up, so a typo fails now, not at 3 a.m. */
export function validateSchedule(file: string, schedule: string, timezone: string): void {
  const result = cron.validateDetailed(schedule);
  if (!result.valid) {
    const problems = result.errors.map((e) => `${e.field}${e.value === undefined ? '' : ` "${e.value}"`}: ${e.message}`).join('; ');
    throw new ConfigError(file, 'daemon.schedule', undefined, `got "${schedule}", expected a cron expression such as "0 * * * *" (${problems})`);
  }
  try {
    new Intl.DateTimeFormat('en', { timeZone: timezone });
  } catch {
    throw new ConfigError(file, 'daemon.timezone', undefined, `got "${timezone}", expected an IANA time zone such as "Europe/Berlin" or "UTC"`);
  }
}
