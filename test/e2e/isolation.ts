// Docker's isolation: two different berth networks never reach each other
// (both directions, ICMP and TCP); the default network `bridge` works.
import t from 'tap'
import { OUTSIDE_IP, cannotRun, world } from '../helpers/world.js'

const skip = cannotRun()
if (skip) t.plan(0, skip)

t.test('networks are isolated from each other', async t => {
  const w = await world(t)
  await w.ok(['network', 'create', '--subnet', '10.10.0.0/24', 'neta'])
  await w.ok(['network', 'create', '--subnet', '10.20.0.0/24', 'netb'])
  await w.ok(['run', '-d', '--name', 'a1', '--network', 'neta', '--', 'sleep', '300'])
  await w.ok(['run', '-d', '--name', 'b1', '--network', 'netb', '--', 'sleep', '300'])
  await w.ok(['run', '-d', '--name', 'd1', '--', 'sleep', '300'])
  // A TCP listener in each container.
  for (const c of ['a1', 'b1', 'd1']) void w.in(w.ns(c), ['socat', '-T10', 'TCP-LISTEN:9000,reuseaddr,fork', 'SYSTEM:echo hi'], 12_000)
  await new Promise(r => setTimeout(r, 300))

  const tcp = async (from: string, ip: string) => (await w.in(w.ns(from), ['socat', '-T2', '-', `TCP:${ip}:9000,connect-timeout=2`])).stdout.trim() === 'hi'
  // Positive controls first: every listener is up and reachable where allowed.
  for (const ip of ['10.10.0.2', '10.20.0.2', '172.17.0.2']) {
    t.equal((await w.in(w.host, ['socat', '-T2', '-', `TCP:${ip}:9000`])).stdout.trim(), 'hi', `the host reaches ${ip}:9000`)
  }
  await w.ok(['run', '-d', '--name', 'b2', '--network', 'netb', '--', 'sleep', '300'])
  t.ok(await tcp('b2', '10.20.0.2'), 'netb → netb TCP works')
  t.notOk(await w.ping(w.ns('a1'), '10.20.0.2'), 'neta → netb ICMP dropped')
  t.notOk(await w.ping(w.ns('b1'), '10.10.0.2'), 'netb → neta ICMP dropped')
  t.notOk(await tcp('a1', '10.20.0.2'), 'neta → netb TCP dropped')
  t.notOk(await tcp('b1', '10.10.0.2'), 'netb → neta TCP dropped')
  t.notOk(await w.ping(w.ns('d1'), '10.10.0.2'), 'bridge → neta dropped')
  t.notOk(await w.ping(w.ns('a1'), '172.17.0.2'), 'neta → bridge dropped')
  // Controls: the same paths work where they should.
  t.ok(await w.ping(w.ns('a1'), OUTSIDE_IP), 'neta still reaches the outside')
  t.ok(await w.ping(w.ns('b1'), OUTSIDE_IP), 'netb still reaches the outside')
  t.ok(await w.ping(w.ns('a1'), '10.20.0.1'), 'a container reaches the host itself, even another network\'s gateway, like Docker')
  t.equal((await w.in(w.host, ['socat', '-T2', '-', 'TCP:10.10.0.2:9000'])).stdout.trim(), 'hi', 'the host reaches containers')
  const fromOutside = await w.in(w.outside, ['sh', '-c', 'ip route add 10.10.0.0/24 via 198.51.100.1 && ping -c1 -W1 10.10.0.2'])
  t.not(fromOutside.code, 0, 'the outside cannot open connections to a container IP')
})

t.test('the default network bridge', async t => {
  const w = await world(t)
  const nets = (await w.ok(['network', 'ls'])).split('\n')
  t.match(nets[1] ?? '', /^[0-9a-f]{12}\s+bridge\s+bridge\s+local$/, 'bridge exists from the first start')
  const links = w.ipJson<{ ifname: string }[]>(w.host, ['addr', 'show', 'berth0'])
  t.equal(links.length, 1, 'kernel bridge berth0 exists')
  await w.ok(['run', '-d', '--name', 'd1', '--', 'sleep', '300'])
  await w.ok(['run', '-d', '--name', 'd2', '--', 'sleep', '300'])
  const d1 = JSON.parse(await w.ok(['inspect', 'd1']))[0]
  t.match(d1.NetworkSettings, { IPAddress: '172.17.0.2', Gateway: '172.17.0.1', MacAddress: '02:42:ac:11:00:02', Networks: { bridge: { IPAddress: '172.17.0.2' } } })
  t.equal(d1.HostConfig.NetworkMode, 'default')
  t.ok(await w.ping(w.ns('d1'), '172.17.0.3'), 'd1 pings d2')
  t.ok(await w.ping(w.ns('d2'), OUTSIDE_IP), 'd2 reaches the outside')
  const rc = (await w.in(w.ns('d1'), ['cat', '/etc/resolv.conf'])).stdout
  t.match(rc, `nameserver ${OUTSIDE_IP}`, 'resolv.conf lists the configured upstream')
  t.equal((await w.cli(['network', 'rm', 'bridge'])).stderr.trim(), 'Error response from daemon: bridge is a pre-defined network and cannot be removed')
})
