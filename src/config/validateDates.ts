import { DateTime, IANAZone } from 'luxon';

/*
 * The checks of `source.dateFormat` and `source.timezone`, run by the config schema when the
 * config is loaded; the roster reader holds each row's time-zone cell to the same test. Each
 * returns what was expected, or undefined when the value is fine.
 */

/**
 * Two dates whose day, month and year all differ, so a format missing or mixing up a part can't
 * give them back. Made on first use: building a DateTime reads the system locale (~30 ms), which
 * a config without dates shouldn't pay at every start.
 */
let probes: DateTime[] | undefined;
const ISO_DATE_FORMAT = 'yyyy-MM-dd';
const PROBES = (): DateTime[] =>
  (probes ??= [
    DateTime.fromObject({ year: 2026, month: 12, day: 31 }, { zone: 'utc' }),
    DateTime.fromObject({ year: 2027, month: 1, day: 5 }, { zone: 'utc' }),
  ]);

/**
 * A Luxon date format (`yyyy-MM-dd`, `MM/dd/yyyy`, `dd.MM.yyyy`, `d MMM yyyy`, …) is usable when
 * it writes a date that it reads back as the same day: that catches typos ("yyyy-mm-dd" is
 * minutes), missing parts and text that isn't a token.
 */
export function dateFormatProblem(format: string): string | undefined {
  // The default, checked at every config load whether the roster has dates or not: it is
  // known to round-trip (see the tests), and proving it again costs Luxon's locale set-up.
  if (format === ISO_DATE_FORMAT) return undefined;
  return roundTrips(format)
    ? undefined
    : 'a date format with year, month and day such as "yyyy-MM-dd", "MM/dd/yyyy" or "dd.MM.yyyy" (Luxon tokens: yyyy year, MM month, dd day)';
}

/** Whether `format` writes each probe date as text it reads back as the same day. Exported for tests. */
export function roundTrips(format: string): boolean {
  return PROBES().every((date) => {
    const text = date.toFormat(format);
    const back = DateTime.fromFormat(text, format, { zone: 'utc' });
    return back.isValid && back.toISODate() === date.toISODate();
  });
}

export function ianaZoneProblem(zone: string): string | undefined {
  return IANAZone.isValidZone(zone) ? undefined : 'an IANA time zone such as "America/New_York", "Asia/Kolkata" or "UTC"';
}
