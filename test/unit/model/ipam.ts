import t from 'tap'
import { BerthError } from '../../../src/errors.js'
import {
  type Addressing,
  DOCKER_DEFAULT_POOLS,
  allocateIp,
  checkRequestedIp,
  pickSubnet,
  poolSubnetAt,
  poolSubnetCount,
} from '../../../src/model/ipam.js'
import { type Cidr, formatCidr, formatIpv4, parseCidrText, parseIpv4 } from '../../../src/model/ipv4.js'

const ip = (text: string): number => {
  const n = parseIpv4(text)
  if (n === undefined) throw new Error(`test fixture: bad ip ${text}`)
  return n
}
const cidr = (text: string): Cidr => {
  const p = parseCidrText(text)
  if (!p) throw new Error(`test fixture: bad cidr ${text}`)
  return p.cidr
}
const P = DOCKER_DEFAULT_POOLS

/** Picks `n` subnets in a row, freeing nothing; returns their texts. */
const pickMany = (n: number, cursor: number, inUse: Cidr[]): { picked: string[]; cursor: number } => {
  const picked: string[] = []
  for (let i = 0; i < n; i++) {
    const r = pickSubnet(P, cursor, inUse)
    if (!r) throw new Error('pools exhausted')
    picked.push(formatCidr(r.subnet))
    inUse.push(r.subnet)
    cursor = r.cursor
  }
  return { picked, cursor }
}

t.test('DOCKER_DEFAULT_POOLS expands to 15 x /16 then 16 x /20', async t => {
  t.equal(poolSubnetCount(P), 31)
  const all = Array.from({ length: 31 }, (_, i) => formatCidr(poolSubnetAt(P, i)))
  t.strictSame(all.slice(0, 15), Array.from({ length: 15 }, (_, i) => `172.${17 + i}.0.0/16`))
  t.strictSame(all.slice(15), Array.from({ length: 16 }, (_, i) => `192.168.${i * 16}.0/20`))
  t.throws(() => poolSubnetAt(P, 31), RangeError)
})

t.test('bad pools are refused with E_POOL', async t => {
  for (const pool of [
    { base: '10.0.0.0/16', size: 8 }, // size smaller than the base prefix
    { base: '10.0.0.0/16', size: 31 }, // too small to hold a network
    { base: 'nonsense', size: 24 },
    { base: '10.0.0.0', size: 24 },
  ]) {
    t.throws(() => poolSubnetCount([pool]), { name: 'BerthError', kind: 'InvalidParameter', code: 'E_POOL' }, JSON.stringify(pool))
  }
  t.equal(poolSubnetCount([{ base: '10.10.0.0/16', size: 24 }]), 256)
  t.equal(poolSubnetCount([{ base: '10.10.0.0/16', size: 16 }]), 1)
  t.equal(formatCidr(poolSubnetAt([{ base: '10.10.0.0/16', size: 24 }], 255)), '10.10.255.0/24')
})

t.test('pickSubnet: first pick after the default bridge is 172.18, then 172.19', async t => {
  const inUse = [cidr('172.17.0.0/16')]
  const first = pickSubnet(P, -1, inUse)
  t.strictSame(first && { subnet: formatCidr(first.subnet), cursor: first.cursor }, { subnet: '172.18.0.0/16', cursor: 1 })
  inUse.push(cidr('172.18.0.0/16'))
  const second = pickSubnet(P, first?.cursor ?? NaN, inUse)
  t.strictSame(second && { subnet: formatCidr(second.subnet), cursor: second.cursor }, { subnet: '172.19.0.0/16', cursor: 2 })
})

t.test('pickSubnet: a freed subnet is not reused straight away', async t => {
  const inUse = [cidr('172.17.0.0/16')]
  const { picked, cursor } = pickMany(2, -1, inUse)
  t.strictSame(picked, ['172.18.0.0/16', '172.19.0.0/16'])
  // free 172.18
  const remaining = inUse.filter(c => formatCidr(c) !== '172.18.0.0/16')
  const next = pickSubnet(P, cursor, remaining)
  t.equal(next && formatCidr(next.subnet), '172.20.0.0/16')
})

t.test('pickSubnet: wraps around to the freed subnets', async t => {
  // everything but 172.18/16 is in use; the cursor sits on the last /20
  const inUse = Array.from({ length: 31 }, (_, i) => poolSubnetAt(P, i)).filter(c => formatCidr(c) !== '172.18.0.0/16')
  const r = pickSubnet(P, 30, inUse)
  t.strictSame(r && { subnet: formatCidr(r.subnet), cursor: r.cursor }, { subnet: '172.18.0.0/16', cursor: 1 })
  // from the last index the next is index 0
  const w = pickSubnet(P, 30, [])
  t.strictSame(w && { subnet: formatCidr(w.subnet), cursor: w.cursor }, { subnet: '172.17.0.0/16', cursor: 0 })
  // a cursor past the end (pools shrank in the config) wraps as well
  const past = pickSubnet(P, 40, [])
  t.equal(past && formatCidr(past.subnet), '172.27.0.0/16', '(40 + 1) mod 31 = index 10')
})

t.test('pickSubnet: skips anything overlapping what is in use, including host routes', async t => {
  const inUse = [cidr('172.17.0.0/16'), cidr('172.18.0.0/16'), cidr('172.19.0.0/16'), cidr('172.20.5.0/24')]
  const r = pickSubnet(P, 1, inUse)
  t.equal(r && formatCidr(r.subnet), '172.21.0.0/16', 'a /24 host route blocks its whole /16')
  t.equal(r?.cursor, 4)
  // a wide route (e.g. 172.16.0.0/12) blocks every 172 pool
  const wide = pickSubnet(P, -1, [cidr('172.16.0.0/12')])
  t.equal(wide && formatCidr(wide.subnet), '192.168.0.0/20')
  t.equal(wide?.cursor, 15)
  // a host route inside 192.168.16.0/20 blocks only that /20
  const all172 = Array.from({ length: 15 }, (_, i) => poolSubnetAt(P, i))
  const r2 = pickSubnet(P, 15, [...all172, cidr('192.168.0.0/20'), cidr('192.168.17.0/24')])
  t.equal(r2 && formatCidr(r2.subnet), '192.168.32.0/20')
})

t.test('pickSubnet: undefined when everything is in use', async t => {
  const all = Array.from({ length: 31 }, (_, i) => poolSubnetAt(P, i))
  t.equal(pickSubnet(P, -1, all), undefined)
  t.equal(pickSubnet(P, 7, all), undefined)
  t.equal(pickSubnet(P, 7, [cidr('0.0.0.0/0')]), undefined)
  const { picked } = pickMany(31, -1, [])
  t.equal(new Set(picked).size, 31, 'all 31 are handed out exactly once')
})

const net = (subnet: string, gateway: string, ipRange?: string): Addressing => ({
  subnet: cidr(subnet),
  gateway: ip(gateway),
  ipRange: ipRange === undefined ? undefined : cidr(ipRange),
})
const fmt = (n: number | undefined) => (n === undefined ? undefined : formatIpv4(n))

t.test('allocateIp: lowest free address', async t => {
  const a = net('172.18.0.0/16', '172.18.0.1')
  t.equal(fmt(allocateIp(a, new Set())), '172.18.0.2', 'skips network address and gateway')
  t.equal(fmt(allocateIp(a, new Set([ip('172.18.0.2'), ip('172.18.0.3')]))), '172.18.0.4')
  t.equal(fmt(allocateIp(a, new Set([ip('172.18.0.3')]))), '172.18.0.2', 'a freed address is reused at once')
  const g = net('10.1.0.0/24', '10.1.0.254')
  t.equal(fmt(allocateIp(g, new Set())), '10.1.0.1', 'the gateway need not be the first address')
})

t.test('allocateIp: never the broadcast address; undefined when full', async t => {
  const a = net('10.0.0.0/30', '10.0.0.1')
  t.equal(fmt(allocateIp(a, new Set())), '10.0.0.2')
  t.equal(allocateIp(a, new Set([ip('10.0.0.2')])), undefined, 'a /30 holds one container')
  const b = net('10.0.0.0/29', '10.0.0.1')
  const taken = new Set(['10.0.0.2', '10.0.0.3', '10.0.0.4', '10.0.0.5'].map(ip))
  t.equal(fmt(allocateIp(b, taken)), '10.0.0.6')
  taken.add(ip('10.0.0.6'))
  t.equal(allocateIp(b, taken), undefined, '10.0.0.7 is the broadcast address')
})

t.test('allocateIp: honours the IP range', async t => {
  const a = net('10.99.0.0/24', '10.99.0.1', '10.99.0.128/25')
  t.equal(fmt(allocateIp(a, new Set())), '10.99.0.128', 'the first address of the range, as Docker')
  t.equal(fmt(allocateIp(a, new Set([ip('10.99.0.128')]))), '10.99.0.129')
  const full = new Set(Array.from({ length: 127 }, (_, i) => ip('10.99.0.128') + i))
  t.equal(allocateIp(a, full), undefined, 'the range end is the subnet broadcast: skipped')
  // a range starting at the subnet start skips the network address and gateway
  const b = net('10.99.0.0/24', '10.99.0.1', '10.99.0.0/28')
  t.equal(fmt(allocateIp(b, new Set())), '10.99.0.2')
  // a range whose last address is not the broadcast can hand it out
  const c = net('10.99.0.0/24', '10.99.0.1', '10.99.0.0/30')
  t.equal(fmt(allocateIp(c, new Set([ip('10.99.0.2')]))), '10.99.0.3')
})

t.test('checkRequestedIp', async t => {
  const a = net('172.30.0.0/24', '172.30.0.1', '172.30.0.128/25')
  const taken = new Set([ip('172.30.0.10')])
  t.equal(checkRequestedIp(a, ip('172.30.0.20'), taken, 'n1'), ip('172.30.0.20'), 'outside the range but inside the subnet is fine')
  t.throws(() => checkRequestedIp(a, ip('172.31.0.20'), taken, 'n1'), {
    kind: 'InvalidParameter',
    code: 'E_IP_OUTSIDE',
    message: 'IP address 172.31.0.20 is outside subnet 172.30.0.0/24 of network n1',
  })
  t.throws(() => checkRequestedIp(a, ip('172.30.0.0'), taken, 'n1'), { kind: 'InvalidParameter', code: 'E_IP_RESERVED' })
  t.throws(() => checkRequestedIp(a, ip('172.30.0.255'), taken, 'n1'), { kind: 'InvalidParameter', code: 'E_IP_RESERVED' })
  t.throws(() => checkRequestedIp(a, ip('172.30.0.1'), taken, 'n1'), {
    kind: 'Conflict',
    code: 'E_IP_IN_USE',
    message: 'Address already in use: 172.30.0.1 on network n1',
  })
  t.throws(() => checkRequestedIp(a, ip('172.30.0.10'), taken, 'n1'), { kind: 'Conflict', code: 'E_IP_IN_USE' })
  try {
    checkRequestedIp(a, ip('172.30.0.10'), taken, 'n1')
    t.fail('should throw')
  } catch (e) {
    t.type(e, BerthError)
  }
})
