/** A result table: printed to the terminal and kept in the JSON result. */
export interface Table {
  title: string;
  columns: string[];
  rows: (string | number)[][];
  notes?: string[];
}

/** Markdown (pipes), so that a run's output can be pasted into bench/README.md as it is. */
export function renderTable(table: Table): string {
  const cells = [table.columns, ...table.rows.map((row) => row.map(String))];
  const widths = table.columns.map((_, i) =>
    Math.max(3, ...cells.map((row) => (row[i] ?? '').length)),
  );
  const line = (row: string[]) =>
    `| ${row.map((cell, i) => cell.padEnd(widths[i] ?? 3)).join(' | ')} |`;
  const out = [
    `### ${table.title}`,
    '',
    line(table.columns),
    `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`,
    ...cells.slice(1).map(line),
  ];
  for (const note of table.notes ?? []) out.push('', note);
  return out.join('\n');
}

/** A ratio printed as e.g. `0.42×`; `n/a` when the baseline is 0. */
export function ratio(value: number, baseline: number): string {
  if (!(baseline > 0)) return 'n/a';
  const r = value / baseline;
  return `${r >= 10 ? r.toFixed(0) : r >= 1 ? r.toFixed(2) : r.toFixed(3)}×`;
}

export function fixed(value: number, digits = 1): string {
  return value.toFixed(digits);
}
