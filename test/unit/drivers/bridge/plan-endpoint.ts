import tap from 'tap'
import { planEndpointCreate, planEndpointRefresh, planEndpointRemove } from '../../../../src/drivers/bridge/plan-endpoint.js'
import type { Container, Endpoint, Network } from '../../../../src/model/types.js'
import { NETWORK_DEFAULTS } from '../../fixtures/network.js'

const NET: Network = {
  id: 'n'.repeat(64),
  name: 'nasanet',
  driver: 'bridge',
  created: '2026-01-01T00:00:00.000Z',
  subnet: '172.18.0.0/16',
  gateway: '172.18.0.1',
  userSubnet: true,
  bridge: 'br-nnnnnnnnnnnn',
  mtu: 1400,
  ...NETWORK_DEFAULTS,
}
const EP: Endpoint = {
  id: 'e0a1b2c3d4e5f6',
  networkId: NET.id,
  ifname: 'eth1',
  hostIfname: 'veth0a1b2c3',
  ip: '172.18.0.100',
  mac: '02:42:ac:12:00:64',
  aliases: [],
  status: 'creating',
}
const CTR: Container = {
  id: 'c'.repeat(64),
  name: 'web',
  hostname: 'cccccccccccc',
  created: '2026-01-01T00:00:00.000Z',
  mode: 'bridge',
  netns: 'berth-web',
  cmd: [],
  endpoints: [EP],
  ports: [],
  links: [],
  nextIfIndex: 2,
  process: { status: 'created' },
  status: 'ready',
}

tap.test('planEndpointCreate without the default route', async t => {
  t.strictSame(planEndpointCreate(NET, CTR, EP, false), [
    {
      kind: 'link.veth',
      host: 'veth0a1b2c3',
      peer: 'eth1',
      netns: 'berth-web',
      bridge: 'br-nnnnnnnnnnnn',
      peerMac: '02:42:ac:12:00:64',
      mtu: 1400,
      alias: 'berth:e0a1b2c3d4e5f6',
    },
    { kind: 'sysctl.set', path: ['net', 'ipv6', 'conf', 'veth0a1b2c3', 'disable_ipv6'], value: '1' },
    { kind: 'link.hairpin', dev: 'veth0a1b2c3' },
    { kind: 'link.up', netns: 'berth-web', dev: 'eth1' },
    { kind: 'addr.add', netns: 'berth-web', dev: 'eth1', ip: '172.18.0.100', prefix: 16, broadcast: '172.18.255.255' },
  ])
})

tap.test('planEndpointRefresh brings both ends up, the host end back on its bridge, and re-adds address and route', async t => {
  t.strictSame(planEndpointRefresh(NET, CTR, EP, true), [
    { kind: 'link.up', dev: 'veth0a1b2c3', master: NET.bridge },
    { kind: 'link.hairpin', dev: 'veth0a1b2c3' },
    { kind: 'link.up', netns: 'berth-web', dev: 'eth1' },
    { kind: 'addr.add', netns: 'berth-web', dev: 'eth1', ip: '172.18.0.100', prefix: 16, broadcast: '172.18.255.255' },
    { kind: 'route.add', netns: 'berth-web', dst: '0.0.0.0', prefix: 0, gateway: '172.18.0.1', dev: 'eth1' },
  ])
  t.equal(planEndpointRefresh(NET, CTR, EP, false).filter(o => o.kind === 'route.add').length, 0)
})

tap.test('planEndpointCreate with the default route adds it last', async t => {
  const ops = planEndpointCreate(NET, CTR, EP, true)
  t.equal(ops.length, 6)
  t.strictSame(ops[5], { kind: 'route.add', netns: 'berth-web', dst: '0.0.0.0', prefix: 0, gateway: '172.18.0.1', dev: 'eth1' })
  t.equal(planEndpointCreate(NET, CTR, EP, false).filter(o => o.kind === 'route.add').length, 0)
})

tap.test('planEndpointCreate: prefix and broadcast follow the subnet', async t => {
  const small = { ...NET, subnet: '10.99.0.0/24', gateway: '10.99.0.1', mtu: undefined }
  const ops = planEndpointCreate(small, CTR, { ...EP, ip: '10.99.0.128' }, true)
  t.match(ops[0], { kind: 'link.veth', mtu: undefined })
  t.match(ops[4], { kind: 'addr.add', ip: '10.99.0.128', prefix: 24, broadcast: '10.99.0.255' })
  t.match(ops[5], { kind: 'route.add', gateway: '10.99.0.1' })
})

tap.test('hairpin is set on the host end, right after it exists and before anything uses it', async t => {
  // A container reaching its own published port: the frame goes back out of the port it came in.
  const other = { ...EP, hostIfname: 'veth7777777', ifname: 'eth3' }
  for (const [what, ops] of [
    ['create', planEndpointCreate(NET, CTR, other, true)],
    ['refresh', planEndpointRefresh(NET, CTR, other, false)],
  ] as const) {
    const hairpins = ops.filter(o => o.kind === 'link.hairpin')
    t.strictSame(hairpins, [{ kind: 'link.hairpin', dev: 'veth7777777' }], `${what}: once, on the host end`)
    t.ok(ops.findIndex(o => o.kind === 'link.hairpin') <= 2, `${what}: right after the veth exists`)
  }
  const sysctls = planEndpointCreate(NET, CTR, other, true).filter(o => o.kind === 'sysctl.set')
  t.strictSame(sysctls, [{ kind: 'sysctl.set', path: ['net', 'ipv6', 'conf', 'veth7777777', 'disable_ipv6'], value: '1' }],
    'create: IPv6 off on the host end only (CVE-2024-32473)')
})

tap.test('planEndpointRemove deletes the host end only, if it carries the endpoint’s alias', async t => {
  t.strictSame(planEndpointRemove(EP), [{ kind: 'link.delete', name: 'veth0a1b2c3', alias: 'berth:e0a1b2c3d4e5f6' }])
  t.strictSame(
    planEndpointRemove({ ...EP, id: 'ffff', hostIfname: 'vethffff' }),
    [{ kind: 'link.delete', name: 'vethffff', alias: 'berth:ffff' }],
  )
})
