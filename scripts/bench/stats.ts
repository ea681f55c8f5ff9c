/**
 * Latency samples, their percentiles, and the printed table.
 */

/** One measured operation of one implementation. */
export interface Series {
  readonly operation: 'attach' | 'detach' | 'attach+detach'
  readonly impl: 'berth' | 'ip script' | 'ip -batch'
  readonly ms: number[]
}

/** A series summarised. */
export interface Summary {
  readonly operation: string
  readonly impl: string
  readonly runs: number
  readonly p50Ms: number
  readonly p95Ms: number
  readonly minMs: number
  readonly meanMs: number
  readonly maxMs: number
  /** This row's p50 over berth's p50 of the same operation (> 1: berth is faster). */
  readonly ratioToBerth: number
}

/** Nearest-rank percentile of `sorted` (ascending). */
export const percentile = (sorted: readonly number[], p: number): number => {
  if (sorted.length === 0) return NaN
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length))
  return sorted[Math.min(rank, sorted.length) - 1] ?? NaN
}

/** Milliseconds since `start` (a process.hrtime.bigint() value). */
export const msSince = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e6

/** Summaries of every series, ratios against berth's row of the same operation. */
export const summarise = (series: readonly Series[]): Summary[] => {
  const p50 = (s: Series) => percentile([...s.ms].sort((a, b) => a - b), 50)
  return series.map(s => {
    const sorted = [...s.ms].sort((a, b) => a - b)
    const berth = series.find(x => x.operation === s.operation && x.impl === 'berth')
    return {
      operation: s.operation,
      impl: s.impl,
      runs: sorted.length,
      p50Ms: percentile(sorted, 50),
      p95Ms: percentile(sorted, 95),
      minMs: sorted[0] ?? NaN,
      meanMs: sorted.reduce((a, b) => a + b, 0) / sorted.length,
      maxMs: sorted[sorted.length - 1] ?? NaN,
      ratioToBerth: berth ? p50(s) / p50(berth) : NaN,
    }
  })
}

const ratioText = (s: Summary): string => {
  if (s.impl === 'berth') return '(reference)'
  if (!Number.isFinite(s.ratioToBerth)) return '?'
  return s.ratioToBerth >= 1
    ? `berth ${s.ratioToBerth.toFixed(2)}× faster`
    : `berth ${(1 / s.ratioToBerth).toFixed(2)}× slower`
}

/** The results as an aligned text table. */
export const table = (rows: readonly Summary[]): string => {
  const head = ['operation', 'runs', 'p50 ms', 'p95 ms', 'p50 vs berth']
  const body = rows.map(r => [`${r.operation} (${r.impl})`, String(r.runs), r.p50Ms.toFixed(2), r.p95Ms.toFixed(2), ratioText(r)])
  const widths = head.map((h, i) => Math.max(h.length, ...body.map(b => (b[i] ?? '').length)))
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (i === 0 || i === cells.length - 1 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ').trimEnd()
  return [line(head), widths.map(w => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n')
}
