/**
 * Published ports, pure: the `-p` syntax, Docker's PortBindings wire shape,
 * and host port choice.
 *
 * `-p [hostIP:][hostPort:]containerPort[/tcp|/udp]`, where hostPort and
 * containerPort may be ranges (`8000-8002:80-82`). As in Docker, equal-length
 * ranges map one to one, and a host range with a single container port means
 * "any free port of that range".
 */
import { conflict, invalid } from '../errors.js'
import { parseIpv4 } from './ipv4.js'

export type Proto = 'tcp' | 'udp'

/** One requested binding: a container port to a host port (or range). */
export interface PortRequest {
  readonly proto: Proto
  readonly containerPort: number
  /** Host address; `0.0.0.0` = every address of the host. */
  readonly hostIp: string
  /** Host port range; [0, 0] = any free port of ip_local_port_range. */
  readonly hostPorts: readonly [number, number]
}

/** A published port as berth keeps it. */
export interface PortMapping {
  readonly proto: Proto
  readonly containerPort: number
  readonly hostIp: string
  readonly hostPort: number
  /** What the user asked for (Docker's HostConfig.PortBindings). */
  readonly requested: { readonly hostIp: string; readonly hostPort: string }
}

/** Docker's `HostConfig.PortBindings`: `{"80/tcp": [{HostIp, HostPort}]}`. */
export type PortBindingsWire = Record<string, { HostIp?: string; HostPort?: string }[] | null>

const ANY = '0.0.0.0'

const port = (text: string, what: string): number => {
  const n = Number(text)
  if (!/^\d{1,5}$/.test(text) || n < 1 || n > 65535) throw invalid('E_PORT', `invalid ${what} "${text}": must be 1-65535`)
  return n
}

const range = (text: string, what: string): [number, number] => {
  const [a, b, extra] = text.split('-')
  if (extra !== undefined) throw invalid('E_PORT', `invalid ${what} range "${text}"`)
  const from = port(a ?? '', what)
  const to = b === undefined ? from : port(b, what)
  if (to < from) throw invalid('E_PORT', `invalid ${what} range "${text}"`)
  return [from, to]
}

const protoOf = (text: string | undefined): Proto => {
  const p = (text ?? 'tcp').toLowerCase()
  if (p !== 'tcp' && p !== 'udp') throw invalid('E_PROTO', `invalid protocol "${text}": tcp or udp`)
  return p
}

/** `-p` specs → Docker's PortBindings (what `docker run` sends). */
export const parsePublishFlags = (specs: readonly string[]): PortBindingsWire => {
  const out: PortBindingsWire = {}
  for (const spec of specs) {
    const [main, protoText, extra] = spec.split('/')
    if (extra !== undefined || !main) throw invalid('E_PUBLISH', `invalid publish spec "${spec}"`)
    const proto = protoOf(protoText)
    const parts = main.split(':')
    if (parts.length > 3) throw invalid('E_PUBLISH', `invalid publish spec "${spec}": IPv6 host addresses are not supported`)
    const [hostIp, hostPort, ctr] = parts.length === 3 ? parts : parts.length === 2 ? ['', parts[0], parts[1]] : ['', '', parts[0]]
    if (hostIp && parseIpv4(hostIp) === undefined) throw invalid('E_PUBLISH', `invalid host address "${hostIp}" in "${spec}"`)
    const [cFrom, cTo] = range(ctr ?? '', 'container port')
    const host = hostPort ? range(hostPort, 'host port') : undefined
    const count = cTo - cFrom + 1
    if (host && count > 1 && host[1] - host[0] + 1 !== count) {
      throw invalid('E_PUBLISH', `invalid publish spec "${spec}": host and container port ranges differ in length`)
    }
    for (let i = 0; i < count; i++) {
      const key = `${cFrom + i}/${proto}`
      const hp = !host ? '' : count > 1 ? String(host[0] + i) : host[0] === host[1] ? String(host[0]) : `${host[0]}-${host[1]}`
      ;(out[key] ??= []).push({ HostIp: hostIp, HostPort: hp })
    }
  }
  return out
}

/** Docker's PortBindings → requests (the daemon side). */
export const parsePortBindings = (wire: PortBindingsWire | null | undefined): PortRequest[] =>
  Object.entries(wire ?? {}).flatMap(([key, bindings]) => {
    const [ctr, protoText, extra] = key.split('/')
    if (extra !== undefined) throw invalid('E_PUBLISH', `invalid port "${key}"`)
    const containerPort = port(ctr ?? '', 'container port')
    const proto = protoOf(protoText)
    return (bindings ?? [{}]).map(b => {
      const hostIp = b.HostIp || ANY
      if (parseIpv4(hostIp) === undefined) throw invalid('E_PUBLISH', `invalid host address "${hostIp}" for ${key}`)
      const hostPorts = b.HostPort ? range(b.HostPort, 'host port') : ([0, 0] as [number, number])
      return { proto, containerPort, hostIp, hostPorts }
    })
  })

/** True when two bindings would take the same host socket. */
const clashes = (a: { proto: Proto; hostIp: string; hostPort: number }, b: typeof a) =>
  a.proto === b.proto && a.hostPort === b.hostPort && (a.hostIp === b.hostIp || a.hostIp === ANY || b.hostIp === ANY)

/**
 * Chooses host ports for `requests`, avoiding `taken` and each other. A
 * fixed port that is taken is a conflict; "any port" takes the first free
 * one of its range (or of `ephemeral`). `isFree` asks the kernel (the
 * caller reserves the port by binding it).
 */
export const choosePorts = (
  requests: readonly PortRequest[],
  taken: readonly PortMapping[],
  ephemeral: readonly [number, number],
  isFree: (m: Omit<PortMapping, 'requested' | 'containerPort'>) => boolean,
): PortMapping[] => {
  const chosen: PortMapping[] = []
  for (const r of requests) {
    const [from, to] = r.hostPorts[0] === 0 ? ephemeral : r.hostPorts
    const requested = { hostIp: r.hostIp === ANY ? '' : r.hostIp, hostPort: r.hostPorts[0] === 0 ? '' : from === to ? String(from) : `${from}-${to}` }
    let found: PortMapping | undefined
    for (let p = from; p <= to && !found; p++) {
      const candidate = { proto: r.proto, hostIp: r.hostIp, hostPort: p }
      const busy = [...taken, ...chosen].find(t => clashes(t, candidate))
      if (busy && from === to) {
        throw conflict('E_PORT_IN_USE', `Bind for ${r.hostIp}:${p}/${r.proto} failed: port is already allocated`)
      }
      if (!busy && isFree(candidate)) found = { ...candidate, containerPort: r.containerPort, requested }
      else if (!busy && from === to) {
        throw conflict('E_PORT_IN_USE', `Bind for ${r.hostIp}:${p}/${r.proto} failed: port is already in use by another program on the host`)
      }
    }
    if (!found) throw conflict('E_NO_PORT', `no free host port in ${from}-${to}/${r.proto} for container port ${r.containerPort}`)
    chosen.push(found)
  }
  return chosen
}

/** `80/tcp -> 0.0.0.0:8080`, as `docker port` prints it. */
export const describeMapping = (m: PortMapping): string => `${m.containerPort}/${m.proto} -> ${m.hostIp}:${m.hostPort}`
