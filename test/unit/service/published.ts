import tap from 'tap'
import { type HostPort, PortReservations } from '../../../src/kernel/port-reservations.js'
import type { PortMapping, PortRequest } from '../../../src/model/ports.js'
import type { Container, State } from '../../../src/model/types.js'
import type { ServiceContext } from '../../../src/service/context.js'
import { conntrackOps, releasePorts, reservePorts } from '../../../src/service/published.js'

const key = (p: HostPort) => `${p.proto}/${p.hostIp}:${p.hostPort}`

/** PortReservations that records calls; `busy` ports fail, `broken` ones throw. */
class FakePorts extends PortReservations {
  readonly log: string[] = []
  constructor(
    private readonly busy: readonly number[] = [],
    private readonly broken: readonly number[] = [],
    private readonly range: [number, number] = [40000, 40009],
  ) {
    super({ bindPort: () => { throw new Error('no kernel in unit tests') } })
  }
  override reserve(p: HostPort): boolean {
    this.log.push(`reserve ${key(p)}`)
    if (this.broken.includes(p.hostPort)) throw Object.assign(new Error('EPERM'), { errno: 1 })
    return !this.busy.includes(p.hostPort)
  }
  override release(p: HostPort): void {
    this.log.push(`release ${key(p)}`)
  }
  override ephemeralRange(): [number, number] {
    return this.range
  }
}
const ctxWith = (ports: FakePorts) => ({ ports }) as unknown as ServiceContext

const req = (containerPort: number, hostPorts: [number, number], hostIp = '0.0.0.0', proto: 'tcp' | 'udp' = 'tcp'): PortRequest => ({
  proto,
  containerPort,
  hostIp,
  hostPorts,
})
const mapping = (hostPort: number, proto: 'tcp' | 'udp' = 'tcp'): PortMapping => ({
  proto,
  containerPort: 1,
  hostIp: '0.0.0.0',
  hostPort,
  requested: { hostIp: '', hostPort: String(hostPort) },
})
const withPorts = (ports: PortMapping[]): Container => ({
  id: 'c1',
  name: 'other',
  hostname: 'other',
  created: '2026-01-01T00:00:00.000Z',
  mode: 'bridge',
  netns: 'berth-other',
  cmd: [],
  endpoints: [],
  ports,
  links: [],
  nextIfIndex: 0,
  process: { status: 'created' },
  status: 'ready',
})
const EMPTY: State = { networks: [], containers: [], poolCursor: -1 }
const conflict = (code: string) => ({ name: 'BerthError', kind: 'Conflict', code })

tap.test('reservePorts: chooses and reserves every port, releases nothing', async t => {
  const ports = new FakePorts()
  const got = reservePorts(ctxWith(ports), EMPTY, [req(80, [8080, 8080]), req(53, [0, 0], '127.0.0.1', 'udp')])
  t.strictSame(got, [
    { proto: 'tcp', containerPort: 80, hostIp: '0.0.0.0', hostPort: 8080, requested: { hostIp: '', hostPort: '8080' } },
    { proto: 'udp', containerPort: 53, hostIp: '127.0.0.1', hostPort: 40000, requested: { hostIp: '127.0.0.1', hostPort: '' } },
  ])
  t.strictSame(ports.log, ['reserve tcp/0.0.0.0:8080', 'reserve udp/127.0.0.1:40000'])
  t.strictSame(reservePorts(ctxWith(new FakePorts()), EMPTY, []), [])
})

tap.test('reservePorts: "any port" uses the reservations’ ephemeral range and skips what the kernel refuses', async t => {
  const ports = new FakePorts([50000, 50001], [], [50000, 50002])
  t.match(reservePorts(ctxWith(ports), EMPTY, [req(80, [0, 0])]), [{ hostPort: 50002 }])
  t.strictSame(ports.log, ['reserve tcp/0.0.0.0:50000', 'reserve tcp/0.0.0.0:50001', 'reserve tcp/0.0.0.0:50002'], 'refused ones are not released')
})

tap.test('reservePorts: all or nothing — the 2nd request fails, the 1st is released', async t => {
  const inUse = new FakePorts([9090])
  t.throws(() => reservePorts(ctxWith(inUse), EMPTY, [req(80, [8080, 8080]), req(90, [9090, 9090])]), conflict('E_PORT_IN_USE'))
  t.strictSame(inUse.log, ['reserve tcp/0.0.0.0:8080', 'reserve tcp/0.0.0.0:9090', 'release tcp/0.0.0.0:8080'], 'by another program')

  const allocated = new FakePorts()
  const s: State = { ...EMPTY, containers: [withPorts([mapping(9090)])] }
  t.throws(() => reservePorts(ctxWith(allocated), s, [req(80, [8080, 8080]), req(90, [9090, 9090])]), conflict('E_PORT_IN_USE'))
  t.strictSame(allocated.log, ['reserve tcp/0.0.0.0:8080', 'release tcp/0.0.0.0:8080'], 'by another container: not even tried')

  const exhausted = new FakePorts([40000, 40001])
  t.throws(() => reservePorts(ctxWith(exhausted), EMPTY, [req(80, [0, 0]), req(81, [0, 0]), req(82, [40000, 40001])]), conflict('E_NO_PORT'))
  t.strictSame(
    exhausted.log.filter(l => l.startsWith('release')),
    ['release tcp/0.0.0.0:40002', 'release tcp/0.0.0.0:40003'],
    'every reservation made, and only those',
  )
})

tap.test('reservePorts: an unexpected kernel error is passed on, after releasing', async t => {
  const ports = new FakePorts([], [9090])
  t.throws(() => reservePorts(ctxWith(ports), EMPTY, [req(80, [8080, 8080]), req(90, [9090, 9090])]), { message: 'EPERM' })
  t.strictSame(ports.log, ['reserve tcp/0.0.0.0:8080', 'reserve tcp/0.0.0.0:9090', 'release tcp/0.0.0.0:8080'])
})

tap.test('reservePorts: ports of every container in the state are taken', async t => {
  const s: State = { ...EMPTY, containers: [withPorts([mapping(40000)]), { ...withPorts([mapping(40001), mapping(40002, 'udp')]), id: 'c2' }] }
  const ports = new FakePorts()
  t.match(reservePorts(ctxWith(ports), s, [req(80, [0, 0])]), [{ hostPort: 40002, proto: 'tcp' }], 'udp 40002 does not take tcp 40002')
  t.strictSame(ports.log, ['reserve tcp/0.0.0.0:40002'])
})

tap.test('releasePorts releases each mapping', async t => {
  const ports = new FakePorts()
  releasePorts(ctxWith(ports), [mapping(8080), mapping(53, 'udp')])
  t.strictSame(ports.log, ['release tcp/0.0.0.0:8080', 'release udp/0.0.0.0:53'])
  releasePorts(ctxWith(ports), [])
  t.equal(ports.log.length, 2)
})

tap.test('conntrackOps: one flush for all the host ports (by protocol and host port)', async t => {
  t.strictSame(conntrackOps([mapping(8080), { ...mapping(5353, 'udp'), containerPort: 53, hostIp: '127.0.0.1' }]), [
    {
      kind: 'conntrack.flush',
      ports: [
        { proto: 'tcp', port: 8080 },
        { proto: 'udp', port: 5353 },
      ],
    },
  ])
  t.strictSame(conntrackOps([mapping(9000)]), [{ kind: 'conntrack.flush', ports: [{ proto: 'tcp', port: 9000 }] }])
  t.strictSame(conntrackOps([]), [], 'no ports: no op at all')
})
