/**
 * Prints rows as aligned columns under a header, the way `outbox … list` commands show them.
 *
 * @example
 * printTable(['ID', 'NAME'], [['1', 'orders']]);
 */
export function printTable(header: string[], rows: string[][], write: (line: string) => void = console.log): void {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]?.length ?? 0)));
  for (const row of [header, ...rows])
    write(
      row
        .map((cell, column) => cell.padEnd(widths[column] ?? 0))
        .join('  ')
        .trimEnd(),
    );
}
