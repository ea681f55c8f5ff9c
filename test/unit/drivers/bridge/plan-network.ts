import tap from 'tap'
import { bridgeMac, planNetworkCreate, planNetworkRemove, subnetOf } from '../../../../src/drivers/bridge/plan-network.js'
import { formatCidr } from '../../../../src/model/ipv4.js'
import type { Network } from '../../../../src/model/types.js'
import { NETWORK_DEFAULTS } from '../../fixtures/network.js'

const ID = '17c77452ce21f0e1d2c3b4a5968778695a4b3c2d1e0f11223344556677889900'
const net = (over: Partial<Network> = {}): Network => ({
  id: ID,
  name: 'custombridge',
  driver: 'bridge',
  created: '2026-01-01T00:00:00.000Z',
  subnet: '172.18.0.0/16',
  gateway: '172.18.0.1',
  userSubnet: false,
  bridge: 'br-17c77452ce21',
  ...NETWORK_DEFAULTS,
  ...over,
})

tap.test('subnetOf parses the canonical text', async t => {
  t.equal(formatCidr(subnetOf(net())), '172.18.0.0/16')
  t.equal(formatCidr(subnetOf({ subnet: '10.99.0.0/24' })), '10.99.0.0/24')
  t.throws(() => subnetOf({ subnet: 'garbage' }), TypeError)
})

tap.test('bridgeMac is 02:42 + the first 8 hex of the id', async t => {
  t.equal(bridgeMac(ID), '02:42:17:c7:74:52')
  t.equal(bridgeMac('abcdef0123'), '02:42:ab:cd:ef:01')
  t.match(bridgeMac(ID), /^02:42(:[0-9a-f]{2}){4}$/)
})

tap.test('planNetworkCreate: bridge, route_localnet, gateway address with prefix and broadcast, up', async t => {
  t.strictSame(planNetworkCreate(net()), [
    { kind: 'link.bridge', name: 'br-17c77452ce21', mac: '02:42:17:c7:74:52', mtu: undefined, alias: `berth:${ID}` },
    { kind: 'sysctl.set', path: ['net', 'ipv4', 'conf', 'br-17c77452ce21', 'route_localnet'], value: '1' },
    { kind: 'sysctl.set', path: ['net', 'ipv6', 'conf', 'br-17c77452ce21', 'disable_ipv6'], value: '1' },
    { kind: 'addr.add', dev: 'br-17c77452ce21', ip: '172.18.0.1', prefix: 16, broadcast: '172.18.255.255' },
    { kind: 'link.up', dev: 'br-17c77452ce21' },
  ])
})

tap.test('planNetworkCreate: MTU, small subnet, custom gateway, default bridge', async t => {
  const ops = planNetworkCreate(net({ subnet: '10.99.0.0/24', gateway: '10.99.0.254', mtu: 1400, bridge: 'nasa0' }))
  t.match(ops[0], { kind: 'link.bridge', name: 'nasa0', mtu: 1400 })
  t.strictSame(ops[3], { kind: 'addr.add', dev: 'nasa0', ip: '10.99.0.254', prefix: 24, broadcast: '10.99.0.255' })
  const small = planNetworkCreate(net({ subnet: '10.0.0.0/30', gateway: '10.0.0.1' }))
  t.match(small[3], { kind: 'addr.add', prefix: 30, broadcast: '10.0.0.3' })
  const def = planNetworkCreate(net({ bridge: 'berth0', subnet: '172.17.0.0/16', gateway: '172.17.0.1', isDefault: true }))
  t.match(def[3], { kind: 'addr.add', dev: 'berth0', ip: '172.17.0.1', prefix: 16, broadcast: '172.17.255.255' })
  for (const op of [...ops, ...small, ...def]) t.notOk('netns' in op && op.netns !== undefined, 'all in the daemon netns')
})

tap.test('route_localnet is set on the bridge only, by path segments (a bridge name may contain dots)', async t => {
  for (const bridge of ['berth0', 'br.lab.1', 'br-17c77452ce21']) {
    const sysctls = planNetworkCreate(net({ bridge })).filter(op => op.kind === 'sysctl.set')
    t.strictSame(
      sysctls,
      [
        { kind: 'sysctl.set', path: ['net', 'ipv4', 'conf', bridge, 'route_localnet'], value: '1' },
        { kind: 'sysctl.set', path: ['net', 'ipv6', 'conf', bridge, 'disable_ipv6'], value: '1' },
      ],
      bridge,
    )
  }
  const ops = planNetworkCreate(net())
  const at = (kind: string) => ops.findIndex(op => op.kind === kind)
  t.ok(at('link.bridge') < at('sysctl.set') && at('sysctl.set') < at('link.up'), 'after the bridge exists, before it is up')
  t.notOk(ops.some(op => op.kind === 'sysctl.set' && op.path.some(p => p === 'all' || p === 'default')), 'never host-wide')
})

tap.test('planNetworkRemove deletes the bridge only, if it carries the network’s alias', async t => {
  t.strictSame(planNetworkRemove(net()), [{ kind: 'link.delete', name: 'br-17c77452ce21', alias: `berth:${ID}` }])
  t.strictSame(planNetworkRemove(net({ id: 'ab12', bridge: 'berth0' })), [{ kind: 'link.delete', name: 'berth0', alias: 'berth:ab12' }])
})
