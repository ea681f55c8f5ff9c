import tap from 'tap'
import { buildRecords, reverseName } from '../../../src/dns/records.js'
import type { State } from '../../../src/model/types.js'
import { CUS, DEF, GOING, NASA, PENDING, SECRET, STATE, container, endpoint, hex, network } from './fixtures/world.js'

const aOf = (s: State, networkId: string) => Object.fromEntries(buildRecords(s).get(networkId)?.a ?? [])
const ptrOf = (s: State, networkId: string) => Object.fromEntries(buildRecords(s).get(networkId)?.ptr ?? [])

tap.test('reverseName: the in-addr.arpa name of an address', async t => {
  t.equal(reverseName('172.18.0.2'), '2.0.18.172.in-addr.arpa')
  t.equal(reverseName('10.99.200.131'), '131.200.99.10.in-addr.arpa')
  t.equal(reverseName('1.2.3.4'), '4.3.2.1.in-addr.arpa')
})

tap.test('only ready user-defined networks get records', async t => {
  const r = buildRecords(STATE)
  t.strictSame([...r.keys()], [CUS.id, NASA.id, SECRET.id], 'not the default bridge, not creating or removing networks')
  t.notOk(r.has(DEF.id))
  t.notOk(r.has(PENDING.id))
  t.notOk(r.has(GOING.id))
  for (const n of [CUS, NASA, SECRET]) {
    const rec = r.get(n.id)
    t.equal(rec?.id, n.id)
    t.equal(rec?.name, n.name, 'the network name as given')
    t.equal(rec?.internal, n.internal, `${n.name} internal=${n.internal}`)
  }
  t.strictSame([...buildRecords({ networks: [DEF], containers: [], poolCursor: -1 }).keys()], [], 'default bridge only: nothing')
  t.strictSame(
    buildRecords({ networks: [CUS], containers: [], poolCursor: -1 }).get(CUS.id),
    { id: CUS.id, name: 'custombridge', internal: false, a: new Map(), ptr: new Map() },
    'a network without containers has empty tables',
  )
})

tap.test('names on a network: name, short id, hostname, aliases, each also as name.network', async t => {
  const cb = (n: string) => `${n}.custombridge`
  const web = ['172.18.0.2']
  const db = ['172.18.0.3']
  const api = ['172.18.0.4']
  const front = ['172.18.0.2', '172.18.0.3', '172.18.0.4']
  t.strictSame(aOf(STATE, CUS.id), {
    web,
    [cb('web')]: web,
    a1b2c3d4e5f6: web,
    [cb('a1b2c3d4e5f6')]: web,
    apollo: web,
    [cb('apollo')]: web,
    www: web,
    [cb('www')]: web,
    front,
    [cb('front')]: front,
    db,
    [cb('db')]: db,
    '0123456789ab': db,
    [cb('0123456789ab')]: db,
    api,
    [cb('api')]: api,
    feedfacecafe: api,
    [cb('feedfacecafe')]: api,
  })
})

tap.test('a network name with capitals: keys are lower-case', async t => {
  const ip = ['172.19.0.2']
  t.strictSame(aOf(STATE, NASA.id), {
    web: ip,
    'web.nasanet': ip,
    a1b2c3d4e5f6: ip,
    'a1b2c3d4e5f6.nasanet': ip,
    apollo: ip,
    'apollo.nasanet': ip,
  })
  t.strictSame(ptrOf(STATE, NASA.id), { '2.0.19.172.in-addr.arpa': 'web.nasanet' })
})

tap.test('only ready containers and ready endpoints', async t => {
  const all = [...buildRecords(STATE).values()].flatMap(r => [...r.a.keys()])
  for (const gone of ['halfway', 'leaving', 'dying', 'ghost', 'newbie', 'soon', 'limbo', 'legacy']) {
    t.notOk(all.some(k => k === gone || k.startsWith(`${gone}.`)), `${gone} is not a name`)
  }
  const ips = [...buildRecords(STATE).values()].flatMap(r => [...r.a.values()].flat())
  for (const ip of ['172.18.0.9', '172.19.0.9', '172.18.0.10', '172.18.0.11', '172.21.0.2', '172.22.0.2', '172.17.0.2', '172.17.0.3']) {
    t.notOk(ips.includes(ip), `${ip} is not an answer`)
  }
  // the same half-attached container is named on its ready endpoint's network
  t.strictSame(aOf(STATE, SECRET.id), {
    half: ['172.20.0.9'],
    'half.secret': ['172.20.0.9'],
    ba1fba1fba1f: ['172.20.0.9'],
    'ba1fba1fba1f.secret': ['172.20.0.9'],
    vault: ['172.20.0.2'],
    'vault.secret': ['172.20.0.2'],
    '0a0a0a0a0a0a': ['172.20.0.2'],
    '0a0a0a0a0a0a.secret': ['172.20.0.2'],
    keys: ['172.20.0.2'],
    'keys.secret': ['172.20.0.2'],
  })
  t.equal(buildRecords(STATE).get(SECRET.id)?.internal, true)
  // each status in turn, on an otherwise identical state
  const one = (cs: 'creating' | 'ready' | 'removing', es: 'creating' | 'ready' | 'removing') =>
    buildRecords({ networks: [CUS], containers: [container(hex('ab'), 'solo', [endpoint(CUS, '172.18.0.5', [], es)], { status: cs })], poolCursor: 0 })
      .get(CUS.id)
      ?.a.get('solo')
  t.strictSame(one('ready', 'ready'), ['172.18.0.5'])
  t.equal(one('creating', 'ready'), undefined)
  t.equal(one('removing', 'ready'), undefined)
  t.equal(one('ready', 'creating'), undefined)
  t.equal(one('ready', 'removing'), undefined)
})

tap.test('PTR: each ready address → name.network, lower-case, no trailing dot', async t => {
  t.strictSame(ptrOf(STATE, CUS.id), {
    '2.0.18.172.in-addr.arpa': 'web.custombridge',
    '3.0.18.172.in-addr.arpa': 'db.custombridge',
    '4.0.18.172.in-addr.arpa': 'api.custombridge',
  })
  t.strictSame(ptrOf(STATE, SECRET.id), {
    '9.0.20.172.in-addr.arpa': 'half.secret',
    '2.0.20.172.in-addr.arpa': 'vault.secret',
  })
  const ptrs = [...buildRecords(STATE).values()].flatMap(r => [...r.ptr.keys()])
  t.notOk(ptrs.includes(reverseName('172.18.0.9')), 'not for a joining endpoint')
  t.notOk(ptrs.includes(reverseName('172.17.0.2')), 'not for the default bridge')
  t.notOk(ptrs.includes(reverseName('172.18.0.1')), 'not for the gateway')
})

tap.test('a name held by several containers maps to each address once', async t => {
  const N = network(hex('77'), 'lab', '10.0.0.0/24')
  const s: State = {
    networks: [N],
    containers: [
      // an alias equal to its own name, hostname and alias repeated with other case
      container(hex('aa01'), 'one', [endpoint(N, '10.0.0.2', ['one', 'shared', 'Two'])], { hostname: 'ONE' }),
      container(hex('aa02'), 'two', [endpoint(N, '10.0.0.3', ['shared', 'SHARED'])], { hostname: 'shared' }),
      container(hex('aa03'), 'three', [endpoint(N, '10.0.0.4', ['shared'])]),
    ],
    poolCursor: 0,
  }
  const a = aOf(s, N.id)
  t.strictSame(a.one, ['10.0.0.2'], 'name = alias = hostname: one address')
  t.strictSame(a['one.lab'], ['10.0.0.2'])
  t.strictSame(a.shared, ['10.0.0.2', '10.0.0.3', '10.0.0.4'], 'three holders, no duplicates, in state order')
  t.strictSame(a['shared.lab'], ['10.0.0.2', '10.0.0.3', '10.0.0.4'])
  t.strictSame(a.two, ['10.0.0.2', '10.0.0.3'], 'an alias equal to another container’s name (any case)')
  t.notOk('ONE' in a || 'Two' in a || 'SHARED' in a, 'no upper-case keys')
  t.ok(Object.keys(a).every(k => k === k.toLowerCase()))
})

tap.test('the same container on two networks: separate tables, no leaking between them', async t => {
  const r = buildRecords(STATE)
  t.strictSame(r.get(CUS.id)?.a.get('web'), ['172.18.0.2'])
  t.strictSame(r.get(NASA.id)?.a.get('web'), ['172.19.0.2'])
  t.equal(r.get(NASA.id)?.a.get('www'), undefined, 'aliases belong to one endpoint')
  t.equal(r.get(NASA.id)?.a.get('web.custombridge'), undefined)
  t.equal(r.get(CUS.id)?.a.get('web.nasanet'), undefined)
  t.equal(r.get(NASA.id)?.a.get('db'), undefined, 'db is not on NasaNet')
  t.equal(r.get(CUS.id)?.a.get('vault'), undefined, 'vault is only on the internal network')
})

tap.test('pure: the state is not touched, and equal states give equal records', async t => {
  const before = structuredClone(STATE)
  const r1 = buildRecords(STATE)
  const r2 = buildRecords(STATE)
  t.strictSame(STATE, before)
  t.not(r1, r2, 'a new table each time')
  t.strictSame(r1, r2)
  t.not(r1.get(CUS.id)?.a.get('front'), r2.get(CUS.id)?.a.get('front'), 'no shared arrays between builds')
})
