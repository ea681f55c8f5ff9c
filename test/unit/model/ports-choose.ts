/**
 * choosePorts and describeMapping (the `-p` syntax: ports.ts).
 */
import tap from 'tap'
import { type PortMapping, type PortRequest, choosePorts, describeMapping } from '../../../src/model/ports.js'

type Probe = { proto: 'tcp' | 'udp'; hostIp: string; hostPort: number }
const ANY = '0.0.0.0'
const EPHEMERAL: [number, number] = [40000, 40009]

const req = (containerPort: number, hostPorts: [number, number], hostIp = ANY, proto: 'tcp' | 'udp' = 'tcp'): PortRequest => ({
  proto,
  containerPort,
  hostIp,
  hostPorts,
})
const mapping = (hostPort: number, hostIp = ANY, proto: 'tcp' | 'udp' = 'tcp'): PortMapping => ({
  proto,
  containerPort: 1,
  hostIp,
  hostPort,
  requested: { hostIp: '', hostPort: String(hostPort) },
})
/** An isFree that says no to `busy` and records what it was asked. */
const kernel = (busy: number[] = []) => {
  const asked: Probe[] = []
  const isFree = (p: Probe) => {
    asked.push({ proto: p.proto, hostIp: p.hostIp, hostPort: p.hostPort })
    return !busy.includes(p.hostPort)
  }
  return { asked, isFree }
}
const conflict = (code: string, message?: RegExp) => ({ name: 'BerthError', kind: 'Conflict', code, ...(message ? { message } : {}) })

tap.test('a fixed port that is free is taken, with what was asked recorded', async t => {
  const k = kernel()
  t.strictSame(choosePorts([req(80, [8080, 8080])], [], EPHEMERAL, k.isFree), [
    { proto: 'tcp', containerPort: 80, hostIp: ANY, hostPort: 8080, requested: { hostIp: '', hostPort: '8080' } },
  ])
  t.strictSame(k.asked, [{ proto: 'tcp', hostIp: ANY, hostPort: 8080 }], 'the kernel is asked about exactly that socket')
  t.strictSame(choosePorts([req(53, [5353, 5353], '127.0.0.1', 'udp')], [], EPHEMERAL, kernel().isFree), [
    { proto: 'udp', containerPort: 53, hostIp: '127.0.0.1', hostPort: 5353, requested: { hostIp: '127.0.0.1', hostPort: '5353' } },
  ])
})

tap.test('a fixed port of another mapping: "port is already allocated", the kernel is not asked', async t => {
  const k = kernel()
  t.throws(
    () => choosePorts([req(80, [8080, 8080])], [mapping(8080)], EPHEMERAL, k.isFree),
    conflict('E_PORT_IN_USE', /^Bind for 0\.0\.0\.0:8080\/tcp failed: port is already allocated$/),
  )
  t.strictSame(k.asked, [])
})

tap.test('which bindings clash: same proto and port, and the same address or 0.0.0.0 on either side', async t => {
  const clash: [string, PortRequest, PortMapping][] = [
    ['same address', req(80, [8080, 8080], '127.0.0.1'), mapping(8080, '127.0.0.1')],
    ['0.0.0.0 asked, one address taken', req(80, [8080, 8080]), mapping(8080, '127.0.0.1')],
    ['one address asked, 0.0.0.0 taken', req(80, [8080, 8080], '10.0.0.1'), mapping(8080)],
    ['udp and udp', req(80, [8080, 8080], ANY, 'udp'), mapping(8080, ANY, 'udp')],
  ]
  for (const [what, r, taken] of clash) {
    t.throws(() => choosePorts([r], [taken], EPHEMERAL, kernel().isFree), conflict('E_PORT_IN_USE', /already allocated/), what)
  }
  const apart: [string, PortRequest, PortMapping][] = [
    ['tcp and udp', req(80, [8080, 8080]), mapping(8080, ANY, 'udp')],
    ['udp and tcp', req(80, [8080, 8080], '127.0.0.1', 'udp'), mapping(8080, '127.0.0.1')],
    ['two different addresses', req(80, [8080, 8080], '127.0.0.1'), mapping(8080, '10.0.0.1')],
    ['another port', req(80, [8080, 8080]), mapping(8081)],
  ]
  for (const [what, r, taken] of apart) {
    t.match(choosePorts([r], [taken], EPHEMERAL, kernel().isFree), [{ hostPort: 8080, hostIp: r.hostIp, proto: r.proto }], what)
  }
})

tap.test('a fixed port the kernel says is in use: a conflict naming another program', async t => {
  t.throws(
    () => choosePorts([req(80, [8080, 8080], '127.0.0.1')], [], EPHEMERAL, kernel([8080]).isFree),
    conflict('E_PORT_IN_USE', /^Bind for 127\.0\.0\.1:8080\/tcp failed: port is already in use by another program on the host$/),
  )
})

tap.test('"any port" takes the first free one of the ephemeral range', async t => {
  const k = kernel([40002])
  const taken = [mapping(40000), mapping(40001, '127.0.0.1'), mapping(40003, ANY, 'udp')]
  t.strictSame(choosePorts([req(80, [0, 0])], taken, EPHEMERAL, k.isFree), [
    { proto: 'tcp', containerPort: 80, hostIp: ANY, hostPort: 40003, requested: { hostIp: '', hostPort: '' } },
  ])
  t.strictSame(
    k.asked.map(p => p.hostPort),
    [40002, 40003],
    'allocated ports are skipped without asking; the kernel’s no moves on',
  )
  t.match(choosePorts([req(80, [0, 0], '127.0.0.1')], [], EPHEMERAL, kernel().isFree), [
    { hostPort: 40000, requested: { hostIp: '127.0.0.1', hostPort: '' } },
  ])
})

tap.test('a host range: the first free port of it, whatever the ephemeral range', async t => {
  const k = kernel([8000])
  t.strictSame(choosePorts([req(80, [8000, 8010])], [mapping(8001)], EPHEMERAL, k.isFree), [
    { proto: 'tcp', containerPort: 80, hostIp: ANY, hostPort: 8002, requested: { hostIp: '', hostPort: '8000-8010' } },
  ])
  t.strictSame(k.asked.map(p => p.hostPort), [8000, 8002])
})

tap.test('an exhausted range: E_NO_PORT', async t => {
  t.throws(
    () => choosePorts([req(80, [8000, 8002])], [mapping(8000), mapping(8002)], EPHEMERAL, kernel([8001]).isFree),
    conflict('E_NO_PORT', /^no free host port in 8000-8002\/tcp for container port 80$/),
  )
  t.throws(
    () => choosePorts([req(53, [0, 0], ANY, 'udp')], [], [40000, 40001], kernel([40000, 40001]).isFree),
    conflict('E_NO_PORT', /in 40000-40001\/udp for container port 53/),
    'ephemeral range too',
  )
})

tap.test('requests of one call avoid each other', async t => {
  const got = choosePorts([req(80, [0, 0]), req(81, [0, 0]), req(82, [40000, 40002])], [], EPHEMERAL, kernel().isFree)
  t.strictSame(
    got.map(m => [m.containerPort, m.hostPort]),
    [
      [80, 40000],
      [81, 40001],
      [82, 40002],
    ],
  )
  t.throws(
    () => choosePorts([req(80, [8080, 8080], '127.0.0.1'), req(81, [8080, 8080])], [], EPHEMERAL, kernel().isFree),
    conflict('E_PORT_IN_USE', /0\.0\.0\.0:8080\/tcp failed: port is already allocated/),
    'a second fixed request for a port the first took',
  )
  t.strictSame(
    choosePorts([req(80, [8080, 8080]), req(80, [8080, 8080], ANY, 'udp')], [], EPHEMERAL, kernel().isFree).map(m => m.proto),
    ['tcp', 'udp'],
    'the same port over tcp and udp',
  )
})

tap.test('no requests: nothing chosen, nothing asked', async t => {
  const k = kernel()
  t.strictSame(choosePorts([], [mapping(1)], EPHEMERAL, k.isFree), [])
  t.strictSame(k.asked, [])
})

tap.test('describeMapping prints like `docker port`', async t => {
  t.equal(describeMapping(mapping(8080)), '1/tcp -> 0.0.0.0:8080')
  t.equal(
    describeMapping({ proto: 'udp', containerPort: 53, hostIp: '127.0.0.1', hostPort: 49153, requested: { hostIp: '127.0.0.1', hostPort: '' } }),
    '53/udp -> 127.0.0.1:49153',
  )
})
