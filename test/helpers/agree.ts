/**
 * Do berth's state (as the API reports it) and the kernel of a test world
 * agree? Used after every crash restart and after concurrent load, by the
 * tap tests and by the long scripts. Returns what disagrees, one line each
 * (empty: all agreed), so a caller can fail a test or print a report.
 *
 * Checked in the world's host netns: netns, veths, bridges and their
 * gateway addresses, container addresses and default routes, duplicate or
 * foreign IPs, the `inet berth` table's published-port maps and per-network
 * rules, bound host ports, and real reachability (gateways and neighbours).
 */
import type { Api } from './api.js'
import { run, sh, type World } from './world.js'

/** What the API says exists. */
export interface Seen {
  /** `GET /containers/{id}/json` of every container. */
  readonly containers: any[]
  /** `GET /networks` entries of berth's bridge networks. */
  readonly networks: any[]
}

/** Reads every container and bridge network through the API. */
export const observeBerth = async (api: Api): Promise<Seen> => {
  const list = await api.get<{ Id: string }[]>('/containers/json?all=1')
  const containers: any[] = []
  for (const c of list) {
    const r = await api.send('GET', `/containers/${c.Id}/json`)
    if (r.status === 200) containers.push(JSON.parse(r.body))
  }
  const networks = (await api.get<any[]>('/networks')).filter(n => n.Driver === 'bridge')
  return { containers, networks }
}

const bridgeOf = (n: any): string => n.Options['com.docker.network.bridge.name']
const endpointsOf = (c: any): [string, any][] => Object.entries(c.NetworkSettings.Networks)
const netnsOf = (c: any): string => String(c.SandboxKey ?? c.NetworkSettings.SandboxKey).replace('/run/netns/', '')
const ipNum = (ip: string) => ip.split('.').reduce((a, b) => a * 256 + Number(b), 0)
const inSubnet = (ip: string, cidr: string) => {
  const [base = '', len = '32'] = cidr.split('/')
  const size = 2 ** (32 - Number(len))
  return Math.floor(ipNum(ip) / size) === Math.floor(ipNum(base) / size)
}
const sorted = (xs: Iterable<string>) => [...xs].sort()
const differ = (a: Iterable<string>, b: Iterable<string>) => JSON.stringify(sorted(a)) !== JSON.stringify(sorted(b))
const dups = (xs: readonly string[]) => [...new Set(xs.filter((x, i) => xs.indexOf(x) !== i))]

/** The endpoint that carries the default route (and the published ports): Docker's rule, see src/plan/route.ts. */
export const carrierOf = (c: any, networks: readonly any[]): [string, any] | undefined =>
  endpointsOf(c).sort(([a], [b]) => {
    const internal = (name: string) => (networks.find(n => n.Name === name)?.Internal ? 1 : 0)
    return internal(a) - internal(b) || (a < b ? -1 : a > b ? 1 : 0)
  })[0]

/** `tcp/HOSTIP/PORT → IP:PORT` for every published port that is live (its container has an endpoint). */
export const publishedOf = (seen: Seen): string[] =>
  seen.containers.flatMap(c => {
    const carrier = carrierOf(c, seen.networks)
    if (!carrier) return []
    return Object.entries(c.NetworkSettings.Ports as Record<string, { HostIp: string; HostPort: string }[]>).flatMap(([key, binds]) => {
      const [port, proto] = key.split('/')
      return binds.map(b => `${proto}/${b.HostIp || '0.0.0.0'}/${b.HostPort} → ${carrier[1].IPAddress}:${port}`)
    })
  })

/** The published-port map elements of the world's `inet berth` table, in the same form. */
const nftPorts = (nft: any[]): string[] => {
  const maps = new Map<string, any[]>(nft.filter(o => o.map).map(o => [o.map.name, o.map.elem ?? []]))
  const keyText = (k: any) => {
    const parts: unknown[] = k.concat
    return parts.length === 2 ? `${parts[0]}/0.0.0.0/${parts[1]}` : `${parts[1]}/${parts[0]}/${parts[2]}`
  }
  return ['any', 'ip'].flatMap(kind => {
    const ports = new Map((maps.get(`pub_${kind}_port`) ?? []).map(([k, v]: any) => [keyText(k), v]))
    return (maps.get(`pub_${kind}_addr`) ?? []).map(([k, v]: any) => `${keyText(k)} → ${v}:${ports.get(keyText(k)) ?? '?'}`)
  })
}

/** Disagreements about the firewall: port maps, bridge set, rules of networks that are gone. */
const firewall = (w: World, seen: Seen): string[] => {
  const r = sh(['ip', 'netns', 'exec', w.host, 'nft', '-j', 'list', 'table', 'inet', 'berth'])
  if (r.code !== 0) return [`nft list table inet berth failed: ${r.stderr.trim()}`]
  const nft: any[] = JSON.parse(r.stdout).nftables
  const out: string[] = []
  const want = publishedOf(seen)
  const have = nftPorts(nft)
  if (differ(want, have)) out.push(`DNAT maps ${JSON.stringify(sorted(have))} ≠ published ports ${JSON.stringify(sorted(want))}`)
  const bridges = seen.networks.map(bridgeOf)
  const set = nft.find(o => o.set?.name === 'bridges')?.set.elem ?? []
  if (differ(set, bridges)) out.push(`nft set bridges ${JSON.stringify(set)} ≠ bridges ${JSON.stringify(bridges)}`)
  for (const rule of nft.filter(o => o.rule).map(o => o.rule)) {
    const text = JSON.stringify(rule.expr)
    const foreignIp = (text.match(/\d+\.\d+\.\d+\.\d+/g) ?? []).find(
      ip => !ip.startsWith('127.') && !seen.networks.some(n => inSubnet(ip, n.IPAM.Config[0].Subnet)),
    )
    const foreignBridge = (text.match(/br-[0-9a-f]{12}/g) ?? []).find(b => !bridges.includes(b))
    if (foreignIp || foreignBridge) out.push(`rule of a network that is gone (${foreignIp ?? foreignBridge}): ${rule.comment}`)
  }
  return out
}

/** Disagreements about host links: veths per endpoint, bridges per network, gateway addresses. */
const hostLinks = (w: World, seen: Seen): string[] => {
  const out: string[] = []
  const links = w.ipJson<{ ifname: string; linkinfo?: { info_kind?: string } }[]>(w.host, ['-d', 'link'])
  const veths = links.filter(l => l.linkinfo?.info_kind === 'veth' && l.ifname !== 'eth0').map(l => l.ifname)
  const endpoints = seen.containers.flatMap(c => endpointsOf(c).map(([, e]) => `veth${String(e.EndpointID).slice(0, 7)}`))
  if (differ(veths, endpoints)) out.push(`veths ${JSON.stringify(sorted(veths))} ≠ endpoints ${JSON.stringify(sorted(endpoints))}`)
  const bridges = links.filter(l => l.linkinfo?.info_kind === 'bridge').map(l => l.ifname)
  if (differ(bridges, seen.networks.map(bridgeOf))) {
    out.push(`bridges ${JSON.stringify(sorted(bridges))} ≠ networks ${JSON.stringify(sorted(seen.networks.map(bridgeOf)))}`)
  }
  const addrs = w.ipJson<{ ifname: string; addr_info: { family: string; local: string; prefixlen: number }[] }[]>(w.host, ['addr'])
  for (const n of seen.networks) {
    const on = addrs.find(a => a.ifname === bridgeOf(n))?.addr_info.filter(a => a.family === 'inet').map(a => `${a.local}/${a.prefixlen}`) ?? []
    const gw = `${n.IPAM.Config[0].Gateway}/${n.IPAM.Config[0].Subnet.split('/')[1]}`
    if (differ(on, [gw])) out.push(`bridge ${bridgeOf(n)} of ${n.Name} has ${JSON.stringify(on)}, not exactly ${gw}`)
  }
  return out
}

/** Disagreements about sandboxes: netns per container, their addresses and default routes, IP uniqueness. */
const sandboxes = (w: World, seen: Seen): string[] => {
  const out: string[] = []
  const netns = sh(['ip', 'netns', 'list']).stdout.split('\n').map(l => l.split(' ')[0] ?? '').filter(n => n.startsWith(w.prefix))
  if (differ(netns, seen.containers.map(netnsOf))) {
    out.push(`netns ${JSON.stringify(sorted(netns))} ≠ containers ${JSON.stringify(sorted(seen.containers.map(netnsOf)))}`)
  }
  const ips = seen.containers.flatMap(c => endpointsOf(c).map(([, e]) => String(e.IPAddress)))
  if (dups(ips).length > 0) out.push(`IPs handed out twice: ${dups(ips).join(', ')}`)
  const hostPorts = seen.containers.flatMap(c => Object.entries(c.NetworkSettings.Ports as Record<string, any[]>).flatMap(([k, bs]) => bs.map(b => `${k.split('/')[1]}/${b.HostPort}`)))
  if (dups(hostPorts).length > 0) out.push(`host ports published twice: ${dups(hostPorts).join(', ')}`)
  for (const c of seen.containers) {
    const ns = netnsOf(c)
    if (!netns.includes(ns)) continue
    for (const [name, e] of endpointsOf(c)) {
      const n = seen.networks.find(x => x.Name === name)
      if (!n || !inSubnet(e.IPAddress, n.IPAM.Config[0].Subnet) || e.IPAddress === n.IPAM.Config[0].Gateway) {
        out.push(`${c.Name}: ${e.IPAddress} is not an address of network ${name}`)
      }
    }
    const addrs = w.ipJson<{ ifname: string; addr_info: { family: string; local: string; prefixlen: number }[] }[]>(ns, ['addr'])
    const have = addrs.filter(a => a.ifname !== 'lo').flatMap(a => a.addr_info.filter(i => i.family === 'inet').map(i => `${i.local}/${i.prefixlen}`))
    const want = endpointsOf(c).map(([, e]) => `${e.IPAddress}/${e.IPPrefixLen}`)
    if (differ(have, want)) out.push(`${c.Name}: interfaces have ${JSON.stringify(sorted(have))}, inspect shows ${JSON.stringify(sorted(want))}`)
    const pids = sh(['ip', 'netns', 'pids', ns]).stdout.split('\n').filter(Boolean).map(Number)
    if (c.State.Running ? !pids.includes(c.State.Pid) : pids.length > 0) {
      out.push(`${c.Name}: state ${c.State.Status} (pid ${c.State.Pid}), processes in its netns: ${JSON.stringify(pids)}`)
    }
    const routes = w.ipJson<{ gateway?: string }[]>(ns, ['route', 'show', 'default']).map(r => r.gateway ?? '')
    const carrier = carrierOf(c, seen.networks)
    const wantRoute = carrier ? [String(carrier[1].Gateway)] : []
    if (differ(routes, wantRoute)) out.push(`${c.Name}: default routes via ${JSON.stringify(routes)}, expected ${JSON.stringify(wantRoute)}`)
  }
  return out
}

/** Host ports berth holds: every published port bound in the host netns, and no other port. */
const boundPorts = (w: World, seen: Seen): string[] => {
  const listening = (flag: string, proto: string) =>
    sh(['ip', 'netns', 'exec', w.host, 'ss', '-Hn', flag]).stdout.split('\n').filter(Boolean).map(l => `${proto}/${l.trim().split(/\s+/)[3]?.split(':').pop()}`)
  const bound = [...listening('-ltn', 'tcp'), ...listening('-lun', 'udp')]
  const published = seen.containers.flatMap(c => Object.entries(c.NetworkSettings.Ports as Record<string, any[]>).flatMap(([k, bs]) => bs.map(b => `${k.split('/')[1]}/${b.HostPort}`)))
  return differ(new Set(bound), new Set(published)) ? [`bound host ports ${JSON.stringify(sorted(new Set(bound)))} ≠ published ${JSON.stringify(sorted(new Set(published)))}`] : []
}

/** Real traffic: every container reaches its gateways and every container on the same network (one shell per container). */
const reachability = async (w: World, seen: Seen): Promise<string[]> => {
  const results = await Promise.all(
    seen.containers.map(async c => {
      const targets = endpointsOf(c).flatMap(([name, e]) => [
        { what: `gateway of ${name}`, ip: String(e.Gateway) },
        ...seen.containers
          .filter(o => o !== c && o.NetworkSettings.Networks[name])
          .map(o => ({ what: `${o.Name} on ${name}`, ip: String(o.NetworkSettings.Networks[name].IPAddress) })),
      ])
      // Two tries each: a loaded machine can miss one 1 s window.
      const script = 'for ip in "$@"; do (ping -c1 -W1 $ip || ping -c1 -W1 $ip) >/dev/null 2>&1 && echo $ip & done; wait'
      const r = await run(['ip', 'netns', 'exec', netnsOf(c), 'sh', '-c', script, 'ping', ...targets.map(t => t.ip)])
      const reached = new Set(r.stdout.split('\n'))
      return targets.filter(t => !reached.has(t.ip)).map(t => `${c.Name} does not reach ${t.what} (${t.ip})`)
    }),
  )
  return results.flat()
}

/** Everything that disagrees between berth's API and the world's kernel (empty: they agree). */
export const disagreements = async (w: World, api: Api, opts: { ping?: boolean } = {}): Promise<string[]> => {
  const seen = await observeBerth(api)
  const names = seen.containers.map(c => String(c.Name))
  const out = [
    ...(dups(names).length > 0 ? [`container names twice: ${dups(names).join(', ')}`] : []),
    ...(dups(seen.networks.map(n => String(n.Name))).length > 0 ? ['network names twice'] : []),
    ...sandboxes(w, seen),
    ...hostLinks(w, seen),
    ...firewall(w, seen),
    ...boundPorts(w, seen),
  ]
  if (opts.ping !== false) out.push(...(await reachability(w, seen)))
  return out
}
