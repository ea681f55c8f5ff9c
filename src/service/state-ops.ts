/**
 * Immutable updates of the state document, used with `StateStore.update`.
 */
import type { Container, Endpoint, Network, State } from '../model/types.js'

/** Adds or replaces a network. */
export const putNetwork = (n: Network) => (s: State): State => ({
  ...s,
  networks: s.networks.some(x => x.id === n.id) ? s.networks.map(x => (x.id === n.id ? n : x)) : [...s.networks, n],
})

/** Removes a network. */
export const dropNetwork = (id: string) => (s: State): State => ({ ...s, networks: s.networks.filter(n => n.id !== id) })

/** Adds or replaces a container. */
export const putContainer = (c: Container) => (s: State): State => ({
  ...s,
  containers: s.containers.some(x => x.id === c.id)
    ? s.containers.map(x => (x.id === c.id ? c : x))
    : [...s.containers, c],
})

/** Changes a container in place (no-op when it is gone). */
export const patchContainer = (id: string, patch: (c: Container) => Container) => (s: State): State => ({
  ...s,
  containers: s.containers.map(c => (c.id === id ? patch(c) : c)),
})

/** Removes a container. */
export const dropContainer = (id: string) => (s: State): State => ({
  ...s,
  containers: s.containers.filter(c => c.id !== id),
})

/** Sets the status of one endpoint of a container. */
export const withEndpointStatus = (c: Container, endpointId: string, status: Endpoint['status']): Container => ({
  ...c,
  endpoints: c.endpoints.map(e => (e.id === endpointId ? { ...e, status } : e)),
})

/** The endpoints of every container on a network. */
export const endpointsOn = (s: State, networkId: string): { container: Container; endpoint: Endpoint }[] =>
  s.containers.flatMap(container =>
    container.endpoints.filter(e => e.networkId === networkId).map(endpoint => ({ container, endpoint })),
  )
