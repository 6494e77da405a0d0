/**
 * One CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break. A value a spreadsheet would run
 * as a formula (leading =, +, -, @, tab or carriage return) is prefixed with ' so it stays text.
 */
export function csvField(value: unknown): string {
  let s = value === null || value === undefined ? "" : value instanceof Date ? value.toISOString() : String(value)
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

export const csvLine = (values: unknown[]) => values.map(csvField).join(",") + "\r\n"
