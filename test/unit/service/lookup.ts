import tap from 'tap'
import type { Container, Lifecycle, Network, State } from '../../../src/model/types.js'
import { findContainer, findNetwork, networkMap } from '../../../src/service/lookup.js'

const net = (id: string, name: string, status: Lifecycle = 'ready'): Network => ({
  id,
  name,
  driver: 'bridge',
  created: '2026-01-01T00:00:00.000Z',
  subnet: '172.18.0.0/16',
  gateway: '172.18.0.1',
  userSubnet: false,
  bridge: `br-${id.slice(0, 12)}`,
  internal: false,
  icc: true,
  masquerade: true,
  attachable: false,
  isDefault: false,
  options: {},
  labels: {},
  status,
})
const ctr = (id: string, name: string, status: Lifecycle = 'ready'): Container => ({
  id,
  name,
  hostname: id.slice(0, 12),
  created: '2026-01-01T00:00:00.000Z',
  mode: 'bridge',
  netns: `berth-${name}`,
  cmd: [],
  endpoints: [],
  ports: [],
  links: [],
  nextIfIndex: 0,
  process: { status: 'created' },
  status,
})

const STATE: State = {
  networks: [
    net('17c77452ce21aaaa', 'custombridge'),
    net('17c7aaaa00000000', 'nasanet'),
    net('abcdef0123456789', '17c77452ce21aaaa'), // a name equal to another network's id
    net('99887766554433', 'dying', 'removing'),
    net('cafe000000000000', 'cafe'), // a name that is also a prefix of its own id
    net('beef000000000000', 'creating-net', 'creating'),
  ],
  containers: [ctr('85d329ea4b2a0000', 'db1'), ctr('85d3aaaa00000000', 'db2'), ctr('7fa3677fabb90000', 'old', 'removing')],
  poolCursor: 2,
}

const notFound = (what: string, ref: string) => ({
  name: 'BerthError',
  kind: 'NotFound',
  code: `E_${what.toUpperCase()}_NOT_FOUND`,
  message: `${what} ${ref} not found`,
})

tap.test('exact id, then exact name', async t => {
  t.equal(findNetwork(STATE, '17c77452ce21aaaa').name, 'custombridge', 'an exact id beats a network named like it')
  t.equal(findNetwork(STATE, 'nasanet').id, '17c7aaaa00000000')
  t.equal(findNetwork(STATE, 'cafe').id, 'cafe000000000000')
  t.equal(findContainer(STATE, 'db2').id, '85d3aaaa00000000')
  t.equal(findContainer(STATE, '85d329ea4b2a0000').name, 'db1')
  t.equal(findNetwork(STATE, 'creating-net').status, 'creating', 'objects being created are visible')
})

tap.test('a unique id prefix', async t => {
  t.equal(findNetwork(STATE, '17c774').name, 'custombridge')
  t.equal(findNetwork(STATE, 'abc').name, '17c77452ce21aaaa')
  t.equal(findContainer(STATE, '85d329ea4b2a').name, 'db1', 'the 12-char short id')
  t.equal(findContainer(STATE, '85d3a').name, 'db2')
})

tap.test('an ambiguous prefix is InvalidParameter', async t => {
  t.throws(() => findNetwork(STATE, '17c7'), {
    name: 'BerthError',
    kind: 'InvalidParameter',
    code: 'E_AMBIGUOUS',
    message: 'network id prefix 17c7 is ambiguous: it matches 2 networks',
  })
  t.throws(() => findContainer(STATE, '85d3'), { kind: 'InvalidParameter', code: 'E_AMBIGUOUS', message: /matches 2 containers/ })
})

tap.test('missing is NotFound', async t => {
  t.throws(() => findNetwork(STATE, 'nope'), notFound('network', 'nope'))
  t.throws(() => findNetwork(STATE, ''), notFound('network', ''))
  t.throws(() => findNetwork(STATE, '0123'), notFound('network', '0123'))
  t.throws(() => findContainer(STATE, 'web'), notFound('container', 'web'))
  t.throws(() => findNetwork(STATE, '17C7'), notFound('network', '17C7'), 'prefixes are lowercase hex only')
  t.throws(() => findNetwork(STATE, 'custom'), notFound('network', 'custom'), 'names are not matched by prefix')
})

tap.test('objects being removed are invisible', async t => {
  t.throws(() => findNetwork(STATE, 'dying'), notFound('network', 'dying'))
  t.throws(() => findNetwork(STATE, '99887766554433'), { name: 'BerthError', kind: 'NotFound' })
  t.throws(() => findNetwork(STATE, '998877'), { name: 'BerthError', kind: 'NotFound' })
  t.throws(() => findContainer(STATE, 'old'), notFound('container', 'old'))
  t.throws(() => findContainer(STATE, '7fa3677fabb9'), { name: 'BerthError', kind: 'NotFound' })
  // a removing object does not make a prefix ambiguous
  const s: State = { ...STATE, containers: [ctr('aa11', 'x'), ctr('aa22', 'y', 'removing')] }
  t.equal(findContainer(s, 'aa').name, 'x')
})

tap.test('removing: true makes objects being removed visible (a retried removal)', async t => {
  const opts = { removing: true }
  t.equal(findNetwork(STATE, 'dying', opts).id, '99887766554433', 'by name')
  t.equal(findNetwork(STATE, '99887766554433', opts).name, 'dying', 'by id')
  t.equal(findNetwork(STATE, '998877', opts).name, 'dying', 'by prefix')
  t.equal(findContainer(STATE, 'old', opts).id, '7fa3677fabb90000')
  t.equal(findContainer(STATE, '7fa3677fabb9', opts).name, 'old')
  t.equal(findNetwork(STATE, 'nasanet', opts).id, '17c7aaaa00000000', 'ready ones are still found')
  t.equal(findNetwork(STATE, 'creating-net', opts).status, 'creating')
  t.equal(findContainer(STATE, 'db1', opts).id, '85d329ea4b2a0000')
  t.throws(() => findContainer(STATE, 'web', opts), notFound('container', 'web'), 'missing is still NotFound')
  t.throws(() => findNetwork(STATE, 'dying', { removing: false }), notFound('network', 'dying'), 'removing: false is the default')
  t.throws(() => findContainer(STATE, 'old', {}), notFound('container', 'old'))
  // now a removing object does take part in prefix matching
  const s: State = { ...STATE, containers: [ctr('aa11', 'x'), ctr('aa22', 'y', 'removing')] }
  t.throws(() => findContainer(s, 'aa', opts), { kind: 'InvalidParameter', code: 'E_AMBIGUOUS', message: /matches 2 containers/ })
  t.equal(findContainer(s, 'aa2', opts).name, 'y')
  t.throws(() => findNetwork(STATE, '9988', { removing: false }), { name: 'BerthError', kind: 'NotFound' })
})

tap.test('networkMap indexes every network by id, including those being removed', async t => {
  const m = networkMap(STATE)
  t.equal(m.size, 6)
  t.equal(m.get('99887766554433')?.name, 'dying')
  t.equal(m.get('17c7aaaa00000000')?.name, 'nasanet')
})
