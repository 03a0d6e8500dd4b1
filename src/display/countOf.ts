/** "1 operation", "2 operations": a count with its noun in the right number (English plurals in -s). */
export function countOf(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
