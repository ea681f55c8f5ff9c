import tap from 'tap'
import { firewallNetworks, planFirewall, renderFor } from '../../../src/firewall/plan.js'
import { renderRuleset } from '../../../src/firewall/render.js'
import type { Network, State } from '../../../src/model/types.js'

const net = (id: string, name: string, status: Network['status'], internal = false): Network => ({
  id,
  name,
  driver: 'bridge',
  created: '2026-01-01T00:00:00.000Z',
  subnet: `172.${18 + name.length}.0.0/16`,
  gateway: `172.${18 + name.length}.0.1`,
  userSubnet: false,
  bridge: `br-${id.slice(0, 12)}`,
  internal,
  attachable: false,
  isDefault: false,
  options: {},
  labels: {},
  status,
})
const A = net('aaaa00000000', 'a', 'ready')
const B = net('bbbb00000000', 'bb', 'creating', true)
const C = net('cccc00000000', 'ccc', 'removing')
const S: State = { networks: [A, B, C], containers: [], poolCursor: 0 }

tap.test('firewallNetworks: every network not being removed, in state order', async t => {
  t.strictSame(firewallNetworks(S), [
    { name: 'a', bridge: 'br-aaaa00000000', subnet: '172.19.0.0/16', internal: false },
    { name: 'bb', bridge: 'br-bbbb00000000', subnet: '172.20.0.0/16', internal: true },
  ])
})

tap.test('renderFor: the drop policy follows forwardingByBerth', async t => {
  const nets = firewallNetworks(S)
  t.strictSame(renderFor(S), renderRuleset(nets))
  t.strictSame(renderFor({ ...S, forwardingByBerth: false }), renderRuleset(nets))
  t.strictSame(renderFor({ ...S, forwardingByBerth: true }), renderRuleset(nets, { dropOtherForwarding: true }))
  t.notSame(renderFor({ ...S, forwardingByBerth: true }), renderFor(S))
})

tap.test('planFirewall: the table after, with the table before as undo', async t => {
  const before: State = { ...S, networks: [A] }
  const after: State = { ...S, networks: [A, B], forwardingByBerth: true }
  t.strictSame(planFirewall(before, after), { kind: 'nft.apply', commands: renderFor(after), undo: renderFor(before) })
  t.notSame(renderFor(after), renderFor(before))
})
