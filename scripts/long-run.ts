/**
 * Command-line options shared by the long robustness scripts
 * (crash-long.ts, concurrency-long.ts): counts, seed, --keep, --quiet.
 */
import { parseArgs } from 'node:util'
import { seedFrom } from '../test/helpers/seeded.js'

/** Parsed options: each count by name, the seed, and the flags. */
export interface LongRunOptions {
  readonly counts: Record<string, number>
  readonly seed: number
  readonly keep: boolean
  readonly quiet: boolean
}

/** Parses argv for `script` with integer `counts` (each `--NAME N`); exits 2 on a bad one. */
export const longRunOptions = (
  script: string,
  counts: Record<string, { default: number; min: number }>,
  seedEnv: string,
): LongRunOptions => {
  const usage = `usage: sudo node dist/scripts/${script}.js ${Object.entries(counts).map(([k, v]) => `[--${k} N (default ${v.default})]`).join(' ')} [--seed S] [--keep] [--quiet]`
  const fail = (message: string): never => {
    process.stderr.write(`${script}: ${message}\n${usage}\n`)
    process.exit(2)
  }
  if (process.getuid?.() !== 0) fail('must run as root (it builds network namespaces)')
  let v: Record<string, string | boolean | undefined>
  try {
    v = parseArgs({
      options: {
        ...Object.fromEntries(Object.keys(counts).map(k => [k, { type: 'string' as const }])),
        seed: { type: 'string' },
        keep: { type: 'boolean' },
        quiet: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values
  } catch (e) {
    return fail((e as Error).message)
  }
  if (v.help) {
    process.stdout.write(`${usage}\n`)
    process.exit(0)
  }
  const parsed: Record<string, number> = {}
  for (const [k, spec] of Object.entries(counts)) {
    const n = v[k] === undefined ? spec.default : Number(v[k])
    if (!Number.isInteger(n) || n < spec.min) fail(`--${k} must be an integer ≥ ${spec.min}, not "${String(v[k])}"`)
    parsed[k] = n
  }
  const seed = typeof v.seed === 'string' ? Number(v.seed) >>> 0 : seedFrom(seedEnv)
  return { counts: parsed, seed, keep: v.keep === true, quiet: v.quiet === true }
}
