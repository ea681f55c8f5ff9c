// The native addon: named netns visible to ip-netns(8), synchronous
// self-restoring setns, sockets opened inside a netns.
import fs from 'node:fs'
import { randomBytes } from 'node:crypto'
import t from 'tap'
import { createRtNetlink } from 'netlink'
import { loadNative } from '../../src/kernel/native.js'
import { cannotRun, sh } from '../helpers/world.js'

const skip = cannotRun()
if (skip) t.plan(0, skip)

const native = loadNative()
const name = `btn${randomBytes(3).toString('hex')}`
const nsPath = `/run/netns/${name}`
const ownNs = () => fs.readlinkSync('/proc/thread-self/ns/net')

t.teardown(() => native.deleteNetns(nsPath))

t.test('createNetns makes a netns ip-netns(8) sees and can enter', async t => {
  native.createNetns('/run/netns', name)
  t.match(sh(['ip', 'netns', 'list']).stdout, name)
  const links = sh(['ip', 'netns', 'exec', name, 'ip', '-o', 'link']).stdout
  t.match(links, /^1: lo:/, 'only lo inside')
  t.throws(() => native.createNetns('/run/netns', name), /File exists/, 'EEXIST for a second one')
})

t.test('withNetns runs synchronously inside and always comes back', async t => {
  const before = ownNs()
  const inside = native.withNetns(nsPath, () => fs.readlinkSync('/proc/thread-self/ns/net'))
  t.not(inside, before, 'the callback ran in the target netns')
  t.equal(ownNs(), before, 'back in the original netns')
  t.throws(() => native.withNetns(nsPath, () => { throw new Error('boom') }), /boom/, 'errors propagate')
  t.equal(ownNs(), before, 'back after an error')
  t.throws(() => native.withNetns(nsPath, async () => 1), /must be synchronous/, 'a thenable is refused')
  t.equal(ownNs(), before, 'back after a refused callback')
  t.throws(() => native.withNetns('/run/netns/does-not-exist', () => 1), /No such file or directory/)
  const nl = native.withNetns(nsPath, () => createRtNetlink())
  const names = (await nl.getLinks()).map(l => l.attrs.ifname)
  nl.socket.socket.close()
  t.same(names, ['lo'], 'a netlink socket opened inside sees only the netns')
})

t.test('socketIn binds inside the netns only', async t => {
  sh(['ip', '-n', name, 'link', 'set', 'lo', 'up'])
  const fd = native.socketIn(nsPath, 'udp', '127.0.0.11', 53)
  t.ok(fd > 2)
  t.match(sh(['ip', 'netns', 'exec', name, 'ss', '-Hlun']).stdout, '127.0.0.11:53', 'bound in the netns')
  t.notMatch(sh(['ss', '-Hlun']).stdout, '127.0.0.11:53', 'not in the host')
  fs.closeSync(fd)
  const tfd = native.socketIn(nsPath, 'tcp', '127.0.0.11', 53)
  t.match(sh(['ip', 'netns', 'exec', name, 'ss', '-Hltn']).stdout, '127.0.0.11:53', 'TCP listens')
  fs.closeSync(tfd)
  t.throws(() => native.socketIn(nsPath, 'udp', '10.9.9.9', 53), /bind/, 'a non-local address fails')
  t.throws(() => native.socketIn(nsPath, 'udp', 'not-an-ip', 53), /bad IPv4 address/)
})

t.test('bindPort holds a port: nobody else binds it, nothing is accepted on it', async t => {
  const fds = native.withNetns(nsPath, () => [native.bindPort('tcp', '127.0.0.1', 8080), native.bindPort('udp', '127.0.0.1', 8080)])
  const inNs = (...argv: string[]) => sh(['ip', 'netns', 'exec', name, ...argv], undefined, 5000)
  t.match(inNs('socat', '-T1', 'TCP-LISTEN:8080,reuseaddr', '-').stderr, /Address already in use/, 'TCP, even with SO_REUSEADDR')
  t.match(inNs('socat', '-T1', 'UDP-LISTEN:8080,reuseaddr', '-').stderr, /Address already in use/, 'UDP, even with SO_REUSEADDR')
  t.not(inNs('socat', '-T1', '-', 'TCP:127.0.0.1:8080,connect-timeout=1').code, 0, 'a connection is never accepted (drop-all filter)')
  t.throws(() => native.withNetns(nsPath, () => native.bindPort('tcp', '127.0.0.1', 8080)), /Address already in use/, 'a second reservation fails')
  for (const fd of fds) fs.closeSync(fd)
  t.match(inNs('socat', '-T1', 'UDP-LISTEN:8080,reuseaddr', 'SYSTEM:true').stderr, /^$|timeout/, 'free again once closed')
})

t.test('deleteNetns removes it and tolerates a missing one', async t => {
  native.deleteNetns(nsPath)
  t.notMatch(sh(['ip', 'netns', 'list']).stdout, name)
  t.doesNotThrow(() => native.deleteNetns(nsPath))
})
