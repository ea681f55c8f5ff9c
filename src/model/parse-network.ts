/**
 * Parses Docker's `POST /networks/create` body into a typed request: the
 * only place this untyped input becomes typed (aesthetics P1).
 */
import { z } from 'zod'
import { invalid } from '../errors.js'
import { type Cidr, contains, lastOf, parseCidrText, parseIpv4, within } from './ipv4.js'
import { IPAM_CONFIG, NETWORK_CREATE } from './docker-fields.js'
import { checkIfname, checkObjectName } from './names.js'
import { parseWire } from './wire.js'

/** Docker option keys berth understands for bridge networks. */
export const OPT_BRIDGE_NAME = 'com.docker.network.bridge.name'
export const OPT_MTU = 'com.docker.network.driver.mtu'
export const OPT_ICC = 'com.docker.network.bridge.enable_icc'
export const OPT_MASQUERADE = 'com.docker.network.bridge.enable_ip_masquerade'

/** `com.docker.network.*` options that later work will add; refused, not ignored. */
const DOCKER_OPTION_PREFIX = 'com.docker.network.'
const SUPPORTED_DOCKER_OPTIONS = new Set([OPT_BRIDGE_NAME, OPT_MTU, OPT_ICC, OPT_MASQUERADE])

/** Docker's boolean option values (strconv.ParseBool). */
const parseBoolOption = (key: string, text: string | undefined): boolean => {
  if (text === undefined) return true
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(text)) return true
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(text)) return false
  throw invalid('E_OPTION', `invalid value ${JSON.stringify(text)} for ${key}: expected true or false`)
}

/** Modes of the macvlan and ipvlan drivers (the first is the default). */
export const DRIVER_MODES = { macvlan: ['bridge', 'private', 'vepa', 'passthru'], ipvlan: ['l2', 'l3', 'l3s'] } as const

/** A validated `network create` request. */
export interface NetworkCreateRequest {
  readonly name: string
  readonly driver: 'bridge' | 'macvlan' | 'ipvlan'
  /** macvlan/ipvlan parent (`-o parent=`); `IF.N` means VLAN N on IF. */
  readonly parent?: string | undefined
  readonly driverMode?: string | undefined
  readonly subnet?: Cidr | undefined
  readonly gateway?: number | undefined
  readonly ipRange?: Cidr | undefined
  readonly bridgeName?: string | undefined
  readonly mtu?: number | undefined
  readonly internal: boolean
  readonly icc: boolean
  readonly masquerade: boolean
  readonly attachable: boolean
  readonly options: Record<string, string>
  readonly labels: Record<string, string>
}

const StringMap = z.record(z.string(), z.string())

const NetworkCreateWire = z.strictObject({
  ...NETWORK_CREATE,
  Name: z.string(),
  Driver: z.string().nullish(),
  Internal: z.boolean().nullish(),
  Attachable: z.boolean().nullish(),
  EnableIPv6: z.boolean().nullish(),
  IPAM: z
    .strictObject({
      Driver: z.string().nullish(),
      Config: z
        .array(
          z.strictObject({
            ...IPAM_CONFIG,
            Subnet: z.string().nullish(),
            Gateway: z.string().nullish(),
            IPRange: z.string().nullish(),
          }),
        )
        .nullish(),
      // Docker's default IPAM driver takes no options and ignores them, as berth does.
      Options: StringMap.nullish(),
    })
    .nullish(),
  Options: StringMap.nullish(),
  Labels: StringMap.nullish(),
})

const cidrOrThrow = (text: string, what: string): Cidr => {
  const parsed = parseCidrText(text)
  if (!parsed) throw invalid('E_BAD_CIDR', `invalid ${what} ${JSON.stringify(text)}: expected an IPv4 CIDR like 172.20.0.0/16`)
  return parsed.cidr
}

const parseMtu = (text: string): number => {
  const mtu = Number(text)
  if (!/^\d+$/.test(text) || mtu < 68 || mtu > 65535) {
    throw invalid('E_MTU', `invalid MTU ${JSON.stringify(text)}: must be an integer from 68 to 65535`)
  }
  return mtu
}

/** `-o parent=IF[.VLAN]` and `-o macvlan_mode=` / `-o ipvlan_mode=`. */
const parseChildOptions = (driver: 'macvlan' | 'ipvlan', options: Record<string, string>): { parent?: string; mode: string } => {
  const modes: readonly string[] = DRIVER_MODES[driver]
  const mode = options[`${driver}_mode`] ?? modes[0] ?? ''
  if (!modes.includes(mode)) throw invalid('E_OPTION', `invalid ${driver}_mode "${mode}": one of ${modes.join(', ')}`)
  const parent = options.parent
  if (parent === undefined) return { mode }
  checkIfname(parent, 'parent interface')
  const vlan = /^(.+)\.(\d+)$/.exec(parent)
  if (vlan && (Number(vlan[2]) < 1 || Number(vlan[2]) > 4094)) throw invalid('E_VLAN', `invalid VLAN id in parent "${parent}": 1-4094`)
  return { parent, mode }
}

/** Parses and checks everything that does not depend on other networks. */
export const parseNetworkCreate = (body: unknown): NetworkCreateRequest => {
  const w = parseWire(NetworkCreateWire, body, 'network create request')
  const name = checkObjectName(w.Name, 'network')
  const driver = w.Driver ?? 'bridge'
  if (driver !== 'bridge' && driver !== 'macvlan' && driver !== 'ipvlan') {
    throw invalid('E_DRIVER', `network driver "${driver}" is not supported (supported: bridge, macvlan, ipvlan)`)
  }
  if (w.EnableIPv6) throw invalid('E_IPV6', 'IPv6 networks are not supported yet')
  if (w.IPAM?.Driver && w.IPAM.Driver !== 'default') {
    throw invalid('E_IPAM_DRIVER', `IPAM driver "${w.IPAM.Driver}" is not supported (supported: default)`)
  }
  const configs = w.IPAM?.Config ?? []
  if (configs.length > 1) throw invalid('E_IPAM_CONFIG', 'only one IPv4 subnet per network is supported')
  const cfg = configs[0] ?? {}
  const subnet = cfg.Subnet ? cidrOrThrow(cfg.Subnet, 'subnet') : undefined
  if (subnet && subnet.prefix > 30) {
    throw invalid('E_SUBNET_SMALL', `subnet ${cfg.Subnet} is too small: a network needs at least a /30`)
  }
  if (!subnet && (cfg.Gateway || cfg.IPRange)) {
    throw invalid('E_NEEDS_SUBNET', 'a gateway or IP range can only be given together with a subnet')
  }
  let gateway: number | undefined
  if (cfg.Gateway && subnet) {
    gateway = parseIpv4(cfg.Gateway)
    if (gateway === undefined) throw invalid('E_BAD_IP', `invalid gateway address ${JSON.stringify(cfg.Gateway)}`)
    if (!contains(subnet, gateway) || gateway === subnet.addr || gateway === lastOf(subnet)) {
      throw invalid('E_GATEWAY_OUTSIDE', `gateway ${cfg.Gateway} is not a usable address of subnet ${cfg.Subnet}`)
    }
  }
  const ipRange = cfg.IPRange ? cidrOrThrow(cfg.IPRange, 'IP range') : undefined
  if (ipRange && subnet && !within(subnet, ipRange)) {
    throw invalid('E_RANGE_OUTSIDE', `IP range ${cfg.IPRange} is not inside subnet ${cfg.Subnet}`)
  }
  const options = { ...(w.Options ?? {}) }
  for (const key of Object.keys(options)) {
    if (key.startsWith(DOCKER_OPTION_PREFIX) && !SUPPORTED_DOCKER_OPTIONS.has(key)) {
      throw invalid('E_OPTION', `network option "${key}" is not supported yet`)
    }
  }
  const bridgeOpt = options[OPT_BRIDGE_NAME]
  const mtuOpt = options[OPT_MTU]
  const child = driver === 'bridge' ? undefined : parseChildOptions(driver, options)
  return {
    name,
    driver,
    parent: child?.parent,
    driverMode: child?.mode,
    subnet,
    gateway,
    ipRange,
    bridgeName: bridgeOpt === undefined ? undefined : checkIfname(bridgeOpt, 'bridge name'),
    mtu: mtuOpt === undefined ? undefined : parseMtu(mtuOpt),
    internal: w.Internal ?? false,
    icc: parseBoolOption(OPT_ICC, options[OPT_ICC]),
    masquerade: parseBoolOption(OPT_MASQUERADE, options[OPT_MASQUERADE]),
    attachable: w.Attachable ?? false,
    options,
    labels: { ...(w.Labels ?? {}) },
  }
}
