// The seed scenario: a custom bridge, two sandboxes that reach each other by
// IP with Docker's addressing (lowest free IP, 02:42 MAC, default route via
// the gateway), and outbound NAT to the outside netns.
import t from 'tap'
import { HOST_IP, OUTSIDE_IP, cannotRun, world } from '../helpers/world.js'

const skip = cannotRun()
if (skip) t.plan(0, skip)

interface Addr {
  ifname: string
  address: string
  addr_info: { family: string; local: string; prefixlen: number }[]
}

t.test('two sandboxes on a custom bridge', async t => {
  const w = await world(t)
  const netId = await w.ok(['network', 'create', '--subnet', '172.18.0.0/16', '--gateway', '172.18.0.1', 'nasanet'])
  t.match(netId, /^[0-9a-f]{64}$/, 'network create prints the full id')
  await w.ok(['run', '-d', '--name', 'c1', '--network', 'nasanet', '--', 'sleep', '300'])
  await w.ok(['run', '-d', '--name', 'c2', '--network', 'nasanet', '--', 'sleep', '300'])

  const bridge = `br-${netId.slice(0, 12)}`
  const hostLinks = w.ipJson<{ ifname: string; master?: string }[]>(w.host, ['link'])
  t.ok(hostLinks.some(l => l.ifname === bridge), `bridge ${bridge} exists in the host netns`)
  t.equal(hostLinks.filter(l => /^veth[0-9a-f]{7}$/.test(l.ifname) && l.master === bridge).length, 2, 'two veth ports on it')

  for (const [name, ip, mac] of [
    ['c1', '172.18.0.2', '02:42:ac:12:00:02'],
    ['c2', '172.18.0.3', '02:42:ac:12:00:03'],
  ] as const) {
    const addrs = w.ipJson<Addr[]>(w.ns(name), ['addr'])
    const eth0 = addrs.find(a => a.ifname === 'eth0')
    t.equal(eth0?.address, mac, `${name} MAC is 02:42 + its IPv4 bytes`)
    t.same(eth0?.addr_info.filter(i => i.family === 'inet').map(i => `${i.local}/${i.prefixlen}`), [`${ip}/16`])
    t.ok(addrs.some(a => a.ifname === 'lo'), `${name} has lo`)
    t.same(addrs.flatMap(a => a.addr_info.filter(i => i.family === 'inet6')), [], `${name}: no IPv6 address anywhere (IPv4-only network)`)
    const routes = w.ipJson<{ dst: string; gateway?: string; dev: string }[]>(w.ns(name), ['route'])
    t.ok(routes.some(r => r.dst === 'default' && r.gateway === '172.18.0.1' && r.dev === 'eth0'), `${name} default via the gateway`)
  }

  t.ok(await w.ping(w.ns('c1'), '172.18.0.3'), 'c1 pings c2 by IP')
  t.ok(await w.ping(w.ns('c2'), '172.18.0.2'), 'c2 pings c1 by IP')
  t.ok(await w.ping(w.ns('c1'), '172.18.0.1'), 'c1 pings its gateway')

  const inspect = JSON.parse(await w.ok(['network', 'inspect', 'nasanet']))[0]
  t.match(inspect, {
    Name: 'nasanet',
    Id: netId,
    Scope: 'local',
    Driver: 'bridge',
    EnableIPv6: false,
    IPAM: { Driver: 'default', Config: [{ Subnet: '172.18.0.0/16', Gateway: '172.18.0.1' }] },
    Internal: false,
    Attachable: false,
    Options: { 'com.docker.network.bridge.name': bridge },
    Labels: {},
  })
  const members = Object.values(inspect.Containers as Record<string, { Name: string; IPv4Address: string; MacAddress: string }>)
  t.same(
    members.map(m => [m.Name, m.IPv4Address, m.MacAddress]).sort(),
    [
      ['c1', '172.18.0.2/16', '02:42:ac:12:00:02'],
      ['c2', '172.18.0.3/16', '02:42:ac:12:00:03'],
    ],
    'network inspect lists both endpoints',
  )

  const c1 = JSON.parse(await w.ok(['inspect', 'c1']))[0]
  t.match(c1, {
    Name: '/c1',
    State: { Status: 'running', Running: true },
    NetworkSettings: {
      SandboxKey: `/run/netns/${w.ns('c1')}`,
      Networks: { nasanet: { NetworkID: netId, Gateway: '172.18.0.1', IPAddress: '172.18.0.2', IPPrefixLen: 16, MacAddress: '02:42:ac:12:00:02' } },
    },
  })
  t.match(c1.NetworkSettings.Networks.nasanet.EndpointID, /^[0-9a-f]{64}$/)
  t.match(c1.State.Pid, Number)
  t.not(c1.State.Pid, 0)
})

t.test('outbound traffic is masqueraded to the host address', async t => {
  const w = await world(t)
  // A TCP server in the outside netns that answers with the address it saw.
  const server = w.in(w.outside, ['socat', '-T5', 'TCP-LISTEN:8000,reuseaddr', 'SYSTEM:echo $SOCAT_PEERADDR'], 15_000)
  await new Promise(r => setTimeout(r, 300))
  await w.ok(['network', 'create', 'custombridge'])
  await w.ok(['run', '-d', '--name', 'web', '--network', 'custombridge', '--', 'sleep', '300'])
  const r = await w.in(w.ns('web'), ['socat', '-T3', '-', `TCP:${OUTSIDE_IP}:8000`])
  t.equal(r.code, 0, `connected: ${r.stderr}`)
  t.equal(r.stdout.trim(), HOST_IP, 'the outside server saw the host address')
  await server
})
