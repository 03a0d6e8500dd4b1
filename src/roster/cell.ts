/** The trimmed cell; csv-parse's `trim` leaves whitespace inside quotes, which we don't want either. */
export function cell(record: readonly string[], index: number): string {
  return record[index]?.trim() ?? '';
}
