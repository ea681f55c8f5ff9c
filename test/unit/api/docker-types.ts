import tap from 'tap'
import { humanDuration, statusText, toContainerJSON, toContainerSummary, toNetworkJSON } from '../../../src/api/docker-types.js'
import type { Container, Endpoint, Network, State } from '../../../src/model/types.js'

const S = 1000
const M = 60 * S
const H = 60 * M
const D = 24 * H

tap.test('humanDuration', async t => {
  const cases: [number, string][] = [
    [0, 'Less than a second'],
    [400, 'Less than a second'],
    [1 * S, '1 second'],
    [5 * S, '5 seconds'],
    [59 * S, '59 seconds'],
    [60 * S, 'About a minute'],
    [89 * S, 'About a minute'],
    [2 * M, '2 minutes'],
    [45 * M, '45 minutes'],
    [59 * M, '59 minutes'],
    [60 * M, 'About an hour'],
    [89 * M, 'About an hour'],
    [2 * H, '2 hours'],
    [47 * H, '47 hours'],
    [48 * H, '2 days'],
    [10 * D, '10 days'],
  ]
  for (const [ms, want] of cases) t.equal(humanDuration(ms), want, `${ms} ms`)
})

tap.test('humanDuration truncates like Docker’s go-units', async t => {
  // go-units HumanDuration: int(d.Seconds()), int(d.Minutes()), hours/24 …
  t.equal(humanDuration(700), 'Less than a second')
  t.equal(humanDuration(59.7 * S), '59 seconds')
  t.equal(humanDuration(90 * S), 'About a minute')
  t.equal(humanDuration(59 * M + 40 * S), '59 minutes')
  t.equal(humanDuration(71 * H), '2 days')
  t.equal(humanDuration(20 * D), '2 weeks')
  t.equal(humanDuration(100 * D), '3 months')
  t.equal(humanDuration(800 * D), '2 years')
})

tap.test('humanDuration: go-units boundaries', async t => {
  const cases: [number, string][] = [
    [999, 'Less than a second'],
    [1999, '1 second'],
    [2 * S, '2 seconds'],
    [119 * S, 'About a minute'], // int(d.Minutes()) == 1
    [120 * S, '2 minutes'],
    [89 * M + 59 * S, 'About an hour'], // hours = int(d.Hours() + 0.5): rounds
    [90 * M, '2 hours'],
    [47 * H + 29 * M, '47 hours'],
    [47 * H + 30 * M, '2 days'], // rounds up to 48 hours
    [13 * D + 23 * H, '13 days'],
    [14 * D, '2 weeks'],
    [59 * D + 23 * H, '8 weeks'],
    [60 * D, '2 months'],
    [729 * D, '24 months'],
    [730 * D, '2 years'],
    [365 * 5 * D + 23 * H, '5 years'], // years come from the truncated hours
    [-5 * S, 'Less than a second'],
  ]
  for (const [ms, want] of cases) t.equal(humanDuration(ms), want, `${ms} ms`)
})

const NET: Network = {
  id: 'd'.repeat(64),
  name: 'bridge',
  driver: 'bridge',
  created: '2026-01-01T00:00:00.000Z',
  subnet: '172.17.0.0/16',
  gateway: '172.17.0.1',
  userSubnet: false,
  bridge: 'berth0',
  internal: false,
  icc: true,
  masquerade: true,
  attachable: false,
  isDefault: true,
  options: {},
  labels: {},
  status: 'ready',
}
const ep = (id: string, ip: string, status: Endpoint['status'] = 'ready'): Endpoint => ({
  id,
  networkId: NET.id,
  ifname: 'eth0',
  hostIfname: `veth${id.slice(0, 7)}`,
  ip,
  mac: '02:42:ac:11:00:02',
  aliases: [],
  status,
})
const ctr = (process: Container['process'], endpoints: Endpoint[] = []): Container => ({
  id: 'c'.repeat(64),
  name: 'db1',
  hostname: 'cccccccccccc',
  created: '2026-01-01T00:00:00.000Z',
  mode: 'bridge',
  netns: 'berth-db1',
  cmd: ['sleep', 'infinity'],
  endpoints,
  ports: [],
  links: [],
  nextIfIndex: 1,
  process,
  status: 'ready',
})
const NOW = Date.parse('2026-01-01T01:00:00.000Z')

tap.test('statusText', async t => {
  t.equal(statusText(ctr({ status: 'created' }), NOW), 'Created')
  t.equal(statusText(ctr({ status: 'running', startedAt: '2026-01-01T00:59:55.000Z' }), NOW), 'Up 5 seconds')
  t.equal(statusText(ctr({ status: 'running' }), NOW), 'Up About an hour', 'falls back to the creation time')
  t.equal(
    statusText(ctr({ status: 'exited', exitCode: 137, finishedAt: '2026-01-01T00:58:00.000Z' }), NOW),
    'Exited (137) 2 minutes ago',
  )
  t.equal(statusText(ctr({ status: 'exited', finishedAt: '2026-01-01T00:59:59.800Z' }), NOW), 'Exited (0) Less than a second ago')
})

tap.test('toNetworkJSON lists ready endpoints with their prefix', async t => {
  const c = ctr({ status: 'running' }, [ep('e1', '172.17.0.2'), ep('e2', '172.17.0.3', 'creating')])
  const s: State = { networks: [NET], containers: [c], poolCursor: -1 }
  const j = toNetworkJSON(NET, s)
  t.match(j, { Name: 'bridge', Id: NET.id, Driver: 'bridge', Scope: 'local', IPAM: { Driver: 'default', Config: [{ Subnet: '172.17.0.0/16', Gateway: '172.17.0.1' }] } })
  t.strictSame(j.Containers, {
    [c.id]: { Name: 'db1', EndpointID: 'e1', MacAddress: '02:42:ac:11:00:02', IPv4Address: '172.17.0.2/16', IPv6Address: '' },
  })
  t.notOk('IPRange' in (j.IPAM.Config[0] ?? {}))
  t.match(toNetworkJSON({ ...NET, ipRange: '172.17.5.0/24' }, s).IPAM.Config[0], { IPRange: '172.17.5.0/24' })
})

tap.test('toContainerJSON: default network shows as NetworkMode default', async t => {
  const c = ctr({ status: 'running', pid: 42 }, [ep('e1', '172.17.0.2')])
  const j = toContainerJSON(c, { networks: [NET], containers: [c], poolCursor: -1 }, '/run/netns/berth-db1', '/x.log')
  t.equal(j.HostConfig.NetworkMode, 'default')
  t.equal(j.Name, '/db1')
  t.match(j.NetworkSettings, { IPAddress: '172.17.0.2', IPPrefixLen: 16, Gateway: '172.17.0.1', SandboxKey: '/run/netns/berth-db1' })
  t.strictSame(Object.keys(j.NetworkSettings.Networks), ['bridge'])
  t.match(j.State, { Status: 'running', Running: true, Pid: 42 })
  const none = toContainerJSON(ctr({ status: 'created' }), { networks: [NET], containers: [], poolCursor: -1 }, '', '')
  t.equal(none.HostConfig.NetworkMode, 'none')
  t.equal(none.NetworkSettings.IPAddress, '')
})

const PORTS: Container['ports'] = [
  { proto: 'tcp', containerPort: 80, hostIp: '0.0.0.0', hostPort: 8080, requested: { hostIp: '', hostPort: '8080' } },
  { proto: 'tcp', containerPort: 80, hostIp: '127.0.0.1', hostPort: 49153, requested: { hostIp: '127.0.0.1', hostPort: '' } },
  { proto: 'udp', containerPort: 53, hostIp: '0.0.0.0', hostPort: 9005, requested: { hostIp: '', hostPort: '9000-9009' } },
]

tap.test('toContainerJSON: PortBindings as asked, NetworkSettings.Ports as chosen', async t => {
  const c = { ...ctr({ status: 'running', pid: 42 }, [ep('e1', '172.17.0.2')]), ports: PORTS }
  const j = toContainerJSON(c, { networks: [NET], containers: [c], poolCursor: -1 }, '', '')
  t.strictSame(j.HostConfig.PortBindings, {
    '80/tcp': [
      { HostIp: '', HostPort: '8080' },
      { HostIp: '127.0.0.1', HostPort: '' },
    ],
    '53/udp': [{ HostIp: '', HostPort: '9000-9009' }],
  })
  t.strictSame(j.NetworkSettings.Ports, {
    '80/tcp': [
      { HostIp: '0.0.0.0', HostPort: '8080' },
      { HostIp: '127.0.0.1', HostPort: '49153' },
    ],
    '53/udp': [{ HostIp: '0.0.0.0', HostPort: '9005' }],
  })
  const none = toContainerJSON(ctr({ status: 'created' }), { networks: [NET], containers: [], poolCursor: -1 }, '', '')
  t.strictSame(none.HostConfig.PortBindings, {})
  t.strictSame(none.NetworkSettings.Ports, {})
})

tap.test('toContainerSummary: one Ports entry per mapping, as `docker ps` reads them', async t => {
  const c = { ...ctr({ status: 'running' }, [ep('e1', '172.17.0.2')]), ports: PORTS }
  t.strictSame(toContainerSummary(c, { networks: [NET], containers: [c], poolCursor: -1 }).Ports, [
    { IP: '0.0.0.0', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' },
    { IP: '127.0.0.1', PrivatePort: 80, PublicPort: 49153, Type: 'tcp' },
    { IP: '0.0.0.0', PrivatePort: 53, PublicPort: 9005, Type: 'udp' },
  ])
  t.strictSame(toContainerSummary(ctr({ status: 'created' }), { networks: [NET], containers: [], poolCursor: -1 }).Ports, [])
})
