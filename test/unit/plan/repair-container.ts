/**
 * planContainerRepair: re-creates what is gone and always re-asserts the
 * idempotent rest (addresses, links up, the default route, the /etc files).
 */
import tap from 'tap'
import { planEndpointCreate, planEndpointRefresh, planEndpointRemove } from '../../../src/drivers/bridge/plan-endpoint.js'
import type { Container, Endpoint, Network } from '../../../src/model/types.js'
import type { Op } from '../../../src/plan/ops.js'
import { planContainerRepair } from '../../../src/plan/repair.js'
import { planSandboxCreate } from '../../../src/plan/sandbox.js'
import { CUS, DEF, EP0, EP1, FILES, NETS, WEB, healthy } from './fixtures/repair-world.js'

/** What is replayed when the pair is there. */
const replay = (n: Network, c: Container, ep: Endpoint, route: boolean): Op[] => planEndpointRefresh(n, c, ep, route)
const FILES_WRITE: Op = { kind: 'files.write', netns: 'berth-web', files: FILES }

tap.test('the replay re-asserts both ends and the addressing, never the veth', async t => {
  t.strictSame(
    replay(DEF, WEB, EP0, true).map(op => op.kind),
    ['link.up', 'link.hairpin', 'link.up', 'addr.add', 'route.add'],
  )
  t.strictSame(
    replay(CUS, WEB, EP1, false).map(op => op.kind),
    ['link.up', 'link.hairpin', 'link.up', 'addr.add'],
  )
})

tap.test('healthy: the /etc files and every endpoint’s addresses, links and route are re-asserted', async t => {
  const ops = planContainerRepair(WEB, NETS, FILES, healthy())
  t.strictSame(ops, [FILES_WRITE, ...replay(DEF, WEB, EP0, true), ...replay(CUS, WEB, EP1, false)])
  t.notOk(ops.some(op => op.kind === 'link.veth' || op.kind === 'netns.create' || op.kind === 'link.delete'), 'nothing is re-created or deleted')
  t.strictSame(
    ops.filter(op => op.kind === 'route.add'),
    [{ kind: 'route.add', netns: 'berth-web', dst: '0.0.0.0', prefix: 0, gateway: '172.17.0.1', dev: 'eth0' }],
    'one default route, through the first endpoint',
  )
  t.strictSame(
    ops.filter(op => op.kind === 'addr.add').map(op => op.kind === 'addr.add' && `${op.dev} ${op.ip}/${op.prefix}`),
    ['eth0 172.17.0.2/16', 'eth1 172.18.0.2/16'],
  )
})

tap.test('healthy: the route goes through the network whose name sorts first (Docker), whatever the order of endpoints', async t => {
  const c: Container = { ...WEB, endpoints: [EP1, EP0] }
  const ops = planContainerRepair(c, NETS, FILES, healthy())
  t.strictSame(ops, [FILES_WRITE, ...replay(CUS, c, EP1, false), ...replay(DEF, c, EP0, true)])
  t.match(ops.find(op => op.kind === 'route.add'), { gateway: '172.17.0.1', dev: 'eth0' }, '"bridge" sorts before "custombridge"')
  const internalFirst = new Map(NETS).set(DEF.id, { ...DEF, internal: true })
  t.match(planContainerRepair(c, internalFirst, FILES, healthy()).find(op => op.kind === 'route.add'), { gateway: '172.18.0.1', dev: 'eth1' },
    'internal networks come last')
})

tap.test('healthy without endpoints: only the /etc files', async t => {
  t.strictSame(planContainerRepair({ ...WEB, endpoints: [] }, NETS, FILES, healthy()), [FILES_WRITE])
})

tap.test('a missing host veth: its peer is deleted in the netns and the endpoint re-created', async t => {
  const o = healthy()
  o.hostLinks.delete(EP1.hostIfname)
  t.strictSame(planContainerRepair(WEB, NETS, FILES, o), [
    FILES_WRITE,
    ...replay(DEF, WEB, EP0, true),
    { kind: 'link.delete', netns: 'berth-web', name: 'eth1' },
    ...planEndpointCreate(CUS, WEB, EP1, false),
  ])

  const o0 = healthy()
  o0.hostLinks.delete(EP0.hostIfname)
  const ops = planContainerRepair(WEB, NETS, FILES, o0)
  t.strictSame(ops, [
    FILES_WRITE,
    { kind: 'link.delete', netns: 'berth-web', name: 'eth0' },
    ...planEndpointCreate(DEF, WEB, EP0, true),
    ...replay(CUS, WEB, EP1, false),
  ])
  t.equal(ops.filter(op => op.kind === 'link.veth').length, 1, 'only the missing pair is created')
  t.equal(ops.filter(op => op.kind === 'route.add').length, 1, 'the first endpoint gets its default route back')
})

tap.test('a host veth without or with another alias counts as missing', async t => {
  for (const alias of [undefined, 'berth:someone-else', `berth:${EP0.id}`]) {
    const o = healthy()
    o.hostLinks.set(EP1.hostIfname, alias)
    t.strictSame(
      planContainerRepair(WEB, NETS, FILES, o),
      [FILES_WRITE, ...replay(DEF, WEB, EP0, true), { kind: 'link.delete', netns: 'berth-web', name: 'eth1' }, ...planEndpointCreate(CUS, WEB, EP1, false)],
      String(alias),
    )
  }
})

/** The sandbox and every pair again; an observed host end goes first (a process may keep the deleted netns, and the old pair, alive). */
const remade = (withOldPairs: boolean, eps: [Network, Endpoint, boolean][]) => [
  ...planSandboxCreate(WEB, FILES),
  ...eps.flatMap(([n, ep, route]) => [...(withOldPairs ? planEndpointRemove(ep) : []), ...planEndpointCreate(n, WEB, ep, route)]),
]
const BOTH: [Network, Endpoint, boolean][] = [[DEF, EP0, true], [CUS, EP1, false]]

tap.test('a missing netns re-creates the sandbox and every endpoint', async t => {
  const o = healthy()
  o.netns.delete('berth-web')
  const ops = planContainerRepair(WEB, NETS, FILES, o)
  t.strictSame(ops, remade(true, BOTH))
  t.equal(ops[0]?.kind, 'netns.create')
  t.equal(ops.filter(op => op.kind === 'link.veth').length, 2, 'both pairs, though their host ends were observed')
  t.strictSame(
    ops.filter(op => op.kind === 'link.delete'),
    [EP0, EP1].map(ep => ({ kind: 'link.delete', name: ep.hostIfname, alias: `berth:${ep.id}` })),
    'the old pairs go first, by their host ends, only when they carry the endpoint’s mark',
  )
  const gone = healthy()
  gone.netns.delete('berth-web')
  for (const ep of [EP0, EP1]) gone.hostLinks.delete(ep.hostIfname)
  t.strictSame(planContainerRepair(WEB, NETS, FILES, gone), remade(false, BOTH), 'no old pair: nothing to delete')
  t.equal(ops.filter(op => op.kind === 'files.write').length, 1, 'the files once, from the sandbox plan')
})

tap.test('a netns of the right name that is not this container’s is re-created', async t => {
  for (const alias of ['berth:an-older-container', undefined, 'someone', `berth:${EP0.id}`]) {
    const o = healthy()
    o.netns.set('berth-web', alias)
    t.strictSame(planContainerRepair(WEB, NETS, FILES, o), remade(true, BOTH), String(alias))
  }
})

tap.test('endpoints on unknown networks are skipped', async t => {
  const only = new Map([[DEF.id, DEF]])
  const gone = healthy()
  gone.netns.delete('berth-web')
  t.strictSame(planContainerRepair(WEB, only, FILES, gone), remade(true, [[DEF, EP0, true]]))
  t.strictSame(planContainerRepair(WEB, only, FILES, healthy()), [FILES_WRITE, ...replay(DEF, WEB, EP0, true)], 'also when re-asserting')
  const noVeth = healthy()
  noVeth.hostLinks.delete(EP1.hostIfname)
  t.strictSame(planContainerRepair(WEB, only, FILES, noVeth), [FILES_WRITE, ...replay(DEF, WEB, EP0, true)], 'no peer delete for it either')
})

tap.test('the files given are the files written', async t => {
  const files = { hosts: '127.0.0.1 localhost\n', 'resolv.conf': 'nameserver 9.9.9.9\n', hostname: 'other\n' }
  t.strictSame(planContainerRepair(WEB, NETS, files, healthy())[0], { kind: 'files.write', netns: 'berth-web', files })
  const gone = healthy()
  gone.netns.delete('berth-web')
  t.match(planContainerRepair(WEB, NETS, files, gone).find(op => op.kind === 'files.write'), { files })
})
