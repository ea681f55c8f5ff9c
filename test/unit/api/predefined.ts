/**
 * The predefined networks `host` and `none` as `network ls` / `network
 * inspect` show them: Docker's shapes (oracle: net-inspect-host.json,
 * net-inspect-none.json, `docker network ls`), stable ids per data root.
 */
import tap from 'tap'
import { PREDEFINED_MODES, findPredefined, predefinedId, predefinedJSON } from '../../../src/api/predefined.js'
import type { Container, State } from '../../../src/model/types.js'

const ROOT = '/var/lib/berth'
const HOST_ID = '6e01e490cdc0de0e4ab84c2f496bf930e2ccee1c354d65920bd0c146dd538d1b'
const NONE_ID = 'e8445330cda42e134f4a47df01ae93f87635d3b95b648ae23b9633597b05ed3b'

const ctr = (id: string, name: string, mode: Container['mode'], status: Container['status'] = 'ready'): Container => ({
  id: id.padEnd(64, '0'),
  name,
  hostname: id.slice(0, 12),
  created: '2026-01-01T00:00:00.000Z',
  mode,
  netns: mode === 'host' ? '' : `berth-${name}`,
  cmd: [],
  endpoints: [],
  ports: [],
  links: [],
  nextIfIndex: 0,
  process: { status: 'running', pid: 7 },
  status,
})
const HOSTNET = ctr('1395c57f', 'hostnet', 'host')
const NONENET = ctr('ef05d525', 'nonenet', 'none')
const EMPTY: State = { networks: [], containers: [], poolCursor: -1 }

/** Docker 20.10's `network inspect host` (oracle), but for Id and Created. */
const dockerShape = (name: string, driver: string) => ({
  Name: name,
  Scope: 'local',
  Driver: driver,
  EnableIPv6: false,
  IPAM: { Driver: 'default', Options: null, Config: [] },
  Internal: false,
  Attachable: false,
  Ingress: false,
  ConfigFrom: { Network: '' },
  ConfigOnly: false,
  Containers: {},
  Options: {},
  Labels: {},
})
const ORACLE_KEYS = ['Name', 'Id', 'Created', 'Scope', 'Driver', 'EnableIPv6', 'IPAM', 'Internal', 'Attachable', 'Ingress', 'ConfigFrom', 'ConfigOnly', 'Containers', 'Options', 'Labels']

tap.test('host and none, in `network ls` order after the user’s networks', async t => {
  t.strictSame([...PREDEFINED_MODES], ['host', 'none'])
})

tap.test('predefinedId: 64 hex, stable for one data root', async t => {
  t.equal(predefinedId(ROOT, 'host'), HOST_ID)
  t.equal(predefinedId(ROOT, 'none'), NONE_ID)
  t.equal(predefinedId(ROOT, 'host'), predefinedId(ROOT, 'host'), 'the same across calls (and restarts)')
  for (const name of PREDEFINED_MODES) t.match(predefinedId(ROOT, name), /^[0-9a-f]{64}$/)
  t.not(predefinedId(ROOT, 'host'), predefinedId(ROOT, 'none'))
  t.not(predefinedId('/tmp/b2', 'host'), predefinedId(ROOT, 'host'), 'two daemons, two ids')
  t.not(predefinedId(`${ROOT}/`, 'none'), NONE_ID, 'the data root as configured, byte for byte')
})

tap.test('findPredefined: by name', async t => {
  t.equal(findPredefined(ROOT, 'host'), 'host')
  t.equal(findPredefined(ROOT, 'none'), 'none')
  for (const ref of ['bridge', 'Host', 'NONE', 'null', 'hos', 'hostx', ' host', '']) t.equal(findPredefined(ROOT, ref), undefined, JSON.stringify(ref))
})

tap.test('findPredefined: by full id or an id prefix of 4 or more hex digits', async t => {
  t.equal(findPredefined(ROOT, HOST_ID), 'host')
  t.equal(findPredefined(ROOT, NONE_ID), 'none')
  t.equal(findPredefined(ROOT, HOST_ID.slice(0, 12)), 'host', 'the short id `network ls` shows')
  t.equal(findPredefined(ROOT, NONE_ID.slice(0, 4)), 'none')
  t.equal(findPredefined(ROOT, HOST_ID.slice(0, 3)), undefined, 'shorter prefixes are not taken as ids')
  t.equal(findPredefined(ROOT, HOST_ID.toUpperCase()), undefined, 'ids are lower-case hex')
  t.equal(findPredefined(ROOT, `${HOST_ID}0`), undefined, 'longer than an id')
  t.equal(findPredefined(ROOT, `${HOST_ID.slice(0, 11)}x`), undefined)
  t.equal(findPredefined('/srv/other-berth', HOST_ID), undefined, 'another daemon’s id is not ours')
  t.equal(findPredefined(ROOT, predefinedId('/srv/other-berth', 'none')), undefined)
})

tap.test('predefinedJSON: Docker’s `network inspect host`, field for field and in Docker’s order', async t => {
  const j = predefinedJSON(ROOT, 'host', EMPTY)
  const { Id, Created, ...rest } = j
  t.strictSame(rest, dockerShape('host', 'host'))
  t.equal(Id, HOST_ID)
  t.equal(Created, '0001-01-01T00:00:00Z', 'Go’s zero time: berth made nothing for it')
  t.strictSame(Object.keys(j), ORACLE_KEYS)
})

tap.test('predefinedJSON: `none` has Docker’s driver `null`', async t => {
  const j = predefinedJSON(ROOT, 'none', EMPTY)
  const { Id, Created, ...rest } = j
  t.strictSame(rest, dockerShape('none', 'null'))
  t.equal(Id, NONE_ID)
  t.equal(Created, '0001-01-01T00:00:00Z')
  t.strictSame(Object.keys(j), ORACLE_KEYS)
  t.equal(JSON.stringify(j.IPAM), '{"Driver":"default","Options":null,"Config":[]}', 'Options is null on the wire, Config empty')
})

tap.test('predefinedJSON: the containers in that mode, as Docker lists them', async t => {
  const s: State = {
    ...EMPTY,
    containers: [
      HOSTNET,
      NONENET,
      ctr('aaaa', 'bridged', 'bridge'),
      { ...ctr('bbbb', 'sidecar', 'container'), joined: NONENET.id, netns: NONENET.netns },
      ctr('cccc', 'hoststarting', 'host', 'creating'),
      ctr('dddd', 'nonegoing', 'none', 'removing'),
      ctr('eeee', 'hosttwo', 'host'),
    ],
  }
  const entry = (name: string) => ({ Name: name, EndpointID: '', MacAddress: '', IPv4Address: '', IPv6Address: '' })
  t.strictSame(predefinedJSON(ROOT, 'host', s).Containers, {
    [HOSTNET.id]: entry('hostnet'),
    ['eeee'.padEnd(64, '0')]: entry('hosttwo'),
  }, 'ready host-mode containers only, keyed by full id, no addresses')
  t.strictSame(predefinedJSON(ROOT, 'none', s).Containers, { [NONENET.id]: entry('nonenet') },
    'a container joining a none-mode one is not listed (Docker: its Networks is {})')
  t.strictSame(Object.keys(predefinedJSON(ROOT, 'host', s).Containers[HOSTNET.id] ?? {}), ['Name', 'EndpointID', 'MacAddress', 'IPv4Address', 'IPv6Address'])
})

tap.test('predefinedJSON: the rest does not depend on the state, and the state is not touched', async t => {
  const s: State = { ...EMPTY, containers: [HOSTNET, NONENET] }
  const before = JSON.stringify(s)
  const { Containers: c1, ...a } = predefinedJSON(ROOT, 'host', s)
  const { Containers: c2, ...b } = predefinedJSON(ROOT, 'host', EMPTY)
  t.strictSame(a, b)
  t.not(JSON.stringify(c1), JSON.stringify(c2))
  t.equal(JSON.stringify(s), before)
  t.not(predefinedJSON(ROOT, 'host', EMPTY).Containers, predefinedJSON(ROOT, 'host', EMPTY).Containers, 'a fresh object each time')
})
