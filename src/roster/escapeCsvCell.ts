/**
 * Makes a value safe to write as one CSV cell of a report that someone will open in a
 * spreadsheet.
 *
 * Formula injection: spreadsheet apps execute a cell starting with `=`, `+`, `-` or `@` (and,
 * per OWASP, tab or carriage return) as a formula, so a roster name like `=HYPERLINK(...)`
 * could run when HR opens our report. Prefixing a `'` makes the app show it as text. (The
 * reader keeps such values verbatim: they are harmless data until written to a CSV.)
 *
 * Quoting (RFC 4180): a cell containing the delimiter, a quote, CR or LF is wrapped in quotes,
 * with inner quotes doubled.
 */
export function escapeCsvCell(value: string, delimiter = ','): string {
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  const needsQuotes = text.includes(delimiter) || text.includes('"') || text.includes('\n') || text.includes('\r');
  return needsQuotes ? `"${text.replaceAll('"', '""')}"` : text;
}
