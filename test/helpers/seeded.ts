/**
 * Seeded pseudo-random numbers (mulberry32), so a failing fault-injection
 * or load run can be repeated exactly from the seed it printed.
 */

/** A generator of numbers in [0, 1) determined by `seed`. */
export const random = (seed: number): (() => number) => {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** The seed from `envVar` when set, else a fresh one. */
export const seedFrom = (envVar: string): number => {
  const v = process.env[envVar]
  return v !== undefined && v !== '' ? Number(v) >>> 0 : Math.floor(Math.random() * 2 ** 32)
}

/** Shuffles `xs` in place (Fisher–Yates) with `rng`; returns it. */
export const shuffle = <T>(xs: T[], rng: () => number): T[] => {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1))
    ;[xs[i], xs[j]] = [xs[j] as T, xs[i] as T]
  }
  return xs
}
