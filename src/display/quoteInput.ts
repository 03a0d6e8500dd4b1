import { escapeControlChars } from './escapeControlChars.js';

/**
 * How much of a value from the roster an error message or a rejection reason quotes back.
 *
 * Why a cap: messages go to the terminal, the log and the JSON report, once per bad row. A cell
 * or header that is megabytes long (a runaway quote, a wrong delimiter, a hostile file) would
 * otherwise be copied whole into each of them: a header row of a million names became 10 MB on
 * stdout and 13 MB in the report. The file itself is where the full value is; the message only
 * has to let a person recognise it. These are display limits, not limits on what is read.
 */
export const MAX_QUOTED_CHARS = 200;
export const MAX_QUOTED_ITEMS = 20;

/**
 * A value as a message shows it: control characters escaped (see escapeControlChars), and at
 * most MAX_QUOTED_CHARS characters, the rest counted: `Ada…(+1234 characters)`.
 */
export function showInput(value: string, maxChars = MAX_QUOTED_CHARS): string {
  let end = Math.min(value.length, maxChars);
  if (end < value.length && /[\ud800-\udbff]/.test(value[end - 1] ?? '')) end--; // don't cut a character in half
  const shown = value.slice(0, end);
  const rest = value.length - shown.length;
  return escapeControlChars(shown) + (rest > 0 ? `…(+${rest} characters)` : '');
}

/** `showInput` in double quotes: `"Ada"`. */
export function quoteInput(value: string, maxChars = MAX_QUOTED_CHARS): string {
  return `"${showInput(value, maxChars)}"`;
}

/**
 * A list of values, each quoted and capped, at most MAX_QUOTED_ITEMS of them:
 * `"a", "b", … and 999980 more`.
 */
export function quoteList(values: readonly string[], maxItems = MAX_QUOTED_ITEMS): string {
  const shown = values.slice(0, maxItems).map((value) => quoteInput(value));
  const rest = values.length - shown.length;
  return rest > 0 ? `${shown.join(', ')}, … and ${rest} more` : shown.join(', ');
}
