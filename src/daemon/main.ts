#!/usr/bin/env node
/**
 * `berthd`: flags over /etc/berth/daemon.json over embedded defaults; the
 * same layering again on SIGHUP (see signals.ts).
 */
import fs from 'node:fs'
import { Command } from 'commander'
import { pino } from 'pino'
import { BerthError, messageOf } from '../errors.js'
import { loadNative } from '../kernel/native.js'
import { parsePoolFlag, resolveConfig } from '../model/parse-config.js'
import { startDaemon } from './daemon.js'
import { SystemdNotifier } from './sd-notify.js'
import { runDaemon } from './signals.js'
import { VERSION } from './version.js'

const DEFAULT_CONFIG_FILE = '/etc/berth/daemon.json'
const collect = (v: string, acc: string[]) => [...acc, v]

const readConfigFile = (file: string, explicit: boolean): unknown => {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'))
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' && !explicit) return {}
    throw new BerthError('InvalidParameter', 'E_CONFIG', `cannot read ${file}: ${messageOf(e)}`)
  }
}

const main = async () => {
  const program = new Command('berthd')
    .description('berth daemon: Docker-style container networking from kernel primitives')
    .version(VERSION)
    .option('--config-file <path>', 'daemon configuration file', DEFAULT_CONFIG_FILE)
    .option('--data-root <dir>', 'state and container logs (default /var/lib/berth)')
    .option('--exec-root <dir>', 'runtime files; the API socket is <exec-root>/berth.sock (default /run/berth)')
    .option('--netns-prefix <prefix>', 'netns name prefix: container web lives in netns <prefix>web (default berth-)')
    .option('--bridge <name>', 'kernel bridge of the default network (default berth0)')
    .option('--bip <cidr>', 'address of the default bridge with its prefix (default 172.17.0.1/16)')
    .option('--default-address-pool <base=CIDR,size=N>', 'pool for automatic subnets (repeatable)', collect, [])
    .option('--dns <ip>', 'upstream DNS server (repeatable; default: the host resolv.conf)', collect, [])
    .option('--dns-ttl <seconds>', 'TTL of the embedded DNS answers (default 600)')
    .option('--resolv-conf <path>', "the host's resolver file: search, options, upstreams (default /etc/resolv.conf)")
    .option('--log-level <level>', 'trace, debug, info, warn, error, fatal (default info)')
    .option('-G, --group <group>', "the API socket's group, name or gid (default berth, if it exists)")
    .parse()
  const o = program.opts<Record<string, string | string[] | undefined>>()
  const pools = (o.defaultAddressPool as string[]).map(parsePoolFlag)
  const flags = {
    'data-root': o.dataRoot,
    'exec-root': o.execRoot,
    'netns-prefix': o.netnsPrefix,
    bridge: o.bridge,
    bip: o.bip,
    'default-address-pools': pools.length > 0 ? pools : undefined,
    dns: (o.dns as string[]).length > 0 ? o.dns : undefined,
    'dns-ttl': o.dnsTtl === undefined ? undefined : /^\d+$/.test(String(o.dnsTtl)) ? Number(o.dnsTtl) : String(o.dnsTtl),
    'resolv-conf': o.resolvConf,
    'log-level': o.logLevel,
    group: o.group,
  }
  const configFile = String(o.configFile)
  const defined = Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined))
  const loadConfig = () => resolveConfig(readConfigFile(configFile, configFile !== DEFAULT_CONFIG_FILE), defined, configFile)
  const cfg = loadConfig()
  const log = pino({ level: cfg.logLevel })
  const native = loadNative()
  // Before anything is spawned: children must not inherit NOTIFY_SOCKET.
  const notifier = SystemdNotifier.fromEnv(process.env, (socket, message) => native.notifyDatagram(socket, message), log)
  await runDaemon({ start: () => startDaemon(cfg, log), loadConfig, notifier, log, exit: code => process.exit(code) })
}

main().catch((e: unknown) => {
  process.stderr.write(`berthd: ${messageOf(e)}\n`)
  process.exit(1)
})
