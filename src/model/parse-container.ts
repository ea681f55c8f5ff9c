/**
 * Parses container requests (Docker's `/containers/create` shape and the
 * network connect/disconnect bodies) into typed requests.
 */
import { z } from 'zod'
import { invalid } from '../errors.js'
import { parseIpv4 } from './ipv4.js'
import { checkHostname, checkObjectName } from './names.js'
import { CONTAINER_CONFIG, ENDPOINT_IPAM_CONFIG, ENDPOINT_SETTINGS, HOST_CONFIG } from './docker-fields.js'
import { type PortRequest, parsePortBindings } from './ports.js'
import { parseWire } from './wire.js'

/** One requested network attachment. */
export interface AttachRequest {
  /** Network name or id, as the user wrote it. */
  readonly network: string
  readonly ip?: number | undefined
  readonly aliases: readonly string[]
  /** `--mac-address` (else Docker's 02:42 + the IPv4 bytes). */
  readonly mac?: string | undefined
}

/**
 * Where the sandbox's network comes from (Docker's network modes):
 * networks (bridge, one or more), none (only lo), host (the daemon's own
 * netns), or another container's netns.
 */
export type NetworkModeRequest =
  | { readonly kind: 'networks'; readonly attach: readonly AttachRequest[] }
  | { readonly kind: 'none' }
  | { readonly kind: 'host' }
  | { readonly kind: 'container'; readonly container: string }

/** A validated `create` request. */
export interface ContainerCreateRequest {
  readonly name: string
  readonly hostname?: string | undefined
  readonly cmd: readonly string[]
  readonly mode: NetworkModeRequest
  readonly ports: readonly PortRequest[]
  readonly links: readonly { readonly container: string; readonly alias: string }[]
}

const EndpointWire = z.strictObject({
  ...ENDPOINT_SETTINGS,
  IPAMConfig: z.strictObject({ ...ENDPOINT_IPAM_CONFIG, IPv4Address: z.string().nullish() }).nullish(),
  Aliases: z.array(z.string()).nullish(),
  MacAddress: z.string().nullish(),
})

const CreateWire = z.strictObject({
  ...CONTAINER_CONFIG,
  Hostname: z.string().nullish(),
  MacAddress: z.string().nullish(),
  Cmd: z.array(z.string()).nullish(),
  HostConfig: z
    .strictObject({
      ...HOST_CONFIG,
      NetworkMode: z.string().nullish(),
      Links: z.array(z.string()).nullish(),
      PortBindings: z
        .record(z.string(), z.array(z.strictObject({ HostIp: z.string().optional(), HostPort: z.string().optional() })).nullable())
        .nullish(),
    })
    .nullish(),
  NetworkingConfig: z.strictObject({ EndpointsConfig: z.record(z.string(), EndpointWire.nullable()).nullish() }).nullish(),
})

const parseIpOption = (text: string | null | undefined): number | undefined => {
  if (!text) return undefined
  const ip = parseIpv4(text)
  if (ip === undefined) throw invalid('E_BAD_IP', `invalid IPv4 address ${JSON.stringify(text)}`)
  return ip
}

/** DNS names: hostname syntax, compared case-insensitively. */
const parseAliases = (aliases: readonly string[] | null | undefined): string[] =>
  [...new Set((aliases ?? []).map(a => checkHostname(a).toLowerCase()))]

/** `NAME[:ALIAS]` (Docker sends `NAME:ALIAS` in HostConfig.Links). */
const parseLink = (text: string): { container: string; alias: string } => {
  const [name, alias, extra] = text.replace(/^\//, '').split(':')
  if (!name || extra !== undefined) throw invalid('E_LINK', `invalid link "${text}": expected NAME[:ALIAS]`)
  const a = (alias ?? name).replace(/^\/.*\//, '')
  if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(a)) throw invalid('E_LINK', `invalid link alias "${a}"`)
  return { container: name, alias: a }
}

const MAC = /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/

/** A unicast MAC (`--mac-address`), lower-case. */
const parseMac = (text: string | null | undefined): string | undefined => {
  if (!text) return undefined
  const mac = text.toLowerCase()
  if (!MAC.test(mac) || parseInt(mac.slice(0, 2), 16) & 1) throw invalid('E_MAC', `invalid MAC address ${JSON.stringify(text)}: expected a unicast xx:xx:xx:xx:xx:xx`)
  return mac
}

type EndpointSpec = z.infer<typeof EndpointWire>

const toAttach = (network: string, ep: EndpointSpec | null | undefined, mac?: string | null): AttachRequest => ({
  network,
  ip: parseIpOption(ep?.IPAMConfig?.IPv4Address),
  aliases: parseAliases(ep?.Aliases),
  mac: parseMac(ep?.MacAddress) ?? parseMac(mac),
})

/**
 * The network mode: HostConfig.NetworkMode (blank = default, as Docker's
 * SetDefaultNetModeIfBlank), plus every EndpointsConfig entry as a further
 * network (several networks at create go beyond Docker API 1.41).
 */
const parseMode = (w: z.infer<typeof CreateWire>): NetworkModeRequest => {
  const endpoints = Object.entries(w.NetworkingConfig?.EndpointsConfig ?? {})
  const mode = w.HostConfig?.NetworkMode || endpoints[0]?.[0] || 'default'
  const single = (kind: 'none' | 'host' | 'container', what: string): NetworkModeRequest => {
    const extra = endpoints.filter(([n]) => n !== mode)
    if (extra.length > 0) {
      throw invalid('E_MULTI_NETWORK', `container cannot be connected to network endpoints ${extra.map(([n]) => n).join(', ')} in ${what} mode`)
    }
    return kind === 'container' ? { kind, container: mode.slice('container:'.length) } : { kind }
  }
  if (mode === 'none') return single('none', 'none')
  if (mode === 'host') return single('host', 'host')
  if (mode.startsWith('container:')) {
    if (mode === 'container:') throw invalid('E_NETWORK_MODE', 'network mode "container:" needs a container name or id')
    return single('container', 'container')
  }
  const first = mode === 'default' ? 'bridge' : mode
  const firstSpec = endpoints.find(([n]) => n === first || n === mode)?.[1]
  const rest = endpoints.filter(([n]) => n !== first && n !== mode)
  return { kind: 'networks', attach: [toAttach(first, firstSpec, w.MacAddress), ...rest.map(([n, ep]) => toAttach(n, ep))] }
}

/** Parses `POST /containers/create?name=NAME` with its JSON body. */
export const parseContainerCreate = (
  name: string | undefined,
  body: unknown,
): ContainerCreateRequest => {
  if (!name) throw invalid('E_NAME_REQUIRED', 'a container name is required (--name)')
  const w = parseWire(CreateWire, body ?? {}, 'container create request')
  return {
    name: checkObjectName(name, 'container'),
    hostname: w.Hostname ? checkHostname(w.Hostname) : undefined,
    cmd: w.Cmd ?? [],
    mode: parseMode(w),
    ports: parsePortBindings(w.HostConfig?.PortBindings),
    links: (w.HostConfig?.Links ?? []).map(parseLink),
  }
}

const ConnectWire = z.strictObject({
  Container: z.string().min(1),
  EndpointConfig: EndpointWire.nullish(),
})

/** Parses `POST /networks/{id}/connect`. */
export const parseConnect = (
  network: string,
  body: unknown,
): { container: string; attach: AttachRequest } => {
  const w = parseWire(ConnectWire, body, 'connect request')
  return { container: w.Container, attach: toAttach(network, w.EndpointConfig ?? undefined) }
}

// Force (Docker: drop the endpoint of a container the daemon lost) changes nothing here.
const DisconnectWire = z.strictObject({ Container: z.string().min(1), Force: z.boolean().nullish() })

/** Parses `POST /networks/{id}/disconnect`. */
export const parseDisconnect = (body: unknown): { container: string } => {
  return { container: parseWire(DisconnectWire, body, 'disconnect request').Container }
}

export { parseExec } from './parse-exec.js'
