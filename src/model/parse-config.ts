/**
 * The daemon's configuration: command-line flags over `/etc/berth/daemon.json`
 * over embedded defaults. Keys are the same in both places (Docker's
 * daemon.json style: `data-root`, `bip`, `default-address-pools`, …).
 */
import { z } from 'zod'
import { invalid } from '../errors.js'
import { DOCKER_DEFAULT_POOLS, poolSubnetCount } from './ipam.js'
import { lastOf, parseCidrText, parseIpv4 } from './ipv4.js'
import { checkIfname } from './names.js'
import type { AddressPool, DaemonConfig } from './types.js'

/** Defaults: what `sudo npm start` runs with. */
export const DEFAULT_CONFIG: DaemonConfig = {
  dataRoot: '/var/lib/berth',
  execRoot: '/run/berth',
  netnsPrefix: 'berth-',
  bridge: 'berth0',
  bip: '172.17.0.1/16',
  defaultAddressPools: DOCKER_DEFAULT_POOLS,
  dns: [],
  dnsTtl: 600,
  resolvConf: '/etc/resolv.conf',
  logLevel: 'info',
  netnsDir: '/run/netns',
  etcNetnsDir: '/etc/netns',
}

const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const

/** The keys accepted in daemon.json and as flags. */
const ConfigWire = z
  .object({
    'data-root': z.string().startsWith('/'),
    'exec-root': z.string().startsWith('/'),
    'netns-prefix': z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}$/, 'letters, digits, _ . - (at most 64)'),
    bridge: z.string(),
    bip: z.string(),
    'default-address-pools': z.array(z.object({ base: z.string(), size: z.number().int() })).min(1),
    dns: z.array(z.string()),
    'dns-ttl': z.number().int().min(0).max(86400),
    'resolv-conf': z.string().startsWith('/'),
    'log-level': z.enum(LOG_LEVELS),
    group: z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}\$?$/, 'a group name or a numeric gid'),
  })
  .partial()
  .strict()

export type ConfigInput = z.infer<typeof ConfigWire>

/** Parses `base=CIDR,size=N` as given to `--default-address-pool`. */
export const parsePoolFlag = (text: string): AddressPool => {
  const fields = Object.fromEntries(text.split(',').map(kv => kv.split('=', 2) as [string, string]))
  const size = Number(fields.size)
  if (!fields.base || !Number.isInteger(size)) {
    throw invalid('E_POOL', `invalid --default-address-pool "${text}": expected base=CIDR,size=N`)
  }
  return { base: fields.base, size }
}

/**
 * Validates flags layered over the file's keys and returns the resolved
 * configuration. `source` names where bad input came from.
 */
export const resolveConfig = (file: unknown, flags: unknown, source: string): DaemonConfig => {
  const f = ConfigWire.safeParse(file ?? {})
  if (!f.success) throw invalid('E_CONFIG', `${source}: ${f.error.issues.map(i => `${i.path.join('.')}: ${i.message}`).join('; ')}`)
  const c = ConfigWire.safeParse(flags ?? {})
  if (!c.success) throw invalid('E_CONFIG', `flags: ${c.error.issues.map(i => `${i.path.join('.')}: ${i.message}`).join('; ')}`)
  const m = { ...f.data, ...c.data }
  const cfg: DaemonConfig = {
    ...DEFAULT_CONFIG,
    dataRoot: m['data-root'] ?? DEFAULT_CONFIG.dataRoot,
    execRoot: m['exec-root'] ?? DEFAULT_CONFIG.execRoot,
    netnsPrefix: m['netns-prefix'] ?? DEFAULT_CONFIG.netnsPrefix,
    bridge: checkIfname(m.bridge ?? DEFAULT_CONFIG.bridge, 'bridge name'),
    bip: m.bip ?? DEFAULT_CONFIG.bip,
    defaultAddressPools: m['default-address-pools'] ?? DEFAULT_CONFIG.defaultAddressPools,
    dns: m.dns ?? DEFAULT_CONFIG.dns,
    dnsTtl: m['dns-ttl'] ?? DEFAULT_CONFIG.dnsTtl,
    resolvConf: m['resolv-conf'] ?? DEFAULT_CONFIG.resolvConf,
    logLevel: m['log-level'] ?? DEFAULT_CONFIG.logLevel,
    ...(m.group === undefined ? {} : { group: m.group }),
  }
  const bip = parseCidrText(cfg.bip)
  if (!bip || bip.cidr.prefix > 30 || bip.host === bip.cidr.addr || bip.host === lastOf(bip.cidr)) {
    throw invalid('E_CONFIG', `bip "${cfg.bip}": expected the bridge address with its prefix, e.g. 172.17.0.1/16`)
  }
  poolSubnetCount(cfg.defaultAddressPools) // throws on a bad pool
  for (const server of cfg.dns) {
    if (parseIpv4(server) === undefined) throw invalid('E_CONFIG', `dns "${server}" is not an IPv4 address`)
  }
  return cfg
}
