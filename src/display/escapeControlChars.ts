/**
 * Makes text from outside (roster cells, header names, a service's error detail) safe to print
 * on a terminal.
 *
 * Why: a terminal executes control characters. An HR export is written by other people and
 * other programs; a cell holding ESC (`\x1b]0;…\x07`, `\x1b[2J`, a C1 CSI `\x9b`) would retitle
 * the admin's window, clear the screen or hide lines of the plan table when printed raw, and a
 * CR or LF inside a cell could overwrite or forge a row. Every C0 control character (U+0000 to
 * U+001F), DEL and every C1 control character (U+0080 to U+009F) is therefore shown as its
 * `\xHH` escape. Tab is kept unless `tab: false`: it is harmless in a log line, but would
 * misalign a table cell.
 *
 * The data itself is not changed (a person's name is sent as the roster has it); only what is
 * shown to people. Applying it twice changes nothing: the result has no control characters left.
 */
// eslint-disable-next-line no-control-regex -- finding control characters is this module's job
const CONTROL = /[\x00-\x08\x0a-\x1f\x7f-\x9f]/g;
// eslint-disable-next-line no-control-regex -- likewise, tab included
const CONTROL_OR_TAB = /[\x00-\x1f\x7f-\x9f]/g;

export function escapeControlChars(text: string, options: { tab?: boolean } = {}): string {
  const pattern = options.tab === false ? CONTROL_OR_TAB : CONTROL;
  pattern.lastIndex = 0;
  if (!pattern.test(text)) return text; // the usual case: no new string
  return text.replace(pattern, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
