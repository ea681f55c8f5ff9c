import t from 'tap'
import {
  bytesOf,
  contains,
  formatCidr,
  formatIpv4,
  lastOf,
  maskOf,
  overlaps,
  parseCidrText,
  parseIpv4,
  sizeOf,
  within,
} from '../../../src/model/ipv4.js'

const ip = (text: string): number => {
  const n = parseIpv4(text)
  if (n === undefined) throw new Error(`test fixture: bad ip ${text}`)
  return n
}
const cidr = (text: string) => {
  const p = parseCidrText(text)
  if (!p) throw new Error(`test fixture: bad cidr ${text}`)
  return p.cidr
}

t.test('parseIpv4 returns the address as an unsigned number', async t => {
  t.equal(parseIpv4('0.0.0.0'), 0)
  t.equal(parseIpv4('0.0.0.1'), 1)
  t.equal(parseIpv4('172.17.0.1'), 0xac110001)
  t.equal(parseIpv4('255.255.255.255'), 0xffffffff)
  t.equal(parseIpv4('192.168.1.200'), 0xc0a801c8)
})

t.test('parseIpv4 refuses what is not a dotted quad', async t => {
  for (const bad of [
    '256.1.1.1',
    '1.2.3.256',
    '1.2.3',
    '1.2.3.4.5',
    '01.2.3.4', // leading zeros are refused (could be read as octal)
    '1.2.3.04',
    '00.0.0.0',
    '',
    '1..2.3',
    ' 1.2.3.4',
    '1.2.3.4 ',
    '-1.2.3.4',
    '+1.2.3.4',
    '1.2.3.a',
    '0x1.2.3.4',
    '1e2.2.3.4',
    '1.2.3.4/24',
    '::1',
  ]) {
    t.equal(parseIpv4(bad), undefined, `refuses ${JSON.stringify(bad)}`)
  }
})

t.test('formatIpv4 and parseIpv4 round trip', async t => {
  for (const text of ['0.0.0.0', '10.0.0.1', '127.0.0.1', '172.31.255.254', '192.168.240.0', '255.255.255.255']) {
    t.equal(formatIpv4(ip(text)), text)
  }
  for (const n of [0, 1, 255, 256, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff]) {
    t.equal(parseIpv4(formatIpv4(n)), n, `number ${n}`)
  }
  // high bit set: formatting must treat the number as unsigned
  t.equal(formatIpv4(0xc0a80001), '192.168.0.1')
})

t.test('maskOf', async t => {
  t.equal(maskOf(0), 0)
  t.equal(maskOf(1), 0x80000000)
  t.equal(maskOf(8), 0xff000000)
  t.equal(maskOf(16), 0xffff0000)
  t.equal(maskOf(30), 0xfffffffc)
  t.equal(maskOf(32), 0xffffffff)
  t.ok(maskOf(24) > 0, 'unsigned')
})

t.test('parseCidrText canonicalises the network and keeps the host', async t => {
  const p = parseCidrText('172.18.0.5/16')
  t.same(p, { cidr: { addr: ip('172.18.0.0'), prefix: 16 }, host: ip('172.18.0.5') })
  t.equal(formatCidr(cidr('172.18.0.5/16')), '172.18.0.0/16')
  t.equal(formatCidr(cidr('10.99.0.200/25')), '10.99.0.128/25')
  t.equal(formatCidr(cidr('192.168.37.1/20')), '192.168.32.0/20')
  t.equal(formatCidr(cidr('255.255.255.255/1')), '128.0.0.0/1')
  t.equal(formatCidr(cidr('1.2.3.4/0')), '0.0.0.0/0')
  t.equal(formatCidr(cidr('1.2.3.4/32')), '1.2.3.4/32')
  t.equal(formatCidr(cidr('1.2.3.4/08')), '1.0.0.0/8', 'a leading zero in the prefix is accepted')
})

t.test('parseCidrText refuses bad input', async t => {
  for (const bad of [
    '172.18.0.0',
    '172.18.0.0/',
    '172.18.0.0/33',
    '172.18.0.0/100',
    '172.18.0.0/-1',
    '172.18.0.0/16/16',
    '/16',
    '256.0.0.0/8',
    '1.2.3/24',
    '172.18.0.0/ 16',
    '172.18.0.0/1a',
  ]) {
    t.equal(parseCidrText(bad), undefined, `refuses ${JSON.stringify(bad)}`)
  }
})

t.test('sizeOf and lastOf', async t => {
  t.equal(sizeOf(cidr('10.0.0.0/8')), 2 ** 24)
  t.equal(sizeOf(cidr('10.0.0.0/30')), 4)
  t.equal(sizeOf(cidr('10.0.0.1/32')), 1)
  t.equal(sizeOf(cidr('0.0.0.0/0')), 2 ** 32)
  t.equal(formatIpv4(lastOf(cidr('172.18.0.0/16'))), '172.18.255.255')
  t.equal(formatIpv4(lastOf(cidr('10.99.0.128/25'))), '10.99.0.255')
  t.equal(lastOf(cidr('1.2.3.4/32')), ip('1.2.3.4'))
  t.equal(lastOf(cidr('0.0.0.0/0')), 0xffffffff)
})

t.test('contains: bounds are inclusive', async t => {
  const c = cidr('172.18.0.0/16')
  t.equal(contains(c, ip('172.18.0.0')), true, 'network address')
  t.equal(contains(c, ip('172.18.255.255')), true, 'broadcast address')
  t.equal(contains(c, ip('172.18.7.9')), true)
  t.equal(contains(c, ip('172.17.255.255')), false, 'one below')
  t.equal(contains(c, ip('172.19.0.0')), false, 'one above')
  t.equal(contains(cidr('0.0.0.0/0'), 0xffffffff), true)
  t.equal(contains(cidr('10.0.0.1/32'), ip('10.0.0.1')), true)
  t.equal(contains(cidr('10.0.0.1/32'), ip('10.0.0.2')), false)
})

t.test('overlaps is symmetric and catches nesting and touching ends', async t => {
  const cases: [string, string, boolean][] = [
    ['172.18.0.0/16', '172.18.0.0/16', true],
    ['172.18.0.0/16', '172.18.5.0/24', true],
    ['172.16.0.0/12', '172.31.255.0/24', true],
    ['172.18.0.0/16', '172.19.0.0/16', false],
    ['172.18.0.0/16', '172.17.0.0/16', false],
    ['10.0.0.0/30', '10.0.0.3/32', true],
    ['10.0.0.0/30', '10.0.0.4/32', false],
    ['0.0.0.0/0', '192.168.0.0/16', true],
    ['192.168.0.0/20', '192.168.16.0/20', false],
    ['192.168.0.0/16', '192.168.16.0/20', true],
  ]
  for (const [a, b, want] of cases) {
    t.equal(overlaps(cidr(a), cidr(b)), want, `${a} vs ${b}`)
    t.equal(overlaps(cidr(b), cidr(a)), want, `${b} vs ${a}`)
  }
})

t.test('within: inner must lie completely inside outer', async t => {
  t.equal(within(cidr('10.99.0.0/24'), cidr('10.99.0.128/25')), true)
  t.equal(within(cidr('10.99.0.0/24'), cidr('10.99.0.0/24')), true, 'equal prefixes')
  t.equal(within(cidr('10.99.0.128/25'), cidr('10.99.0.0/24')), false, 'outer inside inner')
  t.equal(within(cidr('10.99.0.0/24'), cidr('10.99.1.0/25')), false, 'disjoint')
  t.equal(within(cidr('10.99.0.0/24'), cidr('10.99.0.0/23')), false, 'bigger, same start')
  t.equal(within(cidr('10.99.0.0/24'), cidr('10.99.0.255/32')), true, 'last address')
})

t.test('bytesOf', async t => {
  t.same(bytesOf(ip('172.18.0.100')), [172, 18, 0, 100])
  t.same(bytesOf(0xffffffff), [255, 255, 255, 255])
  t.same(bytesOf(0), [0, 0, 0, 0])
})
