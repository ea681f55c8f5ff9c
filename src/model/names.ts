/**
 * Every kernel-visible name berth uses comes from here (ARCHITECTURE.md §9).
 *
 * Be aware: Linux limits interface names to 15 bytes (IFNAMSIZ - 1); a
 * name that is too long is refused up front instead of failing with ERANGE
 * halfway through an operation.
 */
import { invalid } from '../errors.js'
import { bytesOf } from './ipv4.js'

/** Longest interface name the kernel accepts. */
export const IFNAME_MAX = 15

/** Bridge of a user-defined network: `br-` + 12 hex of the network id. */
export const bridgeName = (networkId: string): string => `br-${networkId.slice(0, 12)}`

/** Host side of an endpoint's veth pair: `veth` + 7 hex of the endpoint id. */
export const vethName = (endpointId: string): string => `veth${endpointId.slice(0, 7)}`

/** Interface name inside the container for attachment number `index`. */
export const containerIfname = (index: number): string => `eth${index}`

/** Netns of a container: the daemon's prefix + the container name. */
export const netnsName = (prefix: string, containerName: string): string =>
  `${prefix}${containerName}`

/** Docker's container MAC: `02:42:` followed by the 4 IPv4 bytes. */
export const containerMac = (ip: number): string =>
  ['02', '42', ...bytesOf(ip).map(b => b.toString(16).padStart(2, '0'))].join(':')

/** 12-hex short id, as `docker ps` shows it. */
export const shortId = (id: string): string => id.slice(0, 12)

/**
 * Marks links berth created (IFLA_IFALIAS), so a restart can tell its own
 * leftovers from anyone else's `br-*` or `veth*` devices.
 */
export const OWNER_ALIAS_PREFIX = 'berth:'
export const ownerAlias = (objectId: string): string => `${OWNER_ALIAS_PREFIX}${objectId}`

const IFNAME_CHARS = /^[a-zA-Z0-9_.-]+$/

/** Checks a user-supplied interface name (e.g. the bridge name option). */
export const checkIfname = (name: string, what: string): string => {
  if (name.length === 0) throw invalid('E_IFNAME_EMPTY', `${what} must not be empty`)
  if (name.length > IFNAME_MAX) {
    throw invalid(
      'E_IFNAME_LENGTH',
      `${what} "${name}" is too long: the kernel allows at most ${IFNAME_MAX} characters`,
    )
  }
  if (!IFNAME_CHARS.test(name) || name === '.' || name === '..') {
    throw invalid('E_IFNAME_CHARS', `${what} "${name}" is not a valid interface name`)
  }
  return name
}

/** Docker's rule for container and network names. */
const OBJECT_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/
/** Longest name; keeps `/run/netns/<prefix><name>` well inside NAME_MAX. */
export const NAME_MAX = 128

/** Checks a container or network name (Docker: container names have 2+ characters). */
export const checkObjectName = (name: string, what: string): string => {
  if (!OBJECT_NAME.test(name) || (what === 'container' && name.length < 2)) {
    throw invalid(
      'E_NAME_CHARS',
      `invalid ${what} name "${name}": only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`,
    )
  }
  if (name.length > NAME_MAX) {
    throw invalid('E_NAME_LENGTH', `${what} name is too long: at most ${NAME_MAX} characters`)
  }
  return name
}

const HOST_LABEL = /^[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$/

/** Checks a hostname (RFC 1123 labels, at most 253 characters). */
export const checkHostname = (name: string): string => {
  if (name.length > 253 || !name.split('.').every(l => HOST_LABEL.test(l))) {
    throw invalid('E_HOSTNAME', `invalid hostname "${name}"`)
  }
  return name
}

/**
 * True when `name` is the name berth derives from the id in `alias` (a
 * user bridge or a veth host end): a link so named is the one berth made
 * for that object even before it carries the alias.
 */
export const isDerivedName = (name: string, alias: string): boolean => {
  if (!alias.startsWith(OWNER_ALIAS_PREFIX)) return false
  const id = alias.slice(OWNER_ALIAS_PREFIX.length)
  return name === bridgeName(id) || name === vethName(id)
}
