/**
 * macvlan/ipvlan, endpoint level: the child is born inside the container
 * netns from the network's parent (berth's VLAN or dummy, else the user's),
 * in the network's mode; then it is brought up and addressed there. Nothing
 * is made on the host side (no veth, no hairpin, no host sysctl).
 */
import tap from 'tap'
import { planChildEndpointCreate, planChildEndpointRefresh } from '../../../../src/drivers/child/plan.js'
import type { Network } from '../../../../src/model/types.js'
import { type Op, describeOp, inverse } from '../../../../src/plan/ops.js'
import { type OpApplier, applyPlan } from '../../../../src/plan/tx.js'
import { CTR, DUMMY, EP_IPV, EP_MAC, EP_VLAN, IPV, IPVLAN_VLAN, MACV, VLAN, childEndpoint } from '../fixtures/child-world.js'

const NS = 'berth-edge'

tap.test('macvlan on the user’s parent: the child, up, addressed; no route unless it carries it', async t => {
  t.strictSame(planChildEndpointCreate(MACV, CTR, EP_MAC, false), [
    { kind: 'link.macvlan', netns: NS, name: 'eth0', parent: 'eth0', mode: 'bridge', mac: '02:42:c0:a8:32:02', mtu: undefined },
    { kind: 'link.up', netns: NS, dev: 'eth0' },
    { kind: 'addr.add', netns: NS, dev: 'eth0', ip: '192.168.50.2', prefix: 24, broadcast: '192.168.50.255' },
  ])
  const routed = planChildEndpointCreate(MACV, CTR, EP_MAC, true)
  t.equal(routed.length, 4)
  t.strictSame(routed[3], { kind: 'route.add', netns: NS, dst: '0.0.0.0', prefix: 0, gateway: '192.168.50.1', dev: 'eth0' },
    'the default route last, through the network’s gateway on the parent’s segment')
})

tap.test('macvlan on a VLAN parent berth made: the child hangs from IF.N, in the network’s mode', async t => {
  t.strictSame(planChildEndpointCreate(VLAN, CTR, EP_VLAN, true), [
    { kind: 'link.macvlan', netns: NS, name: 'eth1', parent: 'eth0.10', mode: 'private', mac: '02:42:0a:0a:00:05', mtu: undefined },
    { kind: 'link.up', netns: NS, dev: 'eth1' },
    { kind: 'addr.add', netns: NS, dev: 'eth1', ip: '10.10.0.5', prefix: 16, broadcast: '10.10.255.255' },
    { kind: 'route.add', netns: NS, dst: '0.0.0.0', prefix: 0, gateway: '10.10.0.254', dev: 'eth1' },
  ])
})

tap.test('macvlan without a parent: the child hangs from berth’s dummy', async t => {
  const ep = childEndpoint('ee'.repeat(32), DUMMY, 'eth4', '172.30.0.3', '02:42:ac:1e:00:03')
  const ops = planChildEndpointCreate(DUMMY, CTR, ep, false)
  t.strictSame(ops[0], { kind: 'link.macvlan', netns: NS, name: 'eth4', parent: 'dm-c3c3c3c3c3c3', mode: 'vepa', mac: '02:42:ac:1e:00:03', mtu: undefined })
  t.match(ops[2], { kind: 'addr.add', ip: '172.30.0.3', prefix: 24, broadcast: '172.30.0.255' })
})

tap.test('ipvlan: link.ipvlan, no MAC of its own (it shares the parent’s), the network’s MTU and mode', async t => {
  t.strictSame(planChildEndpointCreate(IPV, CTR, EP_IPV, false), [
    { kind: 'link.ipvlan', netns: NS, name: 'eth2', parent: 'eth1', mode: 'l3', mac: undefined, mtu: 1400 },
    { kind: 'link.up', netns: NS, dev: 'eth2' },
    { kind: 'addr.add', netns: NS, dev: 'eth2', ip: '10.20.0.9', prefix: 24, broadcast: '10.20.0.255' },
  ])
  const withMac = { ...EP_IPV, mac: '02:42:0a:14:00:09' }
  t.equal((planChildEndpointCreate(IPV, CTR, withMac, false)[0] as { mac?: string }).mac, undefined, 'even when the endpoint records one')
})

tap.test('the driver’s default mode when the network has none', async t => {
  const mode = (n: Network) => (planChildEndpointCreate(n, CTR, EP_MAC, false)[0] as { mode: string }).mode
  t.equal(mode({ ...MACV, driverMode: undefined }), 'bridge', 'macvlan: bridge')
  t.equal(mode(IPVLAN_VLAN), 'l2', 'ipvlan: l2')
  for (const m of ['bridge', 'private', 'vepa', 'passthru']) t.equal(mode({ ...MACV, driverMode: m }), m)
  for (const m of ['l2', 'l3', 'l3s']) t.equal(mode({ ...IPV, driverMode: m }), m)
})

tap.test('the kind follows the driver; MTU is passed on for macvlan too', async t => {
  t.equal(planChildEndpointCreate(IPVLAN_VLAN, CTR, EP_IPV, false)[0]?.kind, 'link.ipvlan')
  t.match(planChildEndpointCreate(IPVLAN_VLAN, CTR, EP_IPV, false)[0], { parent: 'bond0.4094' })
  t.match(planChildEndpointCreate({ ...MACV, mtu: 9000 }, CTR, EP_MAC, false)[0], { kind: 'link.macvlan', mtu: 9000, mac: EP_MAC.mac })
})

tap.test('the link berth owns is the parent, before the parent option', async t => {
  const parent = (n: Network) => (planChildEndpointCreate(n, CTR, EP_MAC, false)[0] as { parent: string }).parent
  t.equal(parent({ ...MACV, bridge: 'dm-000000000000', parent: 'eth9' }), 'dm-000000000000')
  t.equal(parent({ ...MACV, bridge: '', parent: 'eth9' }), 'eth9')
})

tap.test('everything happens inside the container netns: no host-side op', async t => {
  for (const [n, ep] of [[MACV, EP_MAC], [VLAN, EP_VLAN], [IPV, EP_IPV]] as const) {
    for (const ops of [planChildEndpointCreate(n, CTR, ep, true), planChildEndpointRefresh(n, CTR, ep, true)]) {
      t.ok(ops.every(op => 'netns' in op && op.netns === NS), `${n.name}: ${ops.map(describeOp).join('; ')}`)
      t.notOk(ops.some(op => ['link.veth', 'link.hairpin', 'sysctl.set', 'nft.apply'].includes(op.kind)), `${n.name}: no veth, hairpin, sysctl or nft`)
    }
  }
})

tap.test('refresh (repair): up, address, route; the child is never re-made', async t => {
  t.strictSame(planChildEndpointRefresh(VLAN, CTR, EP_VLAN, true), [
    { kind: 'link.up', netns: NS, dev: 'eth1' },
    { kind: 'addr.add', netns: NS, dev: 'eth1', ip: '10.10.0.5', prefix: 16, broadcast: '10.10.255.255' },
    { kind: 'route.add', netns: NS, dst: '0.0.0.0', prefix: 0, gateway: '10.10.0.254', dev: 'eth1' },
  ])
  t.strictSame(planChildEndpointRefresh(IPV, CTR, EP_IPV, false).map(op => op.kind), ['link.up', 'addr.add'])
  t.strictSame(planChildEndpointRefresh(MACV, CTR, EP_MAC, true), planChildEndpointCreate(MACV, CTR, EP_MAC, true).slice(1),
    'the create plan without its first op')
})

tap.test('undo of a create: route, address, then the child itself, in the container netns', async t => {
  const undo = planChildEndpointCreate(VLAN, CTR, EP_VLAN, true).flatMap(op => inverse(op) ?? []).reverse()
  t.strictSame(undo, [
    { kind: 'route.delete', netns: NS, dst: '0.0.0.0', prefix: 0, gateway: '10.10.0.254', dev: 'eth1' },
    { kind: 'addr.delete', netns: NS, dev: 'eth1', ip: '10.10.0.5', prefix: 16, broadcast: '10.10.255.255' },
    { kind: 'link.delete', netns: NS, name: 'eth1' },
  ])
  const ipvUndo = planChildEndpointCreate(IPV, CTR, EP_IPV, false).flatMap(op => inverse(op) ?? []).reverse()
  t.strictSame(ipvUndo.at(-1), { kind: 'link.delete', netns: NS, name: 'eth2' }, 'ipvlan children too')
})

tap.test('a failed attach rolls back in reverse through applyPlan', async t => {
  const log: string[] = []
  const kernel: OpApplier = {
    apply: async (op: Op) => {
      log.push(describeOp(op))
      if (op.kind === 'route.add') throw new Error('ENETUNREACH: Network is unreachable')
    },
    release: () => undefined,
  }
  await t.rejects(applyPlan(kernel, planChildEndpointCreate(MACV, CTR, EP_MAC, true)), {
    code: 'E_KERNEL',
    message: 'route.add berth-edge:0.0.0.0/0 via 192.168.50.1: ENETUNREACH: Network is unreachable',
  })
  t.strictSame(log, [
    'link.macvlan eth0 → berth-edge:eth0 (bridge)',
    'link.up berth-edge:eth0',
    'addr.add berth-edge:eth0 192.168.50.2/24',
    'route.add berth-edge:0.0.0.0/0 via 192.168.50.1',
    'addr.delete berth-edge:eth0 192.168.50.2/24',
    'link.delete berth-edge:eth0',
  ])
})
