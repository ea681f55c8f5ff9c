/**
 * Output helpers: docker-style tables and pretty JSON.
 */

/** Prints rows as columns separated by three spaces (docker's layout). */
export const table = (header: readonly string[], rows: readonly (readonly string[])[]): string => {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map(r => (r[i] ?? '').length)))
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('   ').trimEnd()
  return [line(header), ...rows.map(line)].join('\n') + '\n'
}

/** JSON with 4-space indentation, as `docker inspect` prints it. */
export const prettyJson = (value: unknown): string => `${JSON.stringify(value, null, 4)}\n`

/** `key=value` pairs (repeatable options) into an object. */
export const keyValues = (pairs: readonly string[], what: string): Record<string, string> =>
  Object.fromEntries(
    pairs.map(p => {
      const i = p.indexOf('=')
      if (i <= 0) throw new Error(`invalid ${what} "${p}": expected key=value`)
      return [p.slice(0, i), p.slice(i + 1)]
    }),
  )

/** The 12-hex short form of an id. */
export const short = (id: string): string => id.slice(0, 12)
