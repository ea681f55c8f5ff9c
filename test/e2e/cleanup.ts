// rm and network rm leave nothing behind (netns, links, addresses, routes,
// rules, files), compared against a snapshot taken before; connect and
// disconnect add and remove ethN live.
import t from 'tap'
import { cannotRun, world } from '../helpers/world.js'

const skip = cannotRun()
if (skip) t.plan(0, skip)

t.test('everything removed leaves the host as it was', async t => {
  const w = await world(t)
  const before = w.snapshot()
  await w.ok(['network', 'create', '--subnet', '10.30.0.0/24', 'x1'])
  await w.ok(['network', 'create', '-o', 'com.docker.network.bridge.name=brx2', '-o', 'com.docker.network.driver.mtu=1400', 'x2'])
  await w.ok(['run', '-d', '--name', 'ca', '--network', 'x1', '--', 'sleep', '300'])
  await w.ok(['create', '--name', 'cb', '--network', 'x2'])
  await w.ok(['run', '-d', '--name', 'cc', '--', 'sleep', '300'])
  await w.ok(['network', 'connect', 'x2', 'ca'])
  t.not(JSON.stringify(w.snapshot()), JSON.stringify(before), 'the snapshot sees what was made')
  t.equal(w.ipJson<{ mtu: number }[]>(w.ns('cb'), ['link', 'show', 'eth0'])[0]?.mtu, 1400, 'MTU option applies to the container side')
  t.ok(w.ipJson<{ ifname: string }[]>(w.host, ['link', 'show', 'brx2']).length === 1, 'bridge name option')

  await w.ok(['rm', '-f', 'ca', 'cb', 'cc'])
  await w.ok(['network', 'rm', 'x1', 'x2'])
  t.same(w.snapshot(), before, 'netns, links, addresses, routes, rules and files are back to the snapshot')
})

t.test('connect and disconnect', async t => {
  const w = await world(t)
  await w.ok(['network', 'create', '--subnet', '10.40.0.0/24', 'front'])
  await w.ok(['network', 'create', '--subnet', '10.50.0.0/24', 'back'])
  await w.ok(['run', '-d', '--name', 'app', '--network', 'front', '--', 'sleep', '300'])
  await w.ok(['run', '-d', '--name', 'db', '--network', 'back', '--', 'sleep', '300'])
  t.notOk(await w.ping(w.ns('app'), '10.50.0.2'), 'before connect: isolated')
  const appVeth = `veth${(JSON.parse(await w.ok(['inspect', 'app']))[0].NetworkSettings.Networks.front.EndpointID as string).slice(0, 7)}`
  const linksBefore = w.snapshot().links as string[]

  await w.ok(['network', 'connect', '--ip', '10.50.0.99', 'back', 'app'])
  const eth1 = w.ipJson<{ ifname: string; address: string; addr_info: { local: string }[] }[]>(w.ns('app'), ['addr', 'show', 'eth1'])[0]
  t.equal(eth1?.addr_info[0]?.local, '10.50.0.99', 'eth1 has the requested address')
  t.equal(eth1?.address, '02:42:0a:32:00:63')
  t.ok(await w.ping(w.ns('app'), '10.50.0.2'), 'after connect: app reaches db')
  const hosts = (await w.in(w.ns('app'), ['cat', '/etc/hosts'])).stdout
  t.match(hosts, /10\.40\.0\.2\t\S+\n10\.50\.0\.99\t\S+\n$/, 'hosts gains a line per network')
  const routes = w.ipJson<{ dst: string; dev: string }[]>(w.ns('app'), ['route'])
  t.equal(routes.find(r => r.dst === 'default')?.dev, 'eth1', 'the default route moves to eth1: "back" sorts before "front" (Docker\'s rule)')
  t.equal(routes.filter(r => r.dst === 'default').length, 1, 'one default route')
  const again = await w.cli(['network', 'connect', 'back', 'app'])
  t.match(again.stderr, /endpoint with name app already exists in network back/)

  await w.ok(['network', 'disconnect', 'front', 'app'])
  const routesAfter = w.ipJson<{ dst: string; dev: string; gateway?: string }[]>(w.ns('app'), ['route'])
  t.match(routesAfter.find(r => r.dst === 'default'), { dev: 'eth1', gateway: '10.50.0.1' }, 'the default route stays with the remaining network')
  t.same(w.ipJson<{ ifname: string }[]>(w.ns('app'), ['link']).map(l => l.ifname).sort(), ['eth1', 'lo'], 'eth0 is gone')
  await w.ok(['network', 'connect', 'front', 'app'])
  t.equal(w.ipJson<unknown[]>(w.ns('app'), ['link', 'show', 'eth2']).length, 1, 'the index only grows: eth2')
  const notOn = await w.cli(['network', 'disconnect', 'front', 'db'])
  t.match(notOn.stderr, /container db is not connected to network front/)
  await w.ok(['network', 'disconnect', 'front', 'app'])
  await w.ok(['network', 'disconnect', 'back', 'app'])
  t.same(w.ipJson<{ ifname: string }[]>(w.ns('app'), ['link']).map(l => l.ifname), ['lo'], 'disconnected from all: only lo')
  await w.ok(['network', 'connect', 'front', 'app'])
  const hostsAfter = (await w.in(w.ns('app'), ['cat', '/etc/hosts'])).stdout
  t.match(hostsAfter, /ip6-allrouters\n10\.40\.0\.2\t\S+\n$/, 'hosts follows')
  t.ok(await w.ping(w.ns('app'), '10.40.0.1'), 'reconnected works')
  await w.ok(['network', 'disconnect', 'front', 'app'])
  await w.ok(['network', 'connect', 'front', 'app'])
  await w.ok(['network', 'disconnect', 'front', 'app'])
  t.same(w.snapshot().links, linksBefore.filter(l => l !== appVeth), 'no veth left after disconnects')
})
