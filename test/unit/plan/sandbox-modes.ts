/**
 * planSandboxRemove by network mode and endpoint kind (basics: sandbox.ts):
 * an owner's endpoints go before its files and netns, whatever driver they
 * are on; host and container modes remove nothing, even with a stale record.
 */
import tap from 'tap'
import type { Container } from '../../../src/model/types.js'
import { planSandboxRemove } from '../../../src/plan/sandbox.js'
import { CTR, EP_BR, EP_IPV, EP_MAC, EP_VLAN } from '../drivers/fixtures/child-world.js'

tap.test('children are deleted in the netns, the veth by its host end, then files and netns', async t => {
  t.strictSame(planSandboxRemove(CTR), [
    { kind: 'link.delete', netns: 'berth-edge', name: 'eth0' },
    { kind: 'link.delete', netns: 'berth-edge', name: 'eth1' },
    { kind: 'link.delete', netns: 'berth-edge', name: 'eth2' },
    { kind: 'link.delete', name: 'vethededede', alias: `berth:${EP_BR.id}` },
    { kind: 'files.remove', netns: 'berth-edge' },
    { kind: 'netns.delete', netns: 'berth-edge' },
  ])
})

tap.test('the endpoints in record order, the netns always last', async t => {
  const ops = planSandboxRemove({ ...CTR, endpoints: [EP_BR, EP_IPV, EP_MAC] })
  t.strictSame(ops.map(op => (op.kind === 'link.delete' ? op.name : op.kind)), ['vethededede', 'eth2', 'eth0', 'files.remove', 'netns.delete'])
})

tap.test('a none-mode container: lo only, so just its files and netns', async t => {
  t.strictSame(planSandboxRemove({ ...CTR, mode: 'none', netns: 'berth-quiet', endpoints: [] }), [
    { kind: 'files.remove', netns: 'berth-quiet' },
    { kind: 'netns.delete', netns: 'berth-quiet' },
  ])
})

tap.test('host and container modes: nothing, even when the record lists endpoints', async t => {
  const host: Container = { ...CTR, mode: 'host', netns: '' }
  t.strictSame(planSandboxRemove(host), [], 'no link of the host is ever deleted for a host-mode container')
  const joiner: Container = { ...CTR, mode: 'container', joined: 'a'.repeat(64), netns: 'berth-owner', endpoints: [EP_VLAN, EP_BR] }
  t.strictSame(planSandboxRemove(joiner), [], 'the owner’s links and netns stay')
})
