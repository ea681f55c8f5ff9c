/**
 * Published ports on the service side: choosing and reserving host ports,
 * and the ops that go with publishing and unpublishing.
 */
import { type PortMapping, type PortRequest, choosePorts } from '../model/ports.js'
import type { State } from '../model/types.js'
import type { Op } from '../plan/ops.js'
import type { HostPort } from '../kernel/port-reservations.js'
import type { ServiceContext } from './context.js'

/**
 * Chooses host ports for `requests` and reserves them by binding (all or
 * none: on error every reservation made here is released).
 */
export const reservePorts = (ctx: ServiceContext, s: State, requests: readonly PortRequest[]): PortMapping[] => {
  const got: HostPort[] = []
  const reserve = (p: HostPort) => {
    const ok = ctx.ports.reserve(p)
    if (ok) got.push(p)
    return ok
  }
  try {
    return choosePorts(requests, s.containers.flatMap(c => c.ports), ctx.ports.ephemeralRange(), reserve)
  } catch (e) {
    for (const p of got) ctx.ports.release(p)
    throw e
  }
}

/** Releases the host ports of `mappings`. */
export const releasePorts = (ctx: ServiceContext, mappings: readonly PortMapping[]): void => {
  for (const m of mappings) ctx.ports.release(m)
}

/** Forgets conntrack entries of the host ports (after the rules changed). */
export const conntrackOps = (mappings: readonly PortMapping[]): Op[] =>
  mappings.length === 0 ? [] : [{ kind: 'conntrack.flush', ports: mappings.map(m => ({ proto: m.proto, port: m.hostPort })) }]
