/**
 * The names the embedded DNS answers, pure: built from the state, one table
 * per user-defined network, and swapped whole when the state changes
 * (aardvark's immutable backend; aesthetics P13).
 *
 * Names of a container on network N (Docker, oracle §8): its name, its
 * 12-hex short id, its hostname, its aliases on N — each also as
 * `<name>.<N>` — all case-insensitive. PTR: its address → `<name>.<N>.`
 */
import { shortId } from '../model/names.js'
import type { State } from '../model/types.js'

/** The records of one network. */
export interface NetworkRecords {
  readonly id: string
  readonly name: string
  readonly internal: boolean
  /** Lower-case name (no trailing dot) → addresses. */
  readonly a: ReadonlyMap<string, readonly string[]>
  /** `d.c.b.a.in-addr.arpa` → `name.network` (no trailing dot). */
  readonly ptr: ReadonlyMap<string, string>
}

/** Every user-defined network's records, by network id. */
export type DnsRecords = ReadonlyMap<string, NetworkRecords>

/** `1.2.3.4` → `4.3.2.1.in-addr.arpa` */
export const reverseName = (ip: string): string => `${ip.split('.').reverse().join('.')}.in-addr.arpa`

/** Builds the records of every user-defined network from the state. */
export const buildRecords = (s: State): DnsRecords => {
  const out = new Map<string, NetworkRecords>()
  for (const n of s.networks) {
    if (n.isDefault || n.status !== 'ready') continue
    const a = new Map<string, string[]>()
    const ptr = new Map<string, string>()
    const add = (name: string, ip: string) => {
      const key = name.toLowerCase()
      const ips = a.get(key) ?? []
      if (!ips.includes(ip)) ips.push(ip)
      a.set(key, ips)
    }
    for (const c of s.containers) {
      if (c.status !== 'ready') continue
      for (const ep of c.endpoints) {
        if (ep.networkId !== n.id || ep.status !== 'ready') continue
        const names = new Set([c.name, shortId(c.id), c.hostname, ...ep.aliases])
        for (const name of names) {
          add(name, ep.ip)
          add(`${name}.${n.name}`, ep.ip)
        }
        ptr.set(reverseName(ep.ip), `${c.name}.${n.name}`.toLowerCase())
      }
    }
    out.set(n.id, { id: n.id, name: n.name, internal: n.internal, a, ptr })
  }
  return out
}
