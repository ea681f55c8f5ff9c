/**
 * Resolving what users type (a name, a full id or an id prefix) to objects,
 * in Docker's order: exact id, exact name, then a unique id prefix.
 */
import { invalid, notFound } from '../errors.js'
import type { Container, Network, State } from '../model/types.js'

const resolve = <T extends { id: string; name: string }>(items: readonly T[], ref: string, what: string): T => {
  const exact = items.find(i => i.id === ref) ?? items.find(i => i.name === ref)
  if (exact) return exact
  const byPrefix = ref.length > 0 && /^[0-9a-f]+$/.test(ref) ? items.filter(i => i.id.startsWith(ref)) : []
  if (byPrefix.length === 1 && byPrefix[0]) return byPrefix[0]
  if (byPrefix.length > 1) throw invalid('E_AMBIGUOUS', `${what} id prefix ${ref} is ambiguous: it matches ${byPrefix.length} ${what}s`)
  throw notFound(`E_${what.toUpperCase()}_NOT_FOUND`, `${what} ${ref} not found`)
}

/**
 * The network a user means; NotFound otherwise. Networks being removed are
 * gone for everyone but a retried removal (`removing: true`), which finishes
 * a teardown that failed earlier.
 */
export const findNetwork = (s: State, ref: string, opts: { removing?: boolean } = {}): Network =>
  resolve(s.networks.filter(n => opts.removing || n.status !== 'removing'), ref, 'network')

/** The container a user means; NotFound otherwise (see {@link findNetwork}). */
export const findContainer = (s: State, ref: string, opts: { removing?: boolean } = {}): Container =>
  resolve(s.containers.filter(c => opts.removing || c.status !== 'removing'), ref, 'container')

/** Networks by id. */
export const networkMap = (s: State): Map<string, Network> => new Map(s.networks.map(n => [n.id, n]))

/** A lookup of networks by id, for the pure planners. */
export const networkLookup = (s: State) => (id: string): Network | undefined => s.networks.find(n => n.id === id)
