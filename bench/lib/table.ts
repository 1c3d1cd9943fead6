/** Plain-text tables for the bench report: the first column left-aligned, the others right-aligned. */

export function formatTable(head: readonly string[], rows: readonly (readonly string[])[], leftColumns = 1): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (i < leftColumns ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function printTable(title: string, head: readonly string[], rows: readonly (readonly string[])[], leftColumns = 1): void {
  console.log(`\n${title}`);
  console.log(formatTable(head, rows, leftColumns));
}

/** Milliseconds with about three significant digits. */
export function ms(v: number | undefined): string {
  if (v === undefined || !Number.isFinite(v)) return '-';
  return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2);
}

export function ratio(v: number | undefined): string {
  return v === undefined || !Number.isFinite(v) ? '-' : `${v.toFixed(2)}x`;
}
