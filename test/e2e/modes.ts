// Network modes (oracle appendix F/G): host, none, container:<name|id>,
// several networks at once, --mac-address; connect/disconnect refusals.
import t from 'tap'
import { HOST_IP, OUTSIDE_IP, cannotRun, sh, world } from '../helpers/world.js'

const skip = cannotRun()
if (skip) t.plan(0, skip)

t.test('host, none and container: modes', async t => {
  const w = await world(t)
  await w.ok(['network', 'create', '--subnet', '10.91.0.0/24', 'm1'])
  await w.ok(['network', 'create', '--subnet', '10.92.0.0/24', 'm2'])

  // host: the daemon's netns, no endpoint; -p discarded with Docker's warning.
  const host = await w.cli(['run', '-d', '--name', 'hosty', '--network', 'host', '-p', '8080:80', '--', 'sleep', '300'])
  t.equal(host.code, 0)
  t.match(host.stderr, /WARNING: Published ports are discarded when using host network mode/)
  const hostLinks = (await w.cli(['exec', 'hosty', '--', 'ip', '-o', 'link'])).stdout
  t.match(hostLinks, /berth0/, 'it sees the host netns (berth0 is there)')
  t.match((await w.cli(['exec', 'hosty', '--', 'ip', '-o', '-4', 'addr'])).stdout, new RegExp(HOST_IP.replace(/\./g, '\\.')), 'with the host address')
  const hi = JSON.parse(await w.ok(['inspect', 'hosty']))[0]
  t.match(hi, { HostConfig: { NetworkMode: 'host' }, NetworkSettings: { Networks: {} } })
  t.same(hi.NetworkSettings.Ports, {}, 'no ports')
  t.match((await w.cli(['network', 'connect', 'm1', 'hosty'])).stderr, /container cannot be disconnected from host network or connected to host network/)
  t.match(await w.ok(['network', 'ls']), /^[0-9a-f]{12}\s+host\s+host\s+local$/m, 'network ls shows the predefined host network')
  t.match(await w.ok(['network', 'ls']), /^[0-9a-f]{12}\s+none\s+null\s+local$/m, '… and none')
  const hostNet = JSON.parse(await w.ok(['network', 'inspect', 'host']))[0]
  t.match(hostNet, { Name: 'host', Driver: 'host' })
  t.same(Object.values(hostNet.Containers).map((c: any) => c.Name), ['hosty'], 'it lists the host-mode container')
  t.match((await w.cli(['network', 'rm', 'host'])).stderr, /host is a pre-defined network and cannot be removed/)

  // none: only lo, no IPv6 either.
  await w.ok(['run', '-d', '--name', 'lonely', '--network', 'none', '--', 'sleep', '300'])
  const noneLinks = w.ipJson<{ ifname: string }[]>(w.ns('lonely'), ['link']).map(l => l.ifname)
  t.same(noneLinks, ['lo'], 'only lo')
  t.equal(sh(['ip', '-n', w.ns('lonely'), '-6', 'addr']).stdout, '', 'no ::1 (IPv6 off, as Docker shows)')
  t.match(JSON.parse(await w.ok(['inspect', 'lonely']))[0], { HostConfig: { NetworkMode: 'none' }, NetworkSettings: { Networks: {} } })
  t.match((await w.cli(['network', 'connect', 'm1', 'lonely'])).stderr, /container cannot be connected to multiple networks with one of the networks in private \(none\) mode/)

  // container:X shares X's netns: interfaces, address, MAC, /etc files.
  await w.ok(['run', '-d', '--name', 'web', '--network', 'm1', '--hostname', 'webhost', '--', 'sleep', '300'])
  const webId = JSON.parse(await w.ok(['inspect', 'web']))[0].Id as string
  await w.ok(['run', '-d', '--name', 'side', '--network', `container:${webId.slice(0, 8)}`, '--', 'sleep', '300'])
  const sideAddr = (await w.cli(['exec', 'side', '--', 'ip', '-o', '-4', 'addr', 'show', 'eth0'])).stdout
  t.match(sideAddr, /10\.91\.0\.2\/24/, "the joiner sees web's eth0 and address")
  t.equal((await w.cli(['exec', 'side', '--', 'cat', '/etc/hosts'])).stdout, (await w.cli(['exec', 'web', '--', 'cat', '/etc/hosts'])).stdout, 'and its hosts file')
  const si = JSON.parse(await w.ok(['inspect', 'side']))[0]
  t.match(si, { HostConfig: { NetworkMode: `container:${webId}` }, NetworkSettings: { Networks: {}, SandboxKey: `/run/netns/${w.ns('web')}` } })
  t.match((await w.cli(['network', 'connect', 'm2', 'side'])).stderr, /container sharing network namespace with another container or host cannot be connected to any other network/)
  t.match((await w.cli(['rm', '-f', 'web'])).stderr, /container web is the network namespace of side/, 'the owner cannot go while a joiner uses it')
  await w.ok(['rm', '-f', 'side'])
  t.ok(await w.ping(w.ns('web'), '10.91.0.1'), "removing the joiner leaves the owner's netns working")
  await w.ok(['rm', '-f', 'web', 'hosty', 'lonely'])
  t.equal(sh(['ip', '-n', w.host, '-o', 'link']).stdout.split('\n').filter(l => /berth0|eth0/.test(l)).length, 2, 'the host netns kept berth0 and eth0 (host mode removed nothing)')
  t.equal((await w.cli(['network', 'ls'])).code, 0, 'berthd is fine')
})

t.test('several networks at once, --mac-address', async t => {
  const w = await world(t)
  await w.ok(['network', 'create', '--subnet', '10.93.0.0/24', 'zeta'])
  await w.ok(['network', 'create', '--subnet', '10.94.0.0/24', 'alpha'])
  await w.ok(['run', '-d', '--name', 'multi', '--network', 'zeta', '--network', 'alpha', '--mac-address', '02:aa:bb:cc:dd:ee', '--', 'sleep', '300'])
  const addrs = w.ipJson<{ ifname: string; address: string; addr_info: { local: string }[] }[]>(w.ns('multi'), ['-4', 'addr'])
  t.same(addrs.filter(a => a.ifname !== 'lo').map(a => [a.ifname, a.addr_info[0]?.local]), [['eth0', '10.93.0.2'], ['eth1', '10.94.0.2']], 'eth0 on the first network, eth1 on the second')
  const links = w.ipJson<{ ifname: string; address: string }[]>(w.ns('multi'), ['link'])
  t.equal(links.find(l => l.ifname === 'eth0')?.address, '02:aa:bb:cc:dd:ee', '--mac-address on the first network')
  t.equal(links.find(l => l.ifname === 'eth1')?.address, '02:42:0a:5e:00:02', 'the usual MAC on the others')
  const route = w.ipJson<{ dst: string; dev: string }[]>(w.ns('multi'), ['route']).find(r => r.dst === 'default')
  t.equal(route?.dev, 'eth1', 'the default route goes through "alpha", which sorts first')
  t.ok(await w.ping(w.ns('multi'), OUTSIDE_IP), 'and works')
  t.same(Object.keys(JSON.parse(await w.ok(['inspect', 'multi']))[0].NetworkSettings.Networks).sort(), ['alpha', 'zeta'])
})
