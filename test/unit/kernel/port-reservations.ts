/**
 * PortReservations with a fake `bindPort`: the fds it hands out are real
 * (opened on /dev/null) so that release can close them.
 */
import fs from 'node:fs'
import tap from 'tap'
import { type HostPort, PortReservations } from '../../../src/kernel/port-reservations.js'

const errno = (n: number, message = `errno ${n}`) => Object.assign(new Error(message), { errno: n })
const isOpen = (fd: number) => {
  try {
    fs.fstatSync(fd)
    return true
  } catch {
    return false
  }
}

/** A bindPort that opens /dev/null, or throws `fail(port)` when that gives an error. */
const fakeNative = (fail: (p: number) => Error | undefined = () => undefined) => {
  const binds: string[] = []
  const fds: number[] = []
  const bindPort = (kind: 'udp' | 'tcp', ip: string, port: number): number => {
    binds.push(`${kind} ${ip}:${port}`)
    const e = fail(port)
    if (e) throw e
    const fd = fs.openSync('/dev/null', 'r')
    fds.push(fd)
    return fd
  }
  return { binds, fds, bindPort }
}
const WEB: HostPort = { proto: 'tcp', hostIp: '0.0.0.0', hostPort: 8080 }

tap.test('reserve binds the port once; a second reservation of a held port is refused', async t => {
  const native = fakeNative()
  const r = new PortReservations(native)
  t.equal(r.reserve(WEB), true)
  t.equal(r.reserve({ ...WEB }), false, 'one owner per reservation')
  t.strictSame(native.binds, ['tcp 0.0.0.0:8080'])
  t.teardown(() => r.release(WEB))
})

tap.test('each socket identity is its own reservation', async t => {
  const native = fakeNative()
  const r = new PortReservations(native)
  const all: HostPort[] = [WEB, { ...WEB, proto: 'udp' }, { ...WEB, hostIp: '127.0.0.1' }, { ...WEB, hostPort: 8081 }]
  for (const p of all) t.equal(r.reserve(p), true)
  t.strictSame(native.binds, ['tcp 0.0.0.0:8080', 'udp 0.0.0.0:8080', 'tcp 127.0.0.1:8080', 'tcp 0.0.0.0:8081'])
  for (const p of all) r.release(p)
  t.ok(native.fds.every(fd => !isOpen(fd)), 'all closed')
})

tap.test('in use (EADDRINUSE) or not allowed (EACCES): false, nothing held', async t => {
  for (const code of [98, 13]) {
    const native = fakeNative(() => errno(code))
    const r = new PortReservations(native)
    t.equal(r.reserve(WEB), false, `errno ${code}`)
    t.equal(r.reserve(WEB), false, `errno ${code}: asked again, not remembered as held`)
    t.equal(native.binds.length, 2)
  }
})

tap.test('a host address the machine does not have is a clear InvalidParameter', async t => {
  const r = new PortReservations(fakeNative(() => errno(99, 'EADDRNOTAVAIL')))
  t.throws(() => r.reserve({ ...WEB, hostIp: '10.9.9.9' }), { kind: 'InvalidParameter', code: 'E_HOST_IP', message: '10.9.9.9 is not an address of this host' })
})

tap.test('any other error is thrown as it is', async t => {
  for (const e of [errno(1, 'EPERM'), new Error('no errno')]) {
    const r = new PortReservations(fakeNative(() => e))
    t.throws(() => r.reserve(WEB), e, e.message)
  }
})

tap.test('release closes the fd and forgets it; releasing again or unknown is fine', async t => {
  const native = fakeNative()
  const r = new PortReservations(native)
  r.reserve(WEB)
  const fd = native.fds[0] as number
  t.ok(isOpen(fd))
  r.release(WEB)
  t.notOk(isOpen(fd), 'closed')
  t.doesNotThrow(() => r.release(WEB), 'twice')
  t.doesNotThrow(() => r.release({ ...WEB, hostPort: 1 }), 'never reserved')
  t.equal(r.reserve(WEB), true)
  t.equal(native.binds.length, 2, 'after release, reserving binds again')
  t.ok(isOpen(native.fds[1] as number))
  r.release(WEB)
})

tap.test('release closes only its own fd', async t => {
  const native = fakeNative()
  const r = new PortReservations(native)
  const other = { ...WEB, hostPort: 9090 }
  r.reserve(WEB)
  r.reserve(other)
  r.release(WEB)
  t.notOk(isOpen(native.fds[0] as number))
  t.ok(isOpen(native.fds[1] as number))
  r.release(other)
})

tap.test('a failed bind leaves other reservations alone', async t => {
  const native = fakeNative(p => (p === 9090 ? errno(98) : undefined))
  const r = new PortReservations(native)
  t.equal(r.reserve(WEB), true)
  t.equal(r.reserve({ ...WEB, hostPort: 9090 }), false)
  t.ok(isOpen(native.fds[0] as number))
  r.release(WEB)
})

tap.test('ephemeralRange is ip_local_port_range (Docker’s fallback when unreadable)', async t => {
  const r = new PortReservations(fakeNative())
  let want: [number, number] = [49153, 65535]
  try {
    const [lo, hi] = fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number)
    if (lo && hi && lo <= hi) want = [lo, hi]
  } catch {
    // no /proc here: the fallback
  }
  const got = r.ephemeralRange()
  t.strictSame(got, want)
  t.ok(got[0] >= 1 && got[1] <= 65535 && got[0] <= got[1], `${got[0]}-${got[1]}`)
})

tap.test('ephemeralRange parses the file, and falls back when it is unreadable or odd', async t => {
  const withFile = async (read: () => string) => {
    const mod = await t.mockImport<typeof import('../../../src/kernel/port-reservations.js')>('../../../src/kernel/port-reservations.js', {
      'node:fs': {
        ...fs,
        default: {
          ...fs,
          readFileSync: (path: string, enc: string) => {
            if (path !== '/proc/sys/net/ipv4/ip_local_port_range') throw new Error(`unexpected read of ${path}`)
            t.equal(enc, 'utf8')
            return read()
          },
        },
      },
    })
    return new mod.PortReservations(fakeNative()).ephemeralRange()
  }
  t.strictSame(await withFile(() => '32768\t60999\n'), [32768, 60999], 'tab-separated, as the kernel writes it')
  t.strictSame(await withFile(() => '1024 1024'), [1024, 1024], 'a one-port range')
  const fallback = [49153, 65535]
  t.strictSame(await withFile(() => { throw errno(2, 'ENOENT') }), fallback, 'unreadable')
  t.strictSame(await withFile(() => '60999 32768'), fallback, 'reversed')
  t.strictSame(await withFile(() => 'garbage'), fallback, 'not numbers')
  t.strictSame(await withFile(() => '0 100'), fallback, 'zero')
})
