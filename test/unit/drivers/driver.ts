/**
 * The dispatcher: one set of planner functions, the network's driver picks
 * the bridge planners or the macvlan/ipvlan ones; an endpoint's removal is
 * picked by whether it has a host side.
 */
import tap from 'tap'
import * as bridgeEndpoint from '../../../src/drivers/bridge/plan-endpoint.js'
import * as bridgeNetwork from '../../../src/drivers/bridge/plan-network.js'
import * as child from '../../../src/drivers/child/plan.js'
import {
  hasHostSide,
  planEndpointCreate,
  planEndpointRefresh,
  planEndpointRemove,
  planNetworkCreate,
  planNetworkRemove,
} from '../../../src/drivers/driver.js'
import type { Network } from '../../../src/model/types.js'
import { BRIDGE, CTR, DUMMY, EP_BR, EP_IPV, EP_MAC, EP_VLAN, IPV, MACV, VLAN } from './fixtures/child-world.js'

tap.test('network create: the bridge planner for bridge networks', async t => {
  const ops = planNetworkCreate(BRIDGE)
  t.strictSame(ops, bridgeNetwork.planNetworkCreate(BRIDGE))
  t.strictSame(ops.map(op => op.kind), ['link.bridge', 'sysctl.set', 'sysctl.set', 'addr.add', 'link.up'])
  t.match(ops[3], { kind: 'addr.add', dev: 'br-f6f6f6f6f6f6', ip: '172.18.0.1', prefix: 16 }, 'the gateway on the bridge')
})

tap.test('network create: the child planner for macvlan and ipvlan', async t => {
  for (const n of [MACV, VLAN, DUMMY, IPV]) t.strictSame(planNetworkCreate(n), child.planChildNetworkCreate(n), n.name)
  t.strictSame(planNetworkCreate(VLAN).map(op => op.kind), ['link.parent', 'link.up'])
  t.strictSame(planNetworkCreate(MACV), [], 'the user’s parent: nothing')
  t.notOk(planNetworkCreate(DUMMY).some(op => op.kind === 'addr.add'), 'no gateway address on the host for a child network')
})

tap.test('the driver decides, not the fields the network happens to have', async t => {
  // The same link name planned by each driver: a bridge, or a parent berth owns.
  const asBridge: Network = { ...VLAN, driver: 'bridge' }
  t.equal(planNetworkCreate(asBridge)[0]?.kind, 'link.bridge')
  t.match(planNetworkCreate(asBridge)[0], { name: 'eth0.10' })
  const asChild: Network = { ...BRIDGE, driver: 'macvlan' }
  t.match(planNetworkCreate(asChild), [{ kind: 'link.parent', name: 'br-f6f6f6f6f6f6', vlan: undefined }, { kind: 'link.up' }])
  t.equal(planNetworkCreate({ ...BRIDGE, driver: 'ipvlan' })[0]?.kind, 'link.parent')
})

tap.test('network remove: the bridge is always deleted; a child network only deletes a parent berth made', async t => {
  t.strictSame(planNetworkRemove(BRIDGE), bridgeNetwork.planNetworkRemove(BRIDGE))
  t.strictSame(planNetworkRemove(BRIDGE), [{ kind: 'link.delete', name: 'br-f6f6f6f6f6f6', alias: `berth:${BRIDGE.id}` }])
  t.strictSame(planNetworkRemove(VLAN), [{ kind: 'link.delete', name: 'eth0.10', alias: `berth:${VLAN.id}` }])
  t.strictSame(planNetworkRemove(DUMMY), [{ kind: 'link.delete', name: 'dm-c3c3c3c3c3c3', alias: `berth:${DUMMY.id}` }])
  t.strictSame(planNetworkRemove(MACV), [], 'never the user’s parent')
  t.strictSame(planNetworkRemove(IPV), [])
})

tap.test('endpoint create: a veth pair on a bridge, a child born in the netns otherwise', async t => {
  t.strictSame(planEndpointCreate(BRIDGE, CTR, EP_BR, true), bridgeEndpoint.planEndpointCreate(BRIDGE, CTR, EP_BR, true))
  t.match(planEndpointCreate(BRIDGE, CTR, EP_BR, false)[0], { kind: 'link.veth', host: 'vethededede', peer: 'eth3', bridge: 'br-f6f6f6f6f6f6' })
  t.strictSame(planEndpointCreate(MACV, CTR, EP_MAC, true), child.planChildEndpointCreate(MACV, CTR, EP_MAC, true))
  t.match(planEndpointCreate(MACV, CTR, EP_MAC, false)[0], { kind: 'link.macvlan', parent: 'eth0' })
  t.match(planEndpointCreate(IPV, CTR, EP_IPV, false)[0], { kind: 'link.ipvlan', parent: 'eth1' })
  t.match(planEndpointCreate(VLAN, CTR, EP_VLAN, false)[0], { kind: 'link.macvlan', parent: 'eth0.10' })
})

tap.test('endpoint create: the default-route flag is passed on to each driver', async t => {
  for (const [n, ep] of [[BRIDGE, EP_BR], [MACV, EP_MAC], [IPV, EP_IPV]] as const) {
    const count = (route: boolean) => planEndpointCreate(n, CTR, ep, route).filter(op => op.kind === 'route.add').length
    t.strictSame([count(true), count(false)], [1, 0], n.name)
    const refreshed = (route: boolean) => planEndpointRefresh(n, CTR, ep, route).filter(op => op.kind === 'route.add').length
    t.strictSame([refreshed(true), refreshed(false)], [1, 0], `${n.name} refresh`)
  }
})

tap.test('endpoint refresh: both veth ends for a bridge, only the netns side for a child', async t => {
  t.strictSame(planEndpointRefresh(BRIDGE, CTR, EP_BR, false), bridgeEndpoint.planEndpointRefresh(BRIDGE, CTR, EP_BR, false))
  t.strictSame(planEndpointRefresh(BRIDGE, CTR, EP_BR, false).slice(0, 2), [
    { kind: 'link.up', dev: 'vethededede', master: 'br-f6f6f6f6f6f6' },
    { kind: 'link.hairpin', dev: 'vethededede' },
  ])
  t.strictSame(planEndpointRefresh(IPV, CTR, EP_IPV, true), child.planChildEndpointRefresh(IPV, CTR, EP_IPV, true))
  t.equal(planEndpointRefresh(IPV, CTR, EP_IPV, true)[0]?.kind, 'link.up')
  t.match(planEndpointRefresh(IPV, CTR, EP_IPV, true)[0], { netns: 'berth-edge', dev: 'eth2' })
})

tap.test('endpoint remove: the host end of a veth (alias-checked), else the child inside the netns', async t => {
  t.strictSame(planEndpointRemove(CTR, EP_BR), [{ kind: 'link.delete', name: 'vethededede', alias: `berth:${EP_BR.id}` }])
  t.strictSame(planEndpointRemove(CTR, EP_BR), bridgeEndpoint.planEndpointRemove(EP_BR))
  t.strictSame(planEndpointRemove(CTR, EP_MAC), [{ kind: 'link.delete', netns: 'berth-edge', name: 'eth0' }])
  t.strictSame(planEndpointRemove(CTR, EP_IPV), [{ kind: 'link.delete', netns: 'berth-edge', name: 'eth2' }])
  t.strictSame(planEndpointRemove({ ...CTR, netns: 'berth-other' }, EP_VLAN), [{ kind: 'link.delete', netns: 'berth-other', name: 'eth1' }],
    'in the container’s netns')
})

tap.test('hasHostSide: a veth endpoint has one, a child does not', async t => {
  t.equal(hasHostSide(EP_BR), true)
  t.equal(hasHostSide(EP_MAC), false)
  t.equal(hasHostSide(EP_IPV), false)
  t.equal(hasHostSide({ ...EP_MAC, hostIfname: 'veth1234567' }), true, 'decided by the record, not the network')
})
