/**
 * Published ports in nftables, pure. All port data lives in four maps, so
 * publishing a port adds map elements — never a chain or a rule — and
 * touches nothing of other containers (issue 3, "rules scale"):
 *
 *   pub_any_addr / pub_any_port   l4proto . port        → container address / port
 *   pub_ip_addr  / pub_ip_port    host ip . l4proto . port → container address / port
 *
 * (two maps per key, because nft 1.0.6's JSON cannot declare concatenated
 * map data). Traffic to one of the host's own addresses (`fib daddr type
 * local`) is DNAT'ed in nat prerouting (from outside and from containers)
 * and nat output (from the host itself, 127.0.0.1 included); ports bound to
 * one host address are looked up first.
 */
import type { NftCommand } from '../kernel/nft.js'
import {
  type Expr,
  type TableRef,
  addBaseChain,
  addChain,
  addMap,
  dnatByMaps,
  ipDaddrExpr,
  jump,
  l4protoExpr,
  mapElements,
  rule,
  tcpOrUdp,
  thDportExpr,
  toLocalAddress,
} from './nft-json.js'

/** A published port as the firewall needs it. */
export interface FirewallPort {
  readonly proto: 'tcp' | 'udp'
  /** `0.0.0.0` = every host address. */
  readonly hostIp: string
  readonly hostPort: number
  readonly containerIp: string
  readonly containerPort: number
}

const ANY = '0.0.0.0'
const ANY_ADDR = 'pub_any_addr'
const ANY_PORT = 'pub_any_port'
const IP_ADDR = 'pub_ip_addr'
const IP_PORT = 'pub_ip_port'
const PUBLISHED = 'published'

const anyKey = (p: FirewallPort) => ({ concat: [p.proto, p.hostPort] })
const ipKey = (p: FirewallPort) => ({ concat: [p.hostIp, p.proto, p.hostPort] })

/** The elements of each map for `ports`. */
const elementsByMap = (ports: readonly FirewallPort[]): [string, (readonly [unknown, unknown])[]][] => {
  const any = ports.filter(p => p.hostIp === ANY)
  const one = ports.filter(p => p.hostIp !== ANY)
  return [
    [ANY_ADDR, any.map(p => [anyKey(p), p.containerIp] as const)],
    [ANY_PORT, any.map(p => [anyKey(p), p.containerPort] as const)],
    [IP_ADDR, one.map(p => [ipKey(p), p.containerIp] as const)],
    [IP_PORT, one.map(p => [ipKey(p), p.containerPort] as const)],
  ]
}

/** The maps (with `ports` as elements) and the chains that use them. */
export const renderPorts = (t: TableRef, ports: readonly FirewallPort[]): NftCommand[] => {
  const anyType = ['inet_proto', 'inet_service']
  const ipType = ['ipv4_addr', 'inet_proto', 'inet_service']
  const maps = elementsByMap(ports).map(([name, elems]) =>
    addMap(t, name, name.startsWith('pub_any') ? anyType : ipType, name.endsWith('addr') ? 'ipv4_addr' : 'inet_service', elems),
  )
  const oneKey: Expr[] = [ipDaddrExpr, l4protoExpr, thDportExpr]
  const anyKeyExpr: Expr[] = [l4protoExpr, thDportExpr]
  return [
    ...maps,
    addBaseChain(t, 'nat_prerouting', 'nat', 'prerouting', -100),
    addBaseChain(t, 'nat_output', 'nat', 'output', -100),
    addChain(t, PUBLISHED),
    rule(t, 'nat_prerouting', 'to a host address: published ports', [toLocalAddress], jump(PUBLISHED)),
    rule(t, 'nat_output', 'from the host to its own addresses (127.0.0.1 too): published ports', [toLocalAddress], jump(PUBLISHED)),
    rule(t, PUBLISHED, 'ports published on one host address', [tcpOrUdp], dnatByMaps(oneKey, IP_ADDR, IP_PORT)),
    rule(t, PUBLISHED, 'ports published on every host address', [tcpOrUdp], dnatByMaps(anyKeyExpr, ANY_ADDR, ANY_PORT)),
  ]
}

/** Adds (or deletes) the elements of `ports`: one container's publish/unpublish. */
export const portElementCommands = (t: TableRef, verb: 'add' | 'delete', ports: readonly FirewallPort[]): NftCommand[] =>
  elementsByMap(ports)
    .filter(([, elems]) => elems.length > 0)
    .map(([name, elems]) => mapElements(verb, t, name, elems))
