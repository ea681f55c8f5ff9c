/**
 * The macvlan/ipvlan ops (`link.parent`, `link.macvlan`, `link.ipvlan`)
 * beyond one fixture each in ops.ts: their descriptions in every shape, and
 * undo of a whole child network + attachment, in reverse, through the
 * transaction.
 */
import tap from 'tap'
import { planChildEndpointCreate, planChildNetworkCreate, planChildNetworkRemove } from '../../../src/drivers/child/plan.js'
import { type Op, describeOp, inverse } from '../../../src/plan/ops.js'
import { type OpApplier, applyPlan } from '../../../src/plan/tx.js'
import { CTR, DUMMY, EP_IPV, EP_VLAN, IPVLAN_VLAN, VLAN } from '../drivers/fixtures/child-world.js'

const NS = 'berth-edge'

tap.test('describeOp: a parent is a VLAN of its link, or a dummy', async t => {
  t.equal(describeOp({ kind: 'link.parent', name: 'eth0.4094', vlan: { link: 'eth0', id: 4094 }, alias: 'berth:n' }), 'link.parent eth0.4094 (vlan 4094 of eth0)')
  t.equal(describeOp({ kind: 'link.parent', name: 'br.lab.7', vlan: { link: 'br.lab', id: 7 }, alias: 'berth:n' }), 'link.parent br.lab.7 (vlan 7 of br.lab)')
  t.equal(describeOp({ kind: 'link.parent', name: 'dm-0123456789ab', vlan: undefined, alias: 'berth:n' }), 'link.parent dm-0123456789ab (dummy)')
})

tap.test('describeOp: a child names its parent, where it is born and its mode (not MAC or MTU)', async t => {
  for (const mode of ['bridge', 'private', 'vepa', 'passthru']) {
    t.equal(describeOp({ kind: 'link.macvlan', netns: NS, name: 'eth0', parent: 'eth0.10', mode, mac: '02:42:0a:0a:00:05', mtu: 9000 }),
      `link.macvlan eth0.10 → berth-edge:eth0 (${mode})`)
  }
  for (const mode of ['l2', 'l3', 'l3s']) {
    t.equal(describeOp({ kind: 'link.ipvlan', netns: NS, name: 'eth2', parent: 'bond0', mode }), `link.ipvlan bond0 → berth-edge:eth2 (${mode})`)
  }
})

tap.test('inverse: a child is deleted where it was born, by name; a parent only with berth’s alias', async t => {
  const child: Op = { kind: 'link.ipvlan', netns: 'berth-other', name: 'eth7', parent: 'eth1', mode: 'l3s', mtu: 1400 }
  t.strictSame(inverse(child), { kind: 'link.delete', netns: 'berth-other', name: 'eth7' })
  const parent: Op = { kind: 'link.parent', name: 'eth0.10', vlan: { link: 'eth0', id: 10 }, alias: 'berth:n9' }
  const inv = inverse(parent)
  t.strictSame(inv, { kind: 'link.delete', name: 'eth0.10', alias: 'berth:n9' })
  t.equal(inv && inverse(inv), undefined, 'a delete is teardown: it is never undone')
  t.notOk(inv && 'vlan' in inv, 'the delete does not need to know the VLAN')
})

tap.test('every create op of a child network and attachment has an inverse; the rest are link.up', async t => {
  const plan = [...planChildNetworkCreate(VLAN), ...planChildEndpointCreate(VLAN, CTR, EP_VLAN, true)]
  const missing = plan.filter(op => inverse(op) === undefined).map(op => op.kind)
  t.strictSame(missing, ['link.up', 'link.up'], 'bringing a link up goes away with the link')
})

/** Applies ops, recording their descriptions; fails the first op `fail` selects. */
const recorder = (fail: (op: Op) => boolean) => {
  const log: string[] = []
  const kernel: OpApplier = {
    apply: async op => {
      log.push(describeOp(op))
      if (fail(op)) throw new Error('EBUSY: Device or resource busy')
    },
    release: () => undefined,
  }
  return { log, kernel }
}

tap.test('undo of a VLAN network plus its first child, in reverse: child first, the VLAN last', async t => {
  const { log, kernel } = recorder(op => op.kind === 'route.add')
  const plan = [...planChildNetworkCreate(VLAN), ...planChildEndpointCreate(VLAN, CTR, EP_VLAN, true)]
  await t.rejects(applyPlan(kernel, plan), { code: 'E_KERNEL', message: /^route\.add berth-edge:0\.0\.0\.0\/0 via 10\.10\.0\.254: EBUSY/ })
  t.strictSame(log, [
    'link.parent eth0.10 (vlan 10 of eth0)',
    'link.up :eth0.10',
    'link.macvlan eth0.10 → berth-edge:eth1 (private)',
    'link.up berth-edge:eth1',
    'addr.add berth-edge:eth1 10.10.0.5/16',
    'route.add berth-edge:0.0.0.0/0 via 10.10.0.254',
    'addr.delete berth-edge:eth1 10.10.0.5/16',
    'link.delete berth-edge:eth1',
    'link.delete :eth0.10',
  ])
})

tap.test('undo when the child cannot be born: only the parent berth made goes', async t => {
  const { log, kernel } = recorder(op => op.kind === 'link.ipvlan')
  await t.rejects(applyPlan(kernel, [...planChildNetworkCreate(IPVLAN_VLAN), ...planChildEndpointCreate(IPVLAN_VLAN, CTR, EP_IPV, false)]))
  t.strictSame(log, [
    'link.parent bond0.4094 (vlan 4094 of bond0)',
    'link.up :bond0.4094',
    'link.ipvlan bond0.4094 → berth-edge:eth2 (l2)',
    'link.delete :bond0.4094',
  ])
  t.strictSame(
    planChildNetworkCreate(IPVLAN_VLAN).flatMap(op => inverse(op) ?? []),
    planChildNetworkRemove(IPVLAN_VLAN),
    'the same delete as removing the network',
  )
})

tap.test('undo of a dummy network: the dummy is deleted with berth’s alias', async t => {
  const { log, kernel } = recorder(op => op.kind === 'link.up')
  await t.rejects(applyPlan(kernel, planChildNetworkCreate(DUMMY)))
  t.strictSame(log, ['link.parent dm-c3c3c3c3c3c3 (dummy)', 'link.up :dm-c3c3c3c3c3c3', 'link.delete :dm-c3c3c3c3c3c3'])
})
