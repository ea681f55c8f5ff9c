/**
 * Checks, outside the timings, that every implementation did the real work
 * (so a fast row cannot be a broken one), and that nothing is left behind.
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import type { World } from '../../test/helpers/world.js'

const ipJson = <T>(args: readonly string[]): T => {
  const r = spawnSync('ip', ['-j', ...args], { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`ip -j ${args.join(' ')}: ${r.stderr.trim()}`)
  return JSON.parse(r.stdout || '[]') as T
}

interface Link {
  ifname: string
  flags: string[]
  master?: string
  addr_info?: { family: string; local: string; prefixlen: number }[]
}

/** Names of the named netns (`ip netns list`). */
export const netnsNames = (): string[] =>
  spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout.split('\n').map(l => l.split(' ')[0] ?? '').filter(Boolean)

/** Mount points of netns files still mounted in this mount namespace. */
export const netnsMounts = (): string[] =>
  fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n').map(l => l.split(' ')[4] ?? '').filter(m => m.startsWith('/run/netns/'))

/** Link names of the root netns (read only). */
export const rootLinks = (): string[] => ipJson<Link[]>(['link']).map(l => l.ifname).sort()

/** Throws unless the sandbox in `netns` is attached: eth0 up with `cidr`, default via `gateway`, host end on `bridge`. */
export const checkAttached = (
  what: string,
  where: { host: string; netns: string; cidr: string; gateway: string; bridge: string },
): void => {
  const fail = (why: string) => {
    throw new Error(`${what}: attach did not do the work: ${why}`)
  }
  const links = ipJson<Link[]>(['-n', where.netns, 'addr'])
  const lo = links.find(l => l.ifname === 'lo')
  const eth0 = links.find(l => l.ifname === 'eth0')
  if (!lo?.flags.includes('UP')) fail('lo is not up')
  if (!eth0?.flags.includes('UP')) fail('eth0 is missing or down')
  const cidrs = (eth0?.addr_info ?? []).filter(a => a.family === 'inet').map(a => `${a.local}/${a.prefixlen}`)
  if (!cidrs.includes(where.cidr)) fail(`eth0 has ${cidrs.join(',') || 'no address'}, not ${where.cidr}`)
  const routes = ipJson<{ dst: string; gateway?: string; dev: string }[]>(['-n', where.netns, 'route'])
  if (!routes.some(r => r.dst === 'default' && r.gateway === where.gateway && r.dev === 'eth0')) fail(`no default route via ${where.gateway}`)
  const ports = ipJson<Link[]>(['-n', where.host, 'link']).filter(l => l.master === where.bridge)
  if (ports.length !== 1 || !ports[0]?.flags.includes('UP')) fail(`${where.bridge} has ${ports.length} ports up (wanted 1)`)
}

/** Throws unless `netns` is gone everywhere and `bridge` has no ports left. */
export const checkDetached = (what: string, where: { host: string; netns: string; bridge: string }): void => {
  if (netnsNames().includes(where.netns) || netnsMounts().includes(`/run/netns/${where.netns}`)) {
    throw new Error(`${what}: detach left netns ${where.netns} behind`)
  }
  if (fs.existsSync(`/etc/netns/${where.netns}`)) throw new Error(`${what}: detach left /etc/netns/${where.netns} behind`)
  const ports = ipJson<Link[]>(['-n', where.host, 'link']).filter(l => l.master === where.bridge)
  if (ports.length !== 0) throw new Error(`${what}: detach left ${ports.map(p => p.ifname).join(',')} on ${where.bridge}`)
}

/** Deletes the named netns whose names match `re` (best effort); what was deleted. */
export const sweepNetns = (re: RegExp): string[] => {
  const names = [...new Set([...netnsNames(), ...netnsMounts().map(m => m.slice('/run/netns/'.length))])].filter(n => re.test(n))
  for (const n of names) spawnSync('ip', ['netns', 'del', n])
  return names
}

/** What a destroyed world left behind: its netns, netns mounts, /etc/netns entries, its directory. */
export const leftBehind = (w: World): string[] => {
  const mine = new RegExp(`^bt${w.id}`)
  return [
    ...netnsNames().filter(n => mine.test(n)).map(n => `netns ${n}`),
    ...netnsMounts().filter(m => mine.test(m.slice('/run/netns/'.length))).map(m => `mount ${m}`),
    ...(fs.existsSync('/etc/netns') ? fs.readdirSync('/etc/netns').filter(n => mine.test(n)).map(n => `/etc/netns/${n}`) : []),
    ...(fs.existsSync(w.dir) ? [w.dir] : []),
  ]
}
