/**
 * The default-route rule (Docker's: among the live endpoints, the
 * non-internal network whose name sorts first, internal ones last) and the
 * ops that move the route on connect and disconnect.
 */
import tap from 'tap'
import { planEndpointCreate } from '../../../src/drivers/bridge/plan-endpoint.js'
import type { Container, Endpoint, Lifecycle, Network } from '../../../src/model/types.js'
import { type Op, inverse } from '../../../src/plan/ops.js'
import { type NetworkLookup, defaultRoute, planRouteChange, routeCarrier } from '../../../src/plan/route.js'
import { container, endpoint, network } from './fixtures/repair-world.js'

const nw = (name: string, third: number, internal = false): Network => ({
  ...network(`${name}-id`, name, `br-${name}`, `10.${third}.0.0/24`, `10.${third}.0.1`),
  internal,
})
const ALPHA = nw('alpha', 1)
const BRAVO = nw('bravo', 2)
const ZULU = nw('zulu', 3)
const IN_A = nw('aaa-internal', 4, true)
const IN_B = nw('bbb-internal', 5, true)
const UPPER = nw('Zeta', 6)
const KNOWN = [ALPHA, BRAVO, ZULU, IN_A, IN_B, UPPER]
const lookup: NetworkLookup = id => KNOWN.find(n => n.id === id)

let nextIf = 0
const on = (n: Network, status: Lifecycle = 'ready'): Endpoint => endpoint(`ep-${n.name}`, n, `eth${nextIf++}`, n.gateway.replace(/1$/, '2'), status)
const EA = on(ALPHA)
const EB = on(BRAVO)
const EZ = on(ZULU)
const EIA = on(IN_A)
const EIB = on(IN_B)
const EU = on(UPPER)
const ctr = (...endpoints: Endpoint[]): Container => container('c0ffee0000000000', 'web', endpoints)
const carrierOf = (...endpoints: Endpoint[]) => routeCarrier(lookup, ctr(...endpoints))?.id
const removing = (e: Endpoint): Endpoint => ({ ...e, status: 'removing' })

tap.test('routeCarrier: the network whose name sorts first, whatever the endpoint order', async t => {
  t.equal(carrierOf(EA), EA.id, 'a single endpoint')
  t.equal(carrierOf(EA, EB, EZ), EA.id)
  t.equal(carrierOf(EZ, EB, EA), EA.id)
  t.equal(carrierOf(EZ, EB), EB.id)
  t.equal(carrierOf(EB, EZ), EB.id)
  const c = ctr(EZ, EA)
  t.equal(routeCarrier(lookup, c), EA, 'the endpoint itself')
  t.strictSame(c.endpoints.map(e => e.id), [EZ.id, EA.id], 'the container’s endpoints are not reordered')
})

tap.test('routeCarrier: names compare as bytes (Go’s sort), not as words or numbers', async t => {
  t.equal(carrierOf(EA, EU), EU.id, '"Zeta" sorts before "alpha": upper case first')
  const ep = (name: string) => endpoint(`ep-${name}`, nw(name, 9), 'eth9', '10.9.0.2')
  const pick = (...names: string[]) => {
    const eps = names.map(ep)
    const nets = names.map(n => nw(n, 9))
    return routeCarrier(id => nets.find(n => n.id === id), ctr(...eps))?.id
  }
  t.equal(pick('net10', 'net2'), 'ep-net10', 'net10 before net2')
  t.equal(pick('net1', 'net'), 'ep-net', 'a prefix first')
  t.equal(pick('a_b', 'a.b', 'a-b'), 'ep-a-b', '- before . before _')
  t.equal(pick('a.b', 'a_b'), 'ep-a.b')
  t.equal(pick('b1', 'b0'), 'ep-b0')
})

tap.test('routeCarrier: internal networks come last, and sort among themselves', async t => {
  t.equal(carrierOf(EIA, EZ), EZ.id, 'aaa-internal sorts first but is internal')
  t.equal(carrierOf(EZ, EIA), EZ.id)
  t.equal(carrierOf(EIB, EIA), EIA.id, 'only internal networks: the first by name')
  t.equal(carrierOf(EIA, EIB), EIA.id)
  t.equal(carrierOf(EIB), EIB.id, 'an internal-only container still has a carrier')
  t.equal(carrierOf(EIB, EIA, EZ, EB), EB.id)
})

tap.test('routeCarrier: endpoints being removed and unknown networks do not count', async t => {
  t.equal(carrierOf(removing(EA), EB), EB.id)
  t.equal(carrierOf(EB, removing(EA)), EB.id)
  t.equal(carrierOf(removing(EA)), undefined, 'only one being removed')
  t.equal(carrierOf({ ...EA, status: 'creating' }, EB), EA.id, 'one being created counts')
  const ghost = endpoint('ep-ghost', nw('aardvark', 8), 'eth8', '10.8.0.2')
  t.equal(carrierOf(ghost, EB), EB.id, 'a network the lookup does not know, even sorting first')
  t.equal(carrierOf(ghost), undefined, 'only unknown networks')
  t.equal(carrierOf(), undefined, 'no endpoints')
  t.equal(carrierOf(removing(EIA), EIB), EIB.id)
})

tap.test('routeCarrier: a tie keeps endpoint order', async t => {
  // Two endpoints of one network cannot happen in berth's state; two lookups answering one name can.
  const twin = { ...EA, id: 'ep-alpha-2', ifname: 'eth42' }
  t.equal(carrierOf(EA, twin), EA.id)
  t.equal(carrierOf(twin, EA), twin.id)
  const sameName = { ...BRAVO, id: 'other-alpha-id', name: 'alpha' }
  const epSame = endpoint('ep-same', sameName, 'eth7', '10.2.0.7')
  const both = (eps: Endpoint[]) => routeCarrier(id => [ALPHA, sameName].find(n => n.id === id), ctr(...eps))?.id
  t.equal(both([epSame, EA]), 'ep-same')
  t.equal(both([EA, epSame]), EA.id)
})

tap.test('defaultRoute: 0.0.0.0/0 via the network’s gateway on the endpoint’s interface, in the container netns', async t => {
  const c = ctr(EB)
  t.strictSame(defaultRoute('route.add', c, EB, BRAVO), { kind: 'route.add', netns: 'berth-web', dst: '0.0.0.0', prefix: 0, gateway: '10.2.0.1', dev: EB.ifname })
  t.strictSame(defaultRoute('route.delete', c, EB, BRAVO), { ...defaultRoute('route.add', c, EB, BRAVO), kind: 'route.delete' })
  t.strictSame(
    defaultRoute('route.add', c, EB, BRAVO),
    planEndpointCreate(BRAVO, c, EB, true).find(op => op.kind === 'route.add'),
    'the same route an endpoint created as carrier gets',
  )
})

const add = (e: Endpoint, n: Network): Op => defaultRoute('route.add', ctr(), e, n)
const del = (e: Endpoint, n: Network): Op => defaultRoute('route.delete', ctr(), e, n)
const change = (before: Endpoint[], after: Endpoint[]) => planRouteChange(lookup, ctr(...before), ctr(...after))

tap.test('planRouteChange: nothing when the carrier stays', async t => {
  t.strictSame(change([EB], [EB, EZ]), [], 'connecting a network that sorts later')
  t.strictSame(change([EB], [EB, EIA]), [], 'connecting an internal network')
  t.strictSame(change([EB, EZ], [EB, removing(EZ)]), [], 'disconnecting another network')
  t.strictSame(change([EB], [EB]), [])
  t.strictSame(change([], []), [])
  t.strictSame(change([EA], [removing(EA)]), [], 'the last one leaving takes its route with its interface')
  t.strictSame(change([EA], []), [])
  t.strictSame(change([{ ...EB, status: 'creating' }], [{ ...EB, status: 'ready' }, EZ]), [], 'the same endpoint, another record of it')
})

tap.test('planRouteChange: a network that sorts first takes the route: delete the old one, then add', async t => {
  t.strictSame(change([EZ], [EZ, EA]), [del(EZ, ZULU), add(EA, ALPHA)])
  t.strictSame(change([EIA], [EIA, EZ]), [del(EIA, IN_A), add(EZ, ZULU)], 'from an internal network to a normal one')
  t.strictSame(change([EIB], [EIB, EIA]), [del(EIB, IN_B), add(EIA, IN_A)], 'between internal networks')
  t.strictSame(change([], [EB]), [add(EB, BRAVO)], 'a first endpoint')
  t.strictSame(change([removing(EA)], [EB]), [add(EB, BRAVO)])
})

tap.test('planRouteChange: disconnecting the carrier moves the route to the next one, no delete', async t => {
  t.strictSame(change([EA, EB, EZ], [removing(EA), EB, EZ]), [add(EB, BRAVO)], 'still listed, being removed')
  t.strictSame(change([EA, EB], [EB]), [add(EB, BRAVO)], 'gone from the record')
  t.strictSame(change([EZ, EIA], [removing(EZ), EIA]), [add(EIA, IN_A)], 'to an internal network when nothing else is left')
})

tap.test('planRouteChange: ops are in the after container’s netns', async t => {
  const ops = planRouteChange(lookup, ctr(EZ), { ...ctr(EZ, EA), netns: 'berth-other' })
  t.strictSame(ops.map(o => ('netns' in o ? o.netns : undefined)), ['berth-other', 'berth-other'])
})

/** Default routes of one netns as `gateway dev`, after applying route ops (the kernel refuses a second default route). */
const applyRoutes = (start: string[], ops: readonly Op[]): string[] => {
  const routes = [...start]
  for (const op of ops) {
    if (op.kind !== 'route.add' && op.kind !== 'route.delete') throw new Error(`not a route op: ${op.kind}`)
    const key = `${op.gateway} ${op.dev}`
    if (op.kind === 'route.add') {
      if (routes.length > 0) throw new Error(`EEXIST: ${key} while ${routes.join()}`)
      routes.push(key)
    } else {
      if (!routes.includes(key)) throw new Error(`ESRCH: ${key}`)
      routes.splice(routes.indexOf(key), 1)
    }
  }
  return routes
}
const routesOf = (eps: Endpoint[]) => {
  const c = ctr(...eps)
  const carrier = routeCarrier(lookup, c)
  const n = carrier && lookup(carrier.networkId)
  return carrier && n ? [`${n.gateway} ${carrier.ifname}`] : []
}

tap.test('planRouteChange: one default route at every step, and undo (inverses in reverse) restores the one before', async t => {
  const pairs: [Endpoint[], Endpoint[]][] = [
    [[EZ], [EZ, EA]],
    [[EIA], [EIA, EZ]],
    [[], [EB]],
    [[EB, EZ], [EB, EZ, EA]],
  ]
  for (const [b, a] of pairs) {
    const what = `${b.map(e => e.id)} → ${a.map(e => e.id)}`
    const ops = change(b, a)
    const end = applyRoutes(routesOf(b), ops)
    t.strictSame(end, routesOf(a), `${what}: reaches the carrier after`)
    const undo = ops.map(op => inverse(op)).reverse()
    t.ok(undo.every(op => op !== undefined), `${what}: every op can be undone`)
    t.strictSame(applyRoutes(end, undo as Op[]), routesOf(b), `${what}: undo reaches the carrier before`)
  }
  // Disconnect: the old route goes with the interface (the kernel does it), the new one is added.
  const ops = change([EA, EB], [removing(EA), EB])
  t.strictSame(applyRoutes([], ops), routesOf([EB]))
})
