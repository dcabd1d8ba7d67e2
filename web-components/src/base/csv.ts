/** A table as CSV (RFC 4180), and its download: every table the insights components show can
 * leave for a spreadsheet. */
export interface CsvTable {
  readonly head: readonly string[];
  readonly body: ReadonlyArray<readonly string[]>;
}

/** RFC 4180 CSV; a cell a spreadsheet would run as a formula is quoted with a leading `'`. */
export function toCsv(table: CsvTable): string {
  const cell = (raw: string): string => {
    const value = /^[=+\-@\t\r]/.test(raw) ? `'${raw}` : raw;
    return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
  };
  return [table.head, ...table.body].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}

/** Offers the table as `<name>.csv` (a link clicked inside the component's shadow root). */
export function downloadCsv(root: Node, name: string, table: CsvTable): void {
  const url = URL.createObjectURL(new Blob([toCsv(table)], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = `${name}.csv`;
  root.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
