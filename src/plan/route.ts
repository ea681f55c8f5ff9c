/**
 * Which endpoint carries a container's default route, and the ops that move
 * it (pure). Docker's rule (oracle Key behaviours 20): among the live
 * endpoints, the non-internal network whose name sorts first; internal
 * networks come last. Published ports follow the same endpoint.
 */
import type { Container, Endpoint, Network } from '../model/types.js'
import type { Op } from './ops.js'

/** Looks a network up by id. */
export type NetworkLookup = (id: string) => Network | undefined

/** The endpoint that carries the default route, or undefined when there is none. */
export const routeCarrier = (networkOf: NetworkLookup, c: Container): Endpoint | undefined => {
  const rank = (e: Endpoint) => {
    const n = networkOf(e.networkId)
    return { internal: n?.internal ? 1 : 0, name: n?.name ?? '' }
  }
  return c.endpoints
    .filter(e => e.status !== 'removing' && networkOf(e.networkId) !== undefined)
    .sort((a, b) => {
      const ra = rank(a)
      const rb = rank(b)
      return ra.internal - rb.internal || (ra.name < rb.name ? -1 : ra.name > rb.name ? 1 : 0)
    })[0]
}

/** The default route through `ep`'s gateway, as a route op. */
export const defaultRoute = (kind: 'route.add' | 'route.delete', c: Container, ep: Endpoint, net: Network): Op => ({
  kind,
  netns: c.netns,
  dst: '0.0.0.0',
  prefix: 0,
  gateway: net.gateway,
  dev: ep.ifname,
})

/**
 * Moves the default route from `before`'s carrier to `after`'s. An old
 * carrier that is being removed takes its route with its interface.
 */
export const planRouteChange = (networkOf: NetworkLookup, before: Container, after: Container): Op[] => {
  const old = routeCarrier(networkOf, before)
  const neu = routeCarrier(networkOf, after)
  if (old?.id === neu?.id) return []
  const ops: Op[] = []
  const oldNet = old && networkOf(old.networkId)
  if (old && oldNet && after.endpoints.some(e => e.id === old.id && e.status !== 'removing')) {
    ops.push(defaultRoute('route.delete', after, old, oldNet))
  }
  const newNet = neu && networkOf(neu.networkId)
  if (neu && newNet) ops.push(defaultRoute('route.add', after, neu, newNet))
  return ops
}
