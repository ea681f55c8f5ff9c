import tap from 'tap'
import type { Container, State } from '../../../src/model/types.js'
import { STATE_VERSION, emptyState, parseState, serializeContainer, serializeStateFile } from '../../../src/state/schema.js'

const FULL: State = {
  networks: [
    {
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
      options: { 'com.docker.network.bridge.default_bridge': 'true' },
      labels: {},
      status: 'ready',
    },
    {
      id: 'a'.repeat(64),
      name: 'nasanet',
      driver: 'bridge',
      created: '2026-01-02T00:00:00.000Z',
      subnet: '10.99.0.0/24',
      gateway: '10.99.0.1',
      ipRange: '10.99.0.128/25',
      userSubnet: true,
      bridge: 'br-aaaaaaaaaaaa',
      mtu: 1400,
      internal: true,
      icc: false,
      masquerade: false,
      attachable: true,
      isDefault: false,
      options: {},
      labels: { team: 'apollo' },
      status: 'creating',
    },
  ],
  containers: [
    {
      id: 'c'.repeat(64),
      name: 'web',
      hostname: 'apollo',
      created: '2026-01-03T00:00:00.000Z',
      mode: 'bridge',
      netns: 'berth-web',
      cmd: ['sleep', 'infinity'],
      endpoints: [
        {
          id: 'e'.repeat(64),
          networkId: 'd'.repeat(64),
          ifname: 'eth0',
          hostIfname: 'veth' + 'e'.repeat(7),
          ip: '172.17.0.2',
          mac: '02:42:ac:11:00:02',
          aliases: ['www', 'frontend'],
          status: 'ready',
        },
      ],
      ports: [
        { proto: 'tcp', containerPort: 80, hostIp: '0.0.0.0', hostPort: 8080, requested: { hostIp: '', hostPort: '8080' } },
        { proto: 'udp', containerPort: 53, hostIp: '127.0.0.1', hostPort: 49200, requested: { hostIp: '127.0.0.1', hostPort: '' } },
      ],
      links: [{ container: 'db2', alias: 'dbalias' }],
      nextIfIndex: 1,
      process: { status: 'exited', pid: 4242, pidStart: 123456, exitCode: 137, startedAt: '2026-01-03T00:00:01.000Z', finishedAt: '2026-01-03T00:01:00.000Z' },
      status: 'removing',
    },
  ],
  poolCursor: 4,
  bridgeNetfilter: true,
}

/** The document the store assembles: state.json with the container files as `containers`. */
const assembled = (st: State) => ({
  ...JSON.parse(serializeStateFile(st)),
  containers: st.containers.map(c => JSON.parse(serializeContainer(c))),
})

tap.test('serializeStateFile writes a versioned, readable document without the containers', async t => {
  const text = serializeStateFile(FULL)
  t.ok(text.endsWith('}\n'))
  t.match(text, /^\{\n {2}"version": 2,\n/)
  t.equal(STATE_VERSION, 2)
  t.equal(JSON.parse(text).version, STATE_VERSION)
  t.notOk('containers' in JSON.parse(text), 'containers have files of their own')
  t.strictSame(JSON.parse(text).networks, FULL.networks)
  t.equal(JSON.parse(text).poolCursor, 4)
})

tap.test('serializeContainer writes one container, readable', async t => {
  const c = FULL.containers[0] as Container
  const text = serializeContainer(c)
  t.ok(text.endsWith('}\n'))
  t.match(text, /^\{\n {2}"id": "c{64}",\n/)
  t.strictSame(JSON.parse(text), c)
})

tap.test('parseState of the assembled files round trips', async t => {
  t.strictSame(parseState(assembled(FULL), 'state.json'), FULL)
  t.strictSame(parseState(assembled(emptyState()), 'state.json'), { networks: [], containers: [], poolCursor: -1 })
  t.strictSame(emptyState(), { networks: [], containers: [], poolCursor: -1 })
})

tap.test('version 1 (containers inside state.json) migrates as it is', async t => {
  const v1 = { ...assembled(FULL), version: 1 }
  t.strictSame(parseState(v1, 'state.json'), FULL)
})

tap.test('unknown keys are dropped, not kept', async t => {
  const doc = { ...assembled(emptyState()), extra: 1 }
  t.strictSame(parseState(doc, 'state.json'), emptyState())
})

tap.test('a newer version is refused', async t => {
  t.throws(() => parseState({ ...assembled(FULL), version: STATE_VERSION + 1 }, '/var/lib/berth/state.json'), {
    name: 'BerthError',
    kind: 'System',
    code: 'E_STATE',
    message: '/var/lib/berth/state.json: written by a newer berth (state version 3, this berth knows 2)',
  })
})

tap.test('a missing or non-numeric version is refused', async t => {
  for (const raw of [{ networks: [], containers: [], poolCursor: -1 }, { version: '1' }, null, 'text', 42, []]) {
    t.throws(() => parseState(raw, 's.json'), { kind: 'System', code: 'E_STATE', message: 's.json: not a berth state document (no version)' }, JSON.stringify(raw))
  }
})

tap.test('an older version without a migration is refused', async t => {
  t.throws(() => parseState({ version: 0 }, 's.json'), { kind: 'System', code: 'E_STATE', message: 's.json: no migration from state version 0' })
})

tap.test('an invalid document is refused with the path of the problem', async t => {
  const good = assembled(FULL)
  const cases: [string, (d: any) => void, RegExp][] = [
    ['no networks', d => delete d.networks, /networks/],
    ['bad driver', d => (d.networks[0].driver = 'overlay'), /networks\.0\.driver/],
    ['bad status', d => (d.containers[0].status = 'zombie'), /containers\.0\.status/],
    ['bad process', d => (d.containers[0].process.status = 'paused'), /containers\.0\.process\.status/],
    ['non-integer cursor', d => (d.poolCursor = 1.5), /poolCursor/],
    ['endpoint without ip', d => delete d.containers[0].endpoints[0].ip, /containers\.0\.endpoints\.0\.ip/],
    ['numeric label', d => (d.networks[1].labels.team = 1), /networks\.1\.labels\.team/],
    ['sctp port', d => (d.containers[0].ports[0].proto = 'sctp'), /containers\.0\.ports\.0\.proto/],
    ['fractional host port', d => (d.containers[0].ports[1].hostPort = 80.5), /containers\.0\.ports\.1\.hostPort/],
    ['textual container port', d => (d.containers[0].ports[0].containerPort = '80'), /containers\.0\.ports\.0\.containerPort/],
    ['port without requested', d => delete d.containers[0].ports[0].requested, /containers\.0\.ports\.0\.requested/],
    ['ports not a list', d => (d.containers[0].ports = {}), /containers\.0\.ports/],
  ]
  for (const [what, mutate, path] of cases) {
    const doc = structuredClone(good)
    mutate(doc)
    t.throws(() => parseState(doc, 's.json'), { kind: 'System', code: 'E_STATE', message: path }, what)
    t.throws(() => parseState(doc, 's.json'), { message: /^s\.json: invalid state: / }, what)
  }
})

tap.test('a container written before published ports reads with no ports', async t => {
  for (const version of [1, 2]) {
    const doc = { ...assembled(FULL), version }
    delete doc.containers[0].ports
    const st = parseState(doc, 's.json')
    t.strictSame(st.containers[0]?.ports, [], `version ${version}`)
    t.strictSame(st, { ...FULL, containers: FULL.containers.map(c => ({ ...c, ports: [] })) }, 'nothing else changes')
    t.strictSame(JSON.parse(serializeContainer(st.containers[0] as Container)).ports, [], 'and is written back with an explicit empty list')
  }
})

tap.test('an endpoint written before aliases reads with no aliases', async t => {
  for (const version of [1, 2]) {
    const doc = { ...assembled(FULL), version }
    t.ok('aliases' in doc.containers[0].endpoints[0], 'the fixture has aliases to delete')
    delete doc.containers[0].endpoints[0].aliases
    const st = parseState(doc, 's.json')
    t.strictSame(st.containers[0]?.endpoints[0]?.aliases, [], `version ${version}`)
    t.strictSame(
      st,
      { ...FULL, containers: FULL.containers.map(c => ({ ...c, endpoints: c.endpoints.map(e => ({ ...e, aliases: [] })) })) },
      'nothing else changes',
    )
    t.strictSame(JSON.parse(serializeContainer(st.containers[0] as Container)).endpoints[0].aliases, [], 'written back as an explicit empty list')
  }
})

tap.test('a container written before links reads with no links', async t => {
  for (const version of [1, 2]) {
    const doc = { ...assembled(FULL), version }
    t.ok('links' in doc.containers[0], 'the fixture has links to delete')
    delete doc.containers[0].links
    const st = parseState(doc, 's.json')
    t.strictSame(st.containers[0]?.links, [], `version ${version}`)
    t.strictSame(st, { ...FULL, containers: FULL.containers.map(c => ({ ...c, links: [] })) }, 'nothing else changes')
    t.strictSame(JSON.parse(serializeContainer(st.containers[0] as Container)).links, [], 'written back as an explicit empty list')
  }
})

tap.test('aliases and links are checked when present', async t => {
  const cases: [string, (d: any) => void, RegExp][] = [
    ['aliases not a list', d => (d.containers[0].endpoints[0].aliases = 'www'), /containers\.0\.endpoints\.0\.aliases/],
    ['numeric alias', d => (d.containers[0].endpoints[0].aliases = [1]), /containers\.0\.endpoints\.0\.aliases\.0/],
    ['links not a list', d => (d.containers[0].links = {}), /containers\.0\.links/],
    ['link without alias', d => delete d.containers[0].links[0].alias, /containers\.0\.links\.0\.alias/],
    ['link without container', d => delete d.containers[0].links[0].container, /containers\.0\.links\.0\.container/],
  ]
  for (const [what, mutate, path] of cases) {
    const doc = structuredClone(assembled(FULL))
    mutate(doc)
    t.throws(() => parseState(doc, 's.json'), { kind: 'System', code: 'E_STATE', message: path }, what)
  }
})

tap.test('a network written before enable_icc and enable_ip_masquerade reads with both on', async t => {
  for (const version of [1, 2]) {
    const doc = { ...assembled(FULL), version }
    for (const n of doc.networks) {
      delete n.icc
      delete n.masquerade
    }
    const st = parseState(doc, 's.json')
    t.strictSame(st.networks.map(n => [n.icc, n.masquerade]), [[true, true], [true, true]], `version ${version}`)
    t.strictSame(st, { ...FULL, networks: FULL.networks.map(n => ({ ...n, icc: true, masquerade: true })) }, 'nothing else changes')
    t.match(serializeStateFile(st), /"icc": true,\n {6}"masquerade": true/, 'written back explicitly')
  }
  t.strictSame(parseState(assembled(FULL), 's.json').networks.map(n => [n.icc, n.masquerade]), [[true, true], [false, false]], 'false is kept')
  for (const key of ['icc', 'masquerade']) {
    const doc = structuredClone(assembled(FULL))
    doc.networks[1][key] = 'false'
    t.throws(() => parseState(doc, 's.json'), { kind: 'System', code: 'E_STATE', message: new RegExp(`networks\\.1\\.${key}`) }, key)
  }
})

tap.test('bridgeNetfilter is optional, kept when there, and must be a boolean', async t => {
  const { bridgeNetfilter: _b, ...without } = FULL
  t.strictSame(parseState(assembled(without), 's.json'), without, 'absent stays absent')
  t.notOk('bridgeNetfilter' in parseState(assembled(without), 's.json'))
  t.equal(parseState(assembled({ ...FULL, bridgeNetfilter: false }), 's.json').bridgeNetfilter, false)
  t.equal(JSON.parse(serializeStateFile(FULL)).bridgeNetfilter, true, 'in state.json')
  const doc = { ...assembled(FULL), bridgeNetfilter: 1 }
  t.throws(() => parseState(doc, 's.json'), { kind: 'System', code: 'E_STATE', message: /bridgeNetfilter/ })
})

tap.test('a container written before network modes reads as bridge mode', async t => {
  const doc = assembled(FULL)
  delete doc.containers[0].mode
  t.strictSame(parseState(doc, 's.json'), FULL)
  doc.containers[0].mode = 'overlay'
  t.throws(() => parseState(doc, 's.json'), { kind: 'System', code: 'E_STATE', message: /containers\.0\.mode/ })
})
