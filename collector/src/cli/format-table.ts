/** Rows as an aligned text table, the way a terminal reader wants them (strings bare, NULL for null). */
export function formatTable(rows: Record<string, unknown>[]): string {
  if (rows.length === 0) return '(0 rows)\n'
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))]
  const cells = rows.map((row) => columns.map((column) => cellText(row[column])))
  const widths = columns.map((column, i) => Math.max(column.length, ...cells.map((line) => line[i]!.length)))
  const line = (values: string[]) => values.map((v, i) => (isNumeric(rows, columns[i]!) ? v.padStart(widths[i]!) : v.padEnd(widths[i]!))).join(' │ ').trimEnd()
  const rule = widths.map((w) => '─'.repeat(w)).join('─┼─')
  return `${[line(columns), rule, ...cells.map(line)].join('\n')}\n(${rows.length} ${rows.length === 1 ? 'row' : 'rows'})\n`
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return 'NULL'
  const text = typeof value === 'string' ? value : JSON.stringify(value)
  return text.replace(/[\n\t\r]/g, (c) => (c === '\n' ? '\\n' : c === '\t' ? '\\t' : '\\r'))
}

/** Numbers align right: a column is numeric when every value is a number (or a string of digits, as 64-bit integers come). */
function isNumeric(rows: Record<string, unknown>[], column: string): boolean {
  return rows.every((row) => typeof row[column] === 'number' || (typeof row[column] === 'string' && /^-?\d+(\.\d+)?$/.test(row[column] as string)))
}
