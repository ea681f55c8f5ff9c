/**
 * macvlan/ipvlan, network level: the parent berth owns (a VLAN
 * sub-interface `IF.N` or a dummy) is made with the network and removed with
 * it; a parent of the user's is used, never made or removed.
 */
import tap from 'tap'
import { planChildNetworkCreate, planChildNetworkRemove, vlanOf } from '../../../../src/drivers/child/plan.js'
import type { Network } from '../../../../src/model/types.js'
import { type Op, describeOp, inverse } from '../../../../src/plan/ops.js'
import { type OpApplier, applyPlan } from '../../../../src/plan/tx.js'
import { DUMMY, IPV, IPVLAN_VLAN, MACV, VLAN } from '../fixtures/child-world.js'

/** Records what it applies (as describeOp text); fails the ops `fail` selects. */
class RecordingKernel implements OpApplier {
  readonly log: string[] = []
  constructor(private readonly fail: (op: Op) => boolean = () => false) {}
  async apply(op: Op): Promise<void> {
    const failing = this.fail(op)
    this.log.push(`${failing ? 'FAIL ' : ''}${describeOp(op)}`)
    if (failing) throw new Error('EOPNOTSUPP: Operation not supported')
  }
  release(): void {}
}

tap.test('vlanOf: IF.N is VLAN N of IF', async t => {
  t.strictSame(vlanOf('eth0.10'), { link: 'eth0', id: 10 })
  t.strictSame(vlanOf('bond0.4094'), { link: 'bond0', id: 4094 })
  t.strictSame(vlanOf('enp0s3.1'), { link: 'enp0s3', id: 1 })
  t.strictSame(vlanOf('br.lab.7'), { link: 'br.lab', id: 7 }, 'only the last dot separates the VLAN id')
  t.strictSame(vlanOf('eth0.010'), { link: 'eth0', id: 10 }, 'the id is a number')
  t.equal(typeof vlanOf('eth0.10')?.id, 'number')
})

tap.test('vlanOf: anything else is no VLAN', async t => {
  for (const parent of [undefined, '', 'eth0', 'eth0.', '.10', 'eth0.1a', 'eth0.-1', 'eth0.1.x', 'eth10']) {
    t.equal(vlanOf(parent), undefined, JSON.stringify(parent))
  }
})

tap.test('the user’s parent: nothing to make, nothing to remove', async t => {
  t.strictSame(planChildNetworkCreate(MACV), [])
  t.strictSame(planChildNetworkRemove(MACV), [], 'never the user’s eth0')
  t.strictSame(planChildNetworkCreate(IPV), [])
  t.strictSame(planChildNetworkRemove(IPV), [])
  // An existing `eth0.10` of the host is the user's too (bridge '' in the state).
  const usersVlan: Network = { ...VLAN, bridge: '' }
  t.strictSame(planChildNetworkCreate(usersVlan), [])
  t.strictSame(planChildNetworkRemove(usersVlan), [], 'a VLAN interface berth did not make stays')
})

tap.test('a VLAN parent berth makes: the 802.1Q sub-interface of IF, with the owner alias, then up', async t => {
  t.strictSame(planChildNetworkCreate(VLAN), [
    { kind: 'link.parent', name: 'eth0.10', vlan: { link: 'eth0', id: 10 }, alias: `berth:${VLAN.id}` },
    { kind: 'link.up', dev: 'eth0.10' },
  ])
  t.strictSame(planChildNetworkCreate(IPVLAN_VLAN), [
    { kind: 'link.parent', name: 'bond0.4094', vlan: { link: 'bond0', id: 4094 }, alias: `berth:${IPVLAN_VLAN.id}` },
    { kind: 'link.up', dev: 'bond0.4094' },
  ], 'ipvlan the same way')
  t.strictSame(planChildNetworkRemove(VLAN), [{ kind: 'link.delete', name: 'eth0.10', alias: `berth:${VLAN.id}` }],
    'removed with the network, alias-checked (a same-named link of someone else stays)')
})

tap.test('no parent: a dummy (a link.parent without VLAN), removed with the network', async t => {
  t.strictSame(planChildNetworkCreate(DUMMY), [
    { kind: 'link.parent', name: 'dm-c3c3c3c3c3c3', vlan: undefined, alias: `berth:${DUMMY.id}` },
    { kind: 'link.up', dev: 'dm-c3c3c3c3c3c3' },
  ])
  t.equal(describeOp(planChildNetworkCreate(DUMMY)[0] as Op), 'link.parent dm-c3c3c3c3c3c3 (dummy)')
  t.strictSame(planChildNetworkRemove(DUMMY), [{ kind: 'link.delete', name: 'dm-c3c3c3c3c3c3', alias: `berth:${DUMMY.id}` }])
})

tap.test('the VLAN comes from the parent option, the name from the link berth owns', async t => {
  // A dummy whose name happens to look like IF.N stays a dummy: no parent was given.
  const odd: Network = { ...DUMMY, bridge: 'dm.5', parent: undefined }
  t.match(planChildNetworkCreate(odd)[0], { kind: 'link.parent', name: 'dm.5', vlan: undefined })
  const renamed: Network = { ...VLAN, bridge: 'v10' }
  t.match(planChildNetworkCreate(renamed)[0], { kind: 'link.parent', name: 'v10', vlan: { link: 'eth0', id: 10 } })
})

tap.test('a child network plans no bridge, address, sysctl or firewall on the host', async t => {
  for (const n of [MACV, VLAN, DUMMY, IPV, IPVLAN_VLAN]) {
    const kinds = [...planChildNetworkCreate(n), ...planChildNetworkRemove(n)].map(op => op.kind)
    t.notOk(kinds.some(k => !['link.parent', 'link.up', 'link.delete'].includes(k)), `${n.name}: ${kinds.join(',')}`)
  }
  t.notOk(JSON.stringify(planChildNetworkCreate(VLAN)).includes('mtu'), 'the MTU is the children’s, not the parent’s')
})

tap.test('undo: the inverses of a create, in reverse, are exactly the remove plan', async t => {
  for (const n of [VLAN, DUMMY, IPVLAN_VLAN, MACV]) {
    const undo = planChildNetworkCreate(n).flatMap(op => inverse(op) ?? []).reverse()
    t.strictSame(undo, planChildNetworkRemove(n), n.name)
  }
})

tap.test('a failed create rolls back the parent it made, and only that', async t => {
  const k = new RecordingKernel(op => op.kind === 'link.up')
  await t.rejects(applyPlan(k, planChildNetworkCreate(VLAN)), { code: 'E_KERNEL', message: /^link\.up :eth0\.10: EOPNOTSUPP/ })
  t.strictSame(k.log, ['link.parent eth0.10 (vlan 10 of eth0)', 'FAIL link.up :eth0.10', 'link.delete :eth0.10'])

  const first = new RecordingKernel(op => op.kind === 'link.parent')
  await t.rejects(applyPlan(first, planChildNetworkCreate(DUMMY)), { code: 'E_KERNEL' })
  t.strictSame(first.log, ['FAIL link.parent dm-c3c3c3c3c3c3 (dummy)'], 'nothing made: nothing to undo')
})

tap.test('planners are pure: same input, same plan, input untouched', async t => {
  const before = JSON.stringify(VLAN)
  t.strictSame(planChildNetworkCreate(VLAN), planChildNetworkCreate(VLAN))
  planChildNetworkRemove(VLAN)
  t.equal(JSON.stringify(VLAN), before)
})
