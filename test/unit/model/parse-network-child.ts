/**
 * parseNetworkCreate for the macvlan and ipvlan drivers, beyond the basics
 * in parse-network.ts: the exact refusals (code and message), the parent
 * name rules, VLAN id bounds and which options belong to which driver.
 */
import tap from 'tap'
import { formatCidr } from '../../../src/model/ipv4.js'
import { DRIVER_MODES, OPT_MTU, parseNetworkCreate } from '../../../src/model/parse-network.js'

const create = (Driver: string, Options: Record<string, string> = {}, extra: Record<string, unknown> = {}) =>
  parseNetworkCreate({ Name: 'n', Driver, Options, ...extra })

/** Asserts the exact InvalidParameter error. */
const refuses = (t: Pick<typeof tap, 'throws'>, Driver: string, Options: Record<string, string>, code: string, message: string) =>
  t.throws(() => create(Driver, Options), { name: 'BerthError', kind: 'InvalidParameter', code, message }, `${code}: ${JSON.stringify(Options)}`)

tap.test('the modes and their defaults (the first of each list)', async t => {
  t.strictSame(DRIVER_MODES, { macvlan: ['bridge', 'private', 'vepa', 'passthru'], ipvlan: ['l2', 'l3', 'l3s'] })
  t.equal(create('macvlan').driverMode, 'bridge')
  t.equal(create('ipvlan').driverMode, 'l2')
})

tap.test('a bad mode: E_OPTION naming the driver, the value and the choices', async t => {
  refuses(t, 'macvlan', { macvlan_mode: 'l2' }, 'E_OPTION', 'invalid macvlan_mode "l2": one of bridge, private, vepa, passthru')
  refuses(t, 'ipvlan', { ipvlan_mode: 'bridge' }, 'E_OPTION', 'invalid ipvlan_mode "bridge": one of l2, l3, l3s')
  refuses(t, 'macvlan', { macvlan_mode: '' }, 'E_OPTION', 'invalid macvlan_mode "": one of bridge, private, vepa, passthru')
  for (const bad of ['Bridge', 'BRIDGE', ' bridge', 'bridge ', 'source', 'l3s']) refuses(t, 'macvlan', { macvlan_mode: bad }, 'E_OPTION', `invalid macvlan_mode "${bad}": one of bridge, private, vepa, passthru`)
  for (const bad of ['L2', 'l4', 'l3S', 'vepa']) refuses(t, 'ipvlan', { ipvlan_mode: bad }, 'E_OPTION', `invalid ipvlan_mode "${bad}": one of l2, l3, l3s`)
})

tap.test('each driver reads only its own mode option', async t => {
  t.equal(create('macvlan', { ipvlan_mode: 'nonsense' }).driverMode, 'bridge', 'ipvlan_mode means nothing to macvlan')
  t.equal(create('ipvlan', { macvlan_mode: 'nonsense' }).driverMode, 'l2')
  t.equal(create('macvlan', { macvlan_mode: 'passthru', ipvlan_mode: 'l3' }).driverMode, 'passthru')
  const bridge = create('bridge', { macvlan_mode: 'nonsense', ipvlan_mode: 'x', parent: 'not a name!' })
  t.strictSame([bridge.driverMode, bridge.parent], [undefined, undefined], 'a bridge network has neither')
})

tap.test('the mode is checked before the parent', async t => {
  refuses(t, 'macvlan', { macvlan_mode: 'l2', parent: 'eth0.0' }, 'E_OPTION', 'invalid macvlan_mode "l2": one of bridge, private, vepa, passthru')
})

tap.test('parent names follow the interface-name rules', async t => {
  refuses(t, 'macvlan', { parent: '' }, 'E_IFNAME_EMPTY', 'parent interface must not be empty')
  refuses(t, 'ipvlan', { parent: 'eth0 ' }, 'E_IFNAME_CHARS', 'parent interface "eth0 " is not a valid interface name')
  for (const bad of ['eth/0', 'eth:0', '.', '..', 'ëth0']) refuses(t, 'macvlan', { parent: bad }, 'E_IFNAME_CHARS', `parent interface "${bad}" is not a valid interface name`)
  refuses(t, 'macvlan', { parent: 'enp0s31f6abcdef1' }, 'E_IFNAME_LENGTH', 'parent interface "enp0s31f6abcdef1" is too long: the kernel allows at most 15 characters')
  for (const ok of ['eth0', 'enp0s31f6', 'bond0', 'br-lab_1', 'x'.repeat(15), 'eth0.']) t.equal(create('macvlan', { parent: ok }).parent, ok, ok)
})

tap.test('VLAN ids: 1 to 4094, with the exact refusal', async t => {
  for (const [parent, id] of [['eth0.1', 1], ['eth0.100', 100], ['eth0.4094', 4094], ['br.lab.7', 7]] as const) {
    t.equal(create('macvlan', { parent }).parent, parent, `VLAN ${id}`)
    t.equal(create('ipvlan', { parent }).parent, parent, `ipvlan VLAN ${id}`)
  }
  for (const parent of ['eth0.0', 'eth0.00', 'eth0.4095', 'eth0.65535', 'eth0.99999']) {
    refuses(t, 'macvlan', { parent }, 'E_VLAN', `invalid VLAN id in parent "${parent}": 1-4094`)
    refuses(t, 'ipvlan', { parent }, 'E_VLAN', `invalid VLAN id in parent "${parent}": 1-4094`)
  }
})

tap.test('the name is checked before the VLAN id: a 15-character IF.0 is a VLAN error, a 16-character one a length error', async t => {
  refuses(t, 'macvlan', { parent: 'enp0s31f6abcd.0' }, 'E_VLAN', 'invalid VLAN id in parent "enp0s31f6abcd.0": 1-4094')
  refuses(t, 'macvlan', { parent: 'enp0s31f6abcde.0' }, 'E_IFNAME_LENGTH', 'parent interface "enp0s31f6abcde.0" is too long: the kernel allows at most 15 characters')
})

tap.test('child networks keep the rest of a create: subnet, MTU, internal, options as given', async t => {
  const r = create('macvlan', { parent: 'eth0.10', macvlan_mode: 'private', [OPT_MTU]: '9000' }, {
    Internal: true,
    IPAM: { Config: [{ Subnet: '192.168.50.0/24', Gateway: '192.168.50.254', IPRange: '192.168.50.128/25' }] },
  })
  t.match(r, { driver: 'macvlan', parent: 'eth0.10', driverMode: 'private', mtu: 9000, internal: true })
  t.equal(r.subnet && formatCidr(r.subnet), '192.168.50.0/24')
  t.strictSame(r.options, { parent: 'eth0.10', macvlan_mode: 'private', [OPT_MTU]: '9000' }, 'kept for inspect')
  t.equal(create('macvlan').internal, false, 'no parent: internal is the service’s decision, not the parser’s')
})

tap.test('Docker options berth does not support are refused for child networks too', async t => {
  t.throws(() => create('ipvlan', { 'com.docker.network.bridge.host_binding_ipv4': '127.0.0.1' }), { code: 'E_OPTION', message: /host_binding_ipv4" is not supported/ })
  t.throws(() => create('macvlan', { [OPT_MTU]: '9' }), { code: 'E_MTU' })
})
