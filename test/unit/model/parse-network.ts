import tap from 'tap'
import { formatCidr, formatIpv4 } from '../../../src/model/ipv4.js'
import { OPT_BRIDGE_NAME, OPT_MTU, parseNetworkCreate } from '../../../src/model/parse-network.js'

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
    subnet: undefined,
    gateway: undefined,
    ipRange: undefined,
    bridgeName: undefined,
    mtu: undefined,
    internal: false,
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
  refuses(t, { Name: 'n', Driver: 'macvlan' }, 'E_DRIVER', /"macvlan" is not supported/)
  refuses(t, { Name: 'n', Driver: 'overlay' }, 'E_DRIVER')
  refuses(t, { Name: 'n', EnableIPv6: true }, 'E_IPV6')
  refuses(t, { Name: 'n', IPAM: { Driver: 'dhcp' } }, 'E_IPAM_DRIVER')
  refuses(t, { Name: 'n', IPAM: { Config: [{ Subnet: '10.1.0.0/16' }, { Subnet: '10.2.0.0/16' }] } }, 'E_IPAM_CONFIG')
  refuses(t, { Name: 'n', Options: { 'com.docker.network.bridge.enable_icc': 'false' } }, 'E_OPTION', /enable_icc/)
  refuses(t, { Name: 'n', Options: { 'com.docker.network.bridge.enable_ip_masquerade': 'false' } }, 'E_OPTION')
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
  refuses(t, { Name: 'n', Internal: 'yes' }, 'E_BAD_REQUEST', /Internal: /)
})
