import tap from 'tap'
import { type FirewallPort, portElementCommands, renderPorts } from '../../../src/firewall/ports.js'
import type { NftCommand } from '../../../src/kernel/nft.js'

const T = { family: 'inet', name: 'berth' } as const
const WEB: FirewallPort = { proto: 'tcp', hostIp: '0.0.0.0', hostPort: 8080, containerIp: '172.17.0.2', containerPort: 80 }
const DNS: FirewallPort = { proto: 'udp', hostIp: '0.0.0.0', hostPort: 5353, containerIp: '172.18.0.3', containerPort: 53 }
const LOCAL: FirewallPort = { proto: 'tcp', hostIp: '127.0.0.1', hostPort: 8081, containerIp: '172.17.0.2', containerPort: 81 }

const ANY_TYPE = ['inet_proto', 'inet_service']
const IP_TYPE = ['ipv4_addr', 'inet_proto', 'inet_service']
const map = (name: string, type: string[], data: string, elem?: unknown[]) => ({
  add: { map: { family: 'inet', table: 'berth', name, type, map: data, ...(elem ? { elem } : {}) } },
})
const local = { match: { op: '==', left: { fib: { result: 'type', flags: ['daddr'] } }, right: 'local' } }
const tcpOrUdp = { match: { op: '==', left: { meta: { key: 'l4proto' } }, right: { set: ['tcp', 'udp'] } } }
const daddr = { payload: { protocol: 'ip', field: 'daddr' } }
const l4proto = { meta: { key: 'l4proto' } }
const dport = { payload: { protocol: 'th', field: 'dport' } }
const dnat = (key: unknown, addrMap: string, portMap: string) => ({
  dnat: { family: 'ip', addr: { map: { key, data: `@${addrMap}` } }, port: { map: { key, data: `@${portMap}` } } },
})
const rule = (chain: string, comment: string, expr: unknown[]) => ({
  add: { rule: { family: 'inet', table: 'berth', chain, comment, expr } },
})

tap.test('renderPorts: four maps holding the ports, and the chains that use them', async t => {
  t.strictSame(renderPorts(T, [WEB, LOCAL, DNS]), [
    map('pub_any_addr', ANY_TYPE, 'ipv4_addr', [
      [{ concat: ['tcp', 8080] }, '172.17.0.2'],
      [{ concat: ['udp', 5353] }, '172.18.0.3'],
    ]),
    map('pub_any_port', ANY_TYPE, 'inet_service', [
      [{ concat: ['tcp', 8080] }, 80],
      [{ concat: ['udp', 5353] }, 53],
    ]),
    map('pub_ip_addr', IP_TYPE, 'ipv4_addr', [[{ concat: ['127.0.0.1', 'tcp', 8081] }, '172.17.0.2']]),
    map('pub_ip_port', IP_TYPE, 'inet_service', [[{ concat: ['127.0.0.1', 'tcp', 8081] }, 81]]),
    { add: { chain: { family: 'inet', table: 'berth', name: 'nat_prerouting', type: 'nat', hook: 'prerouting', prio: -100, policy: 'accept' } } },
    { add: { chain: { family: 'inet', table: 'berth', name: 'nat_output', type: 'nat', hook: 'output', prio: -100, policy: 'accept' } } },
    { add: { chain: { family: 'inet', table: 'berth', name: 'published' } } },
    rule('nat_prerouting', 'to a host address: published ports', [local, { counter: null }, { jump: { target: 'published' } }]),
    rule('nat_output', 'from the host to its own addresses (127.0.0.1 too): published ports', [
      local,
      { counter: null },
      { jump: { target: 'published' } },
    ]),
    rule('published', 'ports published on one host address', [
      tcpOrUdp,
      { counter: null },
      dnat({ concat: [daddr, l4proto, dport] }, 'pub_ip_addr', 'pub_ip_port'),
    ]),
    rule('published', 'ports published on every host address', [tcpOrUdp, { counter: null }, dnat({ concat: [l4proto, dport] }, 'pub_any_addr', 'pub_any_port')]),
  ])
})

tap.test('renderPorts without ports: the same maps and chains, maps without elem (nft refuses elem: [])', async t => {
  const none = renderPorts(T, [])
  const full = renderPorts(T, [WEB, LOCAL])
  t.equal(none.length, 11)
  t.strictSame(none.slice(0, 4), [
    map('pub_any_addr', ANY_TYPE, 'ipv4_addr'),
    map('pub_any_port', ANY_TYPE, 'inet_service'),
    map('pub_ip_addr', IP_TYPE, 'ipv4_addr'),
    map('pub_ip_port', IP_TYPE, 'inet_service'),
  ])
  t.strictSame(none.slice(4), full.slice(4), 'publishing adds elements, never chains or rules')
  t.strictSame(renderPorts(T, [WEB]).slice(2, 4), none.slice(2, 4), 'only 0.0.0.0 ports: the one-address maps stay empty')
  t.strictSame(renderPorts(T, [LOCAL]).slice(0, 2), none.slice(0, 2), 'only one-address ports: the any maps stay empty')
})

tap.test('renderPorts: one-address ports are looked up before 0.0.0.0 ones', async t => {
  const rules = renderPorts(T, []).flatMap(c => {
    const r = (c.add as { rule?: { chain: string; expr: Record<string, unknown>[] } }).rule
    return r?.chain === 'published' ? [r] : []
  })
  t.strictSame(
    rules.map(r => JSON.stringify(r.expr.at(-1)).match(/@pub_\w+_addr/)?.[0]),
    ['@pub_ip_addr', '@pub_any_addr'],
  )
})

tap.test('renderPorts: another table', async t => {
  const other = renderPorts({ family: 'ip', name: 'bt-x' }, [LOCAL])
  t.ok(other.every(c => JSON.stringify(c).includes('"table":"bt-x"') && !JSON.stringify(c).includes('"table":"berth"')))
  t.match(other[2], { add: { map: { family: 'ip', table: 'bt-x', name: 'pub_ip_addr' } } })
})

tap.test('portElementCommands: add and delete exactly the elements of the ports', async t => {
  const elem = (verb: 'add' | 'delete', name: string, e: unknown[]): NftCommand => ({
    [verb]: { element: { family: 'inet', table: 'berth', name, elem: e } },
  })
  for (const verb of ['add', 'delete'] as const) {
    t.strictSame(
      portElementCommands(T, verb, [WEB, LOCAL, DNS]),
      [
        elem(verb, 'pub_any_addr', [
          [{ concat: ['tcp', 8080] }, '172.17.0.2'],
          [{ concat: ['udp', 5353] }, '172.18.0.3'],
        ]),
        elem(verb, 'pub_any_port', [
          [{ concat: ['tcp', 8080] }, 80],
          [{ concat: ['udp', 5353] }, 53],
        ]),
        elem(verb, 'pub_ip_addr', [[{ concat: ['127.0.0.1', 'tcp', 8081] }, '172.17.0.2']]),
        elem(verb, 'pub_ip_port', [[{ concat: ['127.0.0.1', 'tcp', 8081] }, 81]]),
      ],
      verb,
    )
  }
})

tap.test('portElementCommands: maps without elements are left out', async t => {
  const names = (cmds: NftCommand[]) => cmds.map(c => (Object.values(c)[0] as { element: { name: string } }).element.name)
  t.strictSame(names(portElementCommands(T, 'add', [WEB])), ['pub_any_addr', 'pub_any_port'])
  t.strictSame(names(portElementCommands(T, 'delete', [LOCAL])), ['pub_ip_addr', 'pub_ip_port'])
  t.strictSame(portElementCommands(T, 'add', []), [], 'nothing at all: no command (nft refuses an empty element list)')
})

tap.test('map elements match the keys the dnat rules look up', async t => {
  // pub_any: l4proto . th dport; pub_ip: ip daddr . l4proto . th dport
  const cmds = renderPorts(T, [WEB, LOCAL])
  const elems = (name: string) => (cmds.find(c => (c.add as { map?: { name: string } }).map?.name === name)?.add as { map: { elem: [{ concat: unknown[] }, unknown][] } }).map.elem
  t.equal(elems('pub_any_addr')[0]?.[0].concat.length, 2)
  t.equal(elems('pub_ip_addr')[0]?.[0].concat.length, 3)
  t.strictSame(elems('pub_ip_port')[0]?.[0].concat, [LOCAL.hostIp, LOCAL.proto, LOCAL.hostPort])
})
