/**
 * sysctl paths and the fd write used inside container netns (the fd is
 * opened there; here a temporary file stands in for it).
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import tap from 'tap'
import { ensureSysctl, readSysctl, sysctlFile, writeSysctl, writeSysctlFd } from '../../../src/kernel/sysctl.js'

const isClosed = (fd: number) => {
  try {
    fs.fstatSync(fd)
    return false
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EBADF'
  }
}

tap.test('sysctlFile: /proc/sys joined from segments, dots inside a segment kept', async t => {
  t.equal(sysctlFile(['net', 'ipv6', 'conf', 'all', 'disable_ipv6']), '/proc/sys/net/ipv6/conf/all/disable_ipv6')
  t.equal(sysctlFile(['net', 'ipv4', 'conf', 'br.lab.1', 'route_localnet']), '/proc/sys/net/ipv4/conf/br.lab.1/route_localnet',
    'a device name with dots stays one directory')
  t.equal(sysctlFile(['net', 'ipv6', 'conf', 'veth-a_b', 'disable_ipv6']), '/proc/sys/net/ipv6/conf/veth-a_b/disable_ipv6')
  t.equal(sysctlFile(['net', '...', 'x']), '/proc/sys/net/.../x', 'three dots are a name, not a way up')
})

tap.test('sysctlFile: no way out of /proc/sys', async t => {
  for (const bad of [
    ['net', '..', '..', 'etc', 'shadow'],
    ['..'],
    ['net', 'ipv6', 'conf', 'a/b', 'disable_ipv6'],
    ['net/ipv6', 'conf'],
    ['net', '/etc/passwd'],
    ['net', 'ipv4', 'conf', 'x', '../../../../etc/passwd'],
  ]) {
    t.throws(() => sysctlFile(bad), { name: 'TypeError', message: `bad sysctl path ${bad.join('.')}` }, JSON.stringify(bad))
  }
})

tap.test('writeSysctl refuses a bad path before touching anything', async t => {
  await t.rejects(writeSysctl(['net', '..', 'x'], '1'), TypeError)
  await t.rejects(writeSysctl(['net', 'a/b'], '1'), { message: /bad sysctl path net\.a\/b/ })
})

tap.test('readSysctl trims; ensureSysctl does not write an equal value', async t => {
  t.equal(await readSysctl('kernel.ostype'), 'Linux', 'a read-only key, without its newline')
  t.equal(await ensureSysctl('kernel.ostype', 'Linux'), 'Linux', 'equal: returns it, writes nothing (the key is read-only)')
  await t.rejects(readSysctl('net.berth.no_such_key'), { code: 'ENOENT' })
})

tap.test('writeSysctlFd writes the value through the fd and closes it', async t => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-sysctl-'))
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }))
  const file = path.join(dir, 'disable_ipv6')
  fs.writeFileSync(file, '')
  const fd = fs.openSync(file, 'w')
  t.equal(writeSysctlFd(fd, '1'), undefined)
  t.equal(fs.readFileSync(file, 'utf8'), '1', 'exactly the value, no newline')
  t.ok(isClosed(fd), 'the fd is closed')

  const fd2 = fs.openSync(file, 'w')
  writeSysctlFd(fd2, 'longer value')
  t.equal(fs.readFileSync(file, 'utf8'), 'longer value')
  t.ok(isClosed(fd2))
})

tap.test('writeSysctlFd closes the fd even when the write fails', async t => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-sysctl-'))
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }))
  const file = path.join(dir, 'ro')
  fs.writeFileSync(file, 'before')
  const fd = fs.openSync(file, 'r')
  t.throws(() => writeSysctlFd(fd, '1'), { code: 'EBADF' }, 'the write error is thrown (fd not open for writing)')
  t.ok(isClosed(fd), 'and the fd is closed anyway')
  t.equal(fs.readFileSync(file, 'utf8'), 'before', 'nothing written')
})
