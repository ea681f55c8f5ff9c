import tap from 'tap'
import { formatCidr, formatIpv4 } from '../../../src/model/ipv4.js'
import { OPT_BRIDGE_NAME, OPT_ICC, OPT_MASQUERADE, OPT_MTU, parseNetworkCreate } from '../../../src/model/parse-network.js'

/** Asserts parseNetworkCreate(body) throws a BerthError InvalidParameter with `code`. */
const refuses = (t: Pick<typeof tap, 'throws'>, body: unknown, code: string, message?: RegExp) =>
  t.throws(
    () => parseNetworkCreate(body),
    { name: 'BerthError', kind: 'InvalidParameter', code, ...(message ? { message } : {}) },
    `${code}: ${JSON.stringify(body)}`,
  )

const withIpam = (cfg: Record<string, string>, extra: Record<string, unknown> = {}) => ({
  Name: 'n1',
  IPAM: { Driver: 'default', Config: [cfg] },
  ...extra,
})

tap.test('defaults: only a name', async t => {
  const r = parseNetworkCreate({ Name: 'custombridge' })
  t.strictSame(r, {
    name: 'custombridge',
    driver: 'bridge',
    parent: undefined,
    driverMode: undefined,
    subnet: undefined,
    gateway: undefined,
    ipRange: undefined,
    bridgeName: undefined,
    mtu: undefined,
    internal: false,
    icc: true,
    masquerade: true,
    attachable: false,
    options: {},
    labels: {},
  })
})

tap.test('everything Docker’s CLI sends', async t => {
  const r = parseNetworkCreate({
    Name: 'nasanet',
    CheckDuplicate: true,
    Driver: 'bridge',
    Internal: true,
    Attachable: true,
    EnableIPv6: false,
    IPAM: { Driver: 'default', Config: [{ Subnet: '172.18.0.0/16', Gateway: '172.18.0.254', IPRange: '172.18.5.0/24' }], Options: {} },
    Options: { [OPT_BRIDGE_NAME]: 'nasa0', [OPT_MTU]: '1400', 'my.own.option': 'x' },
    Labels: { team: 'apollo' },
  })
  t.equal(r.name, 'nasanet')
  t.equal(r.subnet && formatCidr(r.subnet), '172.18.0.0/16')
  t.equal(r.gateway === undefined ? undefined : formatIpv4(r.gateway), '172.18.0.254')
  t.equal(r.ipRange && formatCidr(r.ipRange), '172.18.5.0/24')
  t.equal(r.bridgeName, 'nasa0')
  t.equal(r.mtu, 1400)
  t.equal(r.internal, true)
  t.equal(r.attachable, true)
  t.strictSame(r.options, { [OPT_BRIDGE_NAME]: 'nasa0', [OPT_MTU]: '1400', 'my.own.option': 'x' })
  t.strictSame(r.labels, { team: 'apollo' })
})

tap.test('null IPAM config, options and labels are accepted', async t => {
  const r = parseNetworkCreate({ Name: 'n', IPAM: { Config: null, Options: null }, Options: null, Labels: null })
  t.equal(r.subnet, undefined)
  t.strictSame(r.options, {})
  t.strictSame(r.labels, {})
  t.equal(parseNetworkCreate({ Name: 'n', IPAM: { Config: [] } }).subnet, undefined)
  t.equal(parseNetworkCreate({ Name: 'n', IPAM: { Config: [{}] } }).subnet, undefined)
})

tap.test('a subnet with host bits set is canonicalised', async t => {
  const r = parseNetworkCreate(withIpam({ Subnet: '172.18.0.5/16' }))
  t.equal(r.subnet && formatCidr(r.subnet), '172.18.0.0/16')
})

tap.test('a /30 is the smallest subnet', async t => {
  const r = parseNetworkCreate(withIpam({ Subnet: '10.0.0.0/30' }))
  t.equal(r.subnet?.prefix, 30)
  refuses(t, withIpam({ Subnet: '10.0.0.0/31' }), 'E_SUBNET_SMALL', /at least a \/30/)
  refuses(t, withIpam({ Subnet: '10.0.0.0/32' }), 'E_SUBNET_SMALL')
})

tap.test('bad CIDRs', async t => {
  for (const s of ['172.18.0.0', '172.18.0.0/33', '300.1.0.0/16', 'abc', '172.18.0.0/']) {
    refuses(t, withIpam({ Subnet: s }), 'E_BAD_CIDR', /expected an IPv4 CIDR/)
  }
  refuses(t, withIpam({ Subnet: '10.0.0.0/24', IPRange: '10.0.0.0' }), 'E_BAD_CIDR', /IP range/)
})

tap.test('gateway checks', async t => {
  refuses(t, withIpam({ Subnet: '10.0.0.0/24', Gateway: '10.0.1.1' }), 'E_GATEWAY_OUTSIDE')
  refuses(t, withIpam({ Subnet: '10.0.0.0/24', Gateway: '10.0.0.0' }), 'E_GATEWAY_OUTSIDE', /not a usable address/)
  refuses(t, withIpam({ Subnet: '10.0.0.0/24', Gateway: '10.0.0.255' }), 'E_GATEWAY_OUTSIDE')
  refuses(t, withIpam({ Subnet: '10.0.0.0/24', Gateway: '10.0.0' }), 'E_BAD_IP')
  refuses(t, withIpam({ Gateway: '10.0.0.1' }), 'E_NEEDS_SUBNET')
  refuses(t, withIpam({ IPRange: '10.0.0.0/25' }), 'E_NEEDS_SUBNET')
  const edge = parseNetworkCreate(withIpam({ Subnet: '10.0.0.0/30', Gateway: '10.0.0.2' }))
  t.equal(edge.gateway === undefined ? undefined : formatIpv4(edge.gateway), '10.0.0.2')
})

tap.test('ip range must lie inside the subnet', async t => {
  refuses(t, withIpam({ Subnet: '10.99.0.0/24', IPRange: '10.99.1.0/25' }), 'E_RANGE_OUTSIDE')
  refuses(t, withIpam({ Subnet: '10.99.0.0/24', IPRange: '10.99.0.0/23' }), 'E_RANGE_OUTSIDE')
  const r = parseNetworkCreate(withIpam({ Subnet: '10.99.0.0/24', IPRange: '10.99.0.130/25' }))
  t.equal(r.ipRange && formatCidr(r.ipRange), '10.99.0.128/25', 'range is canonicalised too')
})

tap.test('unsupported features are refused, not ignored', async t => {
  refuses(t, { Name: 'n', Driver: 'overlay' }, 'E_DRIVER', /"overlay" is not supported \(supported: bridge, macvlan, ipvlan\)/)
  refuses(t, { Name: 'n', Driver: 'Bridge' }, 'E_DRIVER')
  refuses(t, { Name: 'n', EnableIPv6: true }, 'E_IPV6')
  refuses(t, { Name: 'n', IPAM: { Driver: 'dhcp' } }, 'E_IPAM_DRIVER')
  refuses(t, { Name: 'n', IPAM: { Config: [{ Subnet: '10.1.0.0/16' }, { Subnet: '10.2.0.0/16' }] } }, 'E_IPAM_CONFIG')
  refuses(t, { Name: 'n', Options: { 'com.docker.network.bridge.host_binding_ipv4': '127.0.0.1' } }, 'E_OPTION', /host_binding_ipv4" is not supported/)
  refuses(t, { Name: 'n', Options: { 'com.docker.network.bridge.enable_icc ': 'false' } }, 'E_OPTION', /not supported/)
  t.equal(parseNetworkCreate({ Name: 'n', Driver: 'bridge' }).name, 'n')
})

tap.test('bridge name option', async t => {
  refuses(t, { Name: 'n', Options: { [OPT_BRIDGE_NAME]: 'a-very-long-bridge' } }, 'E_IFNAME_LENGTH', /at most 15/)
  refuses(t, { Name: 'n', Options: { [OPT_BRIDGE_NAME]: 'br 0' } }, 'E_IFNAME_CHARS')
  t.equal(parseNetworkCreate({ Name: 'n', Options: { [OPT_BRIDGE_NAME]: 'x'.repeat(15) } }).bridgeName, 'x'.repeat(15))
})

tap.test('MTU option', async t => {
  for (const bad of ['abc', '', '67', '65536', '1500.5', '-1500', '1e3', ' 1500']) {
    refuses(t, { Name: 'n', Options: { [OPT_MTU]: bad } }, 'E_MTU', /from 68 to 65535/)
  }
  t.equal(parseNetworkCreate({ Name: 'n', Options: { [OPT_MTU]: '68' } }).mtu, 68)
  t.equal(parseNetworkCreate({ Name: 'n', Options: { [OPT_MTU]: '65535' } }).mtu, 65535)
})

tap.test('names', async t => {
  refuses(t, { Name: '' }, 'E_NAME_CHARS')
  refuses(t, { Name: '-n' }, 'E_NAME_CHARS')
  refuses(t, { Name: 'a/b' }, 'E_NAME_CHARS')
})

tap.test('wrong types in the body are E_BAD_REQUEST', async t => {
  for (const body of [
    undefined,
    null,
    'n1',
    [],
    {},
    { Name: 1 },
    { Name: 'n', Internal: 'yes' },
    { Name: 'n', Attachable: 1 },
    { Name: 'n', Driver: 5 },
    { Name: 'n', IPAM: { Config: {} } },
    { Name: 'n', IPAM: { Config: [{ Subnet: 10 }] } },
    { Name: 'n', Options: { [OPT_MTU]: 1500 } },
    { Name: 'n', Labels: ['a'] },
  ]) {
    refuses(t, body, 'E_BAD_REQUEST', /^invalid network create request: /)
  }
  refuses(t, { Name: 'n', Internal: 'yes' }, 'E_BAD_REQUEST', /invalid type for "Internal": expected boolean, received string/)
})

tap.test('enable_icc and enable_ip_masquerade: Go’s ParseBool spellings, true when absent', async t => {
  t.equal(OPT_ICC, 'com.docker.network.bridge.enable_icc')
  t.equal(OPT_MASQUERADE, 'com.docker.network.bridge.enable_ip_masquerade')
  const parse = (opts: Record<string, string>) => {
    const r = parseNetworkCreate({ Name: 'n', Options: opts })
    return [r.icc, r.masquerade]
  }
  for (const yes of ['1', 't', 'T', 'true', 'TRUE', 'True']) {
    t.strictSame(parse({ [OPT_ICC]: yes }), [true, true], `icc ${yes}`)
    t.strictSame(parse({ [OPT_MASQUERADE]: yes, [OPT_ICC]: 'false' }), [false, true], `masquerade ${yes}`)
  }
  for (const no of ['0', 'f', 'F', 'false', 'FALSE', 'False']) {
    t.strictSame(parse({ [OPT_ICC]: no }), [false, true], `icc ${no}`)
    t.strictSame(parse({ [OPT_MASQUERADE]: no }), [true, false], `masquerade ${no}`)
  }
  t.strictSame(parse({ [OPT_ICC]: 'false', [OPT_MASQUERADE]: 'false' }), [false, false], 'both off')
  t.strictSame(parse({}), [true, true], 'absent: on')
  const r = parseNetworkCreate({ Name: 'n', Internal: true, Options: { [OPT_ICC]: '0', [OPT_MASQUERADE]: 'F' } })
  t.strictSame(r.options, { [OPT_ICC]: '0', [OPT_MASQUERADE]: 'F' }, 'kept as given, for inspect')
  t.equal(r.internal, true, 'independent of --internal')
})

tap.test('enable_icc and enable_ip_masquerade: anything else is E_OPTION, naming key and value', async t => {
  for (const key of [OPT_ICC, OPT_MASQUERADE]) {
    for (const bad of ['', 'yes', 'no', 'on', 'off', 'tRUE', 'fALSE', 'tru', '2', ' true', 'true ', '-1', '01']) {
      refuses(t, { Name: 'n', Options: { [key]: bad } }, 'E_OPTION')
    }
    t.throws(() => parseNetworkCreate({ Name: 'n', Options: { [key]: 'yes' } }), {
      message: `invalid value "yes" for ${key}: expected true or false`,
    })
  }
  refuses(t, { Name: 'n', Options: { [OPT_ICC]: true } }, 'E_BAD_REQUEST', /Options/)
})

tap.test('macvlan and ipvlan: parent, VLAN parent and mode', async t => {
  const child = (Driver: string, Options: Record<string, string> = {}) => {
    const r = parseNetworkCreate({ Name: 'n', Driver, Options })
    return [r.driver, r.parent, r.driverMode]
  }
  t.strictSame(child('macvlan'), ['macvlan', undefined, 'bridge'], 'no parent; bridge mode by default')
  t.strictSame(child('ipvlan'), ['ipvlan', undefined, 'l2'], 'l2 by default')
  t.strictSame(child('macvlan', { parent: 'eth0.10', macvlan_mode: 'vepa' }), ['macvlan', 'eth0.10', 'vepa'])
  for (const mode of ['bridge', 'private', 'vepa', 'passthru']) t.equal(child('macvlan', { macvlan_mode: mode })[2], mode)
  for (const mode of ['l2', 'l3', 'l3s']) t.equal(child('ipvlan', { parent: 'eth1', ipvlan_mode: mode })[2], mode)
  refuses(t, { Name: 'n', Driver: 'macvlan', Options: { macvlan_mode: 'l2' } }, 'E_OPTION', /invalid macvlan_mode "l2": one of bridge, private, vepa, passthru/)
  refuses(t, { Name: 'n', Driver: 'ipvlan', Options: { ipvlan_mode: 'bridge' } }, 'E_OPTION', /one of l2, l3, l3s/)
  for (const ok of ['eth0.1', 'eth0.4094']) t.equal(child('macvlan', { parent: ok })[1], ok)
  for (const bad of ['eth0.0', 'eth0.4095', 'eth0.99999']) refuses(t, { Name: 'n', Driver: 'macvlan', Options: { parent: bad } }, 'E_VLAN', /1-4094/)
  refuses(t, { Name: 'n', Driver: 'ipvlan', Options: { parent: 'a-very-long-parent0' } }, 'E_IFNAME_LENGTH')
  t.strictSame(parseNetworkCreate({ Name: 'n', Options: { parent: 'eth0' } }).parent, undefined, 'bridge networks have no parent')
})
