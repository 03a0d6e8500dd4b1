/** One line of the results table: a figure, the goal it is held to (if any) and whether it met it. */
export interface Figure {
  target: string;
  metric: string;
  value: number | string;
  unit?: string;
  goal?: string;
  met?: boolean;
  /** By how much the goal was met or missed, in words ("12.3 % under the limit"). */
  margin?: string;
}

export function fmt(n: number, digits = 1): string {
  if (!Number.isFinite(n)) return String(n);
  return Number.isInteger(n) ? n.toLocaleString('en-US') : n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function printTable(figures: readonly Figure[], out: (line: string) => void = (l) => process.stdout.write(l + '\n')): void {
  const rows = figures.map((f) => [
    f.target,
    f.metric,
    `${typeof f.value === 'number' ? fmt(f.value) : f.value}${f.unit ? ` ${f.unit}` : ''}`,
    f.goal ?? '',
    f.met === undefined ? '' : f.met ? 'MET' : 'MISSED',
    f.margin ?? '',
  ]);
  const head = ['target', 'metric', 'value', 'goal', 'result', 'margin'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join(' | ')
      .trimEnd();
  out(line(head));
  out(widths.map((w) => '-'.repeat(w)).join('-|-'));
  for (const r of rows) out(line(r));
}

/** "23 % under" / "4 % over" a limit. */
export function underOver(value: number, limit: number): string {
  const share = (Math.abs(limit - value) / limit) * 100;
  return `${fmt(share, 0)} % ${value <= limit ? 'under' : 'over'}`;
}
