/**
 * Repair with macvlan/ipvlan: a child endpoint has no host side to look at,
 * so it is refreshed in the netns (never re-made while the netns lives);
 * a network's own parent (VLAN or dummy) is re-made when gone; crash
 * cleanup and garbage collection handle both.
 */
import tap from 'tap'
import {
  planEndpointCreate as planBridgeEndpointCreate,
  planEndpointRefresh as planBridgeRefresh,
  planEndpointRemove as planBridgeEndpointRemove,
} from '../../../src/drivers/bridge/plan-endpoint.js'
import { planChildEndpointCreate, planChildEndpointRefresh } from '../../../src/drivers/child/plan.js'
import type { State } from '../../../src/model/types.js'
import { type Observed, planContainerRepair, planGarbage, planNetworkRepair, planUnfinished } from '../../../src/plan/repair.js'
import { planSandboxCreate } from '../../../src/plan/sandbox.js'
import { BRIDGE, CTR, DUMMY, EP_BR, EP_IPV, EP_MAC, EP_VLAN, IPV, MACV, NETWORKS, VLAN } from '../drivers/fixtures/child-world.js'

const FILES = { hosts: 'h', 'resolv.conf': 'r', hostname: '9f9f9f9f9f9f\n' }
const FILES_WRITE = { kind: 'files.write', netns: 'berth-edge', files: FILES } as const

/** The kernel when everything of CTR and the networks exists. */
const healthy = () => ({
  netns: new Map<string, string | undefined>([['berth-edge', `berth:${CTR.id}`]]),
  hostLinks: new Map<string, string | undefined>([
    ['eth0', undefined],
    ['eth1', undefined],
    ['eth0.10', `berth:${VLAN.id}`],
    ['dm-c3c3c3c3c3c3', `berth:${DUMMY.id}`],
    ['br-f6f6f6f6f6f6', `berth:${BRIDGE.id}`],
    ['vethededede', `berth:${EP_BR.id}`],
  ]),
})

tap.test('healthy: children are refreshed in the netns; the route stays with the carrier (custombridge sorts first)', async t => {
  t.strictSame(planContainerRepair(CTR, NETWORKS, FILES, healthy()), [
    FILES_WRITE,
    ...planChildEndpointRefresh(MACV, CTR, EP_MAC, false),
    ...planChildEndpointRefresh(VLAN, CTR, EP_VLAN, false),
    ...planChildEndpointRefresh(IPV, CTR, EP_IPV, false),
    ...planBridgeRefresh(BRIDGE, CTR, EP_BR, true),
  ])
})

tap.test('healthy: a child network carrying the route gets it re-asserted through its gateway', async t => {
  const c = { ...CTR, endpoints: [EP_VLAN, EP_MAC] }
  const ops = planContainerRepair(c, NETWORKS, FILES, healthy())
  t.strictSame(ops, [FILES_WRITE, ...planChildEndpointRefresh(VLAN, c, EP_VLAN, false), ...planChildEndpointRefresh(MACV, c, EP_MAC, true)])
  t.strictSame(ops.filter(op => op.kind === 'route.add'), [
    { kind: 'route.add', netns: 'berth-edge', dst: '0.0.0.0', prefix: 0, gateway: '192.168.50.1', dev: 'eth0' },
  ], '"macnet" sorts before "vlannet"')
  t.notOk(ops.some(op => op.kind === 'link.macvlan' || op.kind === 'link.delete'), 'nothing re-made, nothing deleted')
})

tap.test('a child is not judged by host links: none observed, still only refreshed', async t => {
  const o = healthy()
  o.hostLinks.clear()
  const ops = planContainerRepair({ ...CTR, endpoints: [EP_MAC, EP_IPV] }, NETWORKS, FILES, o)
  t.strictSame(ops.map(op => op.kind), ['files.write', 'link.up', 'addr.add', 'link.up', 'addr.add', 'route.add'])
})

tap.test('a missing bridge veth beside children: only the bridge endpoint is re-made', async t => {
  const o = healthy()
  o.hostLinks.delete('vethededede')
  t.strictSame(planContainerRepair(CTR, NETWORKS, FILES, o), [
    FILES_WRITE,
    ...planChildEndpointRefresh(MACV, CTR, EP_MAC, false),
    ...planChildEndpointRefresh(VLAN, CTR, EP_VLAN, false),
    ...planChildEndpointRefresh(IPV, CTR, EP_IPV, false),
    { kind: 'link.delete', netns: 'berth-edge', name: 'eth3' },
    ...planBridgeEndpointCreate(BRIDGE, CTR, EP_BR, true),
  ])
})

tap.test('a missing netns: the sandbox and every child re-made inside it', async t => {
  const o = healthy()
  o.netns.delete('berth-edge')
  const ops = planContainerRepair(CTR, NETWORKS, FILES, o)
  t.strictSame(ops, [
    ...planSandboxCreate(CTR, FILES),
    ...planChildEndpointCreate(MACV, CTR, EP_MAC, false),
    ...planChildEndpointCreate(VLAN, CTR, EP_VLAN, false),
    ...planChildEndpointCreate(IPV, CTR, EP_IPV, false),
    // The bridge endpoint's old pair goes first; children have no host side.
    ...planBridgeEndpointRemove(EP_BR),
    ...planBridgeEndpointCreate(BRIDGE, CTR, EP_BR, true),
  ])
  t.strictSame(
    ops.flatMap(op => (op.kind === 'link.macvlan' || op.kind === 'link.ipvlan' ? [`${op.kind} ${op.parent}`] : [])),
    ['link.macvlan eth0', 'link.macvlan eth0.10', 'link.ipvlan eth1'],
  )
})

tap.test('planNetworkRepair: a parent berth owns that still exists is only brought up', async t => {
  t.strictSame(planNetworkRepair(VLAN, healthy()), [{ kind: 'link.up', dev: 'eth0.10' }])
  t.strictSame(planNetworkRepair(DUMMY, healthy()), [{ kind: 'link.up', dev: 'dm-c3c3c3c3c3c3' }])
})

tap.test('planNetworkRepair: a gone (or foreign) parent berth owns is re-made', async t => {
  const o = healthy()
  o.hostLinks.delete('eth0.10')
  o.hostLinks.set('dm-c3c3c3c3c3c3', 'berth:someone-else')
  t.strictSame(planNetworkRepair(VLAN, o), [
    { kind: 'link.parent', name: 'eth0.10', vlan: { link: 'eth0', id: 10 }, alias: `berth:${VLAN.id}` },
    { kind: 'link.up', dev: 'eth0.10' },
  ])
  t.equal(planNetworkRepair(DUMMY, o)[0]?.kind, 'link.parent', 'the kernel then refuses a foreign one of that name')
})

tap.test('planNetworkRepair: the user’s parent is never made or touched', async t => {
  const o: Observed = { netns: new Map(), hostLinks: new Map() }
  t.strictSame(planNetworkRepair(MACV, o), [], 'eth0 missing: not berth’s to make')
  t.strictSame(planNetworkRepair(IPV, healthy()), [])
})

tap.test('planUnfinished: a child network being created or removed takes only berth’s parent with it', async t => {
  const s: State = {
    networks: [{ ...VLAN, status: 'creating' }, { ...MACV, status: 'removing' }, { ...DUMMY, status: 'removing' }, IPV],
    containers: [],
    poolCursor: 0,
  }
  const r = planUnfinished(s)
  t.strictSame(r.ops, [
    { kind: 'link.delete', name: 'eth0.10', alias: `berth:${VLAN.id}` },
    { kind: 'link.delete', name: 'dm-c3c3c3c3c3c3', alias: `berth:${DUMMY.id}` },
  ])
  t.strictSame(r.state.networks, [IPV])
})

tap.test('planUnfinished: a half-attached child is deleted inside the netns', async t => {
  const c = { ...CTR, endpoints: [{ ...EP_MAC, status: 'creating' as const }, EP_BR, { ...EP_IPV, status: 'removing' as const }] }
  const r = planUnfinished({ networks: [...NETWORKS.values()], containers: [c], poolCursor: 0 })
  t.strictSame(r.ops, [
    { kind: 'link.delete', netns: 'berth-edge', name: 'eth0' },
    { kind: 'link.delete', netns: 'berth-edge', name: 'eth2' },
  ])
  t.strictSame(r.state.containers[0]?.endpoints, [EP_BR])
})

tap.test('planGarbage: berth’s VLAN and dummy parents are kept while their network is known, removed after', async t => {
  const s: State = { networks: [...NETWORKS.values()], containers: [CTR], poolCursor: 0 }
  t.strictSame(planGarbage(s, healthy()), [], 'eth0 and eth1 carry no alias: never looked at')
  const gone: State = { ...s, networks: s.networks.filter(n => n.id !== VLAN.id && n.id !== DUMMY.id) }
  t.strictSame(planGarbage(gone, healthy()), [
    { kind: 'link.delete', name: 'eth0.10', alias: `berth:${VLAN.id}` },
    { kind: 'link.delete', name: 'dm-c3c3c3c3c3c3', alias: `berth:${DUMMY.id}` },
  ])
})
