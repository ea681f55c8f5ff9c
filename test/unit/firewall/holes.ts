import tap from 'tap'
import { IPTABLES_FILTER, diffHoles, parseFilterListing, planHoles } from '../../../src/firewall/holes.js'
import type { NftCommand } from '../../../src/kernel/nft.js'

const chain = (name: string, extra: Record<string, unknown> = {}) => ({
  chain: { family: 'ip', table: 'filter', name, handle: 1, ...extra },
})
const ruleObj = (chain: string, handle: unknown, comment?: unknown) => ({
  rule: { family: 'ip', table: 'filter', chain, handle, ...(comment === undefined ? {} : { comment }), expr: [{ accept: null }] },
})
/** What `nft -j list table ip filter` gives on a host Docker left behind. */
const DOCKER_LISTING = [
  { metainfo: { version: '1.0.6', json_schema_version: 1 } },
  { table: { family: 'ip', name: 'filter', handle: 3 } },
  chain('FORWARD', { type: 'filter', hook: 'forward', prio: 0, policy: 'drop' }),
  chain('DOCKER-USER'),
  ruleObj('FORWARD', 10),
  ruleObj('DOCKER-USER', 11, 'berth: traffic from berth0 is filtered by table inet berth'),
  ruleObj('DOCKER-USER', 12, 'a user rule'),
  ruleObj('FORWARD', 13, 'berth: stale one in FORWARD'),
  ruleObj('DOCKER-USER', '14', 'berth: handle is not a number'),
  ruleObj('DOCKER-USER', 15, 'not berth: a look-alike'),
  ruleObj('DOCKER-USER', 16, 7),
]

tap.test('IPTABLES_FILTER is iptables-nft’s table', async t => {
  t.strictSame(IPTABLES_FILTER, { family: 'ip', name: 'filter' })
})

tap.test('parseFilterListing: chain names, and berth’s own rules by comment prefix', async t => {
  t.strictSame(parseFilterListing(DOCKER_LISTING), {
    chains: ['FORWARD', 'DOCKER-USER'],
    ours: [
      { chain: 'DOCKER-USER', handle: 11, comment: 'berth: traffic from berth0 is filtered by table inet berth' },
      { chain: 'FORWARD', handle: 13, comment: 'berth: stale one in FORWARD' },
    ],
  })
  t.strictSame(parseFilterListing([]), { chains: [], ours: [] })
  t.strictSame(parseFilterListing([{ chain: { name: 5 } }, { set: { name: 'x' } }]), { chains: [], ours: [] }, 'odd objects are skipped')
})

const del = (chainName: string, handle: number) => ({ delete: { rule: { family: 'ip', table: 'filter', chain: chainName, handle } } })
const insert = (chainName: string, comment: string, match: Record<string, unknown>): NftCommand => ({
  insert: { rule: { family: 'ip', table: 'filter', chain: chainName, comment, expr: [match, { counter: null }, { accept: null }] } },
})
const iif = (b: string) => ({ match: { op: '==', left: { meta: { key: 'iifname' } }, right: b } })
const oif = (b: string) => ({ match: { op: '==', left: { meta: { key: 'oifname' } }, right: b } })

tap.test('planHoles: replace berth’s rules, in DOCKER-USER when it exists', async t => {
  t.strictSame(planHoles(parseFilterListing(DOCKER_LISTING), ['berth0', 'br-0123456789ab']), [
    del('DOCKER-USER', 11),
    del('FORWARD', 13),
    insert('DOCKER-USER', 'berth: traffic from berth0 is filtered by table inet berth', iif('berth0')),
    insert('DOCKER-USER', 'berth: traffic to berth0 is filtered by table inet berth', oif('berth0')),
    insert('DOCKER-USER', 'berth: traffic from br-0123456789ab is filtered by table inet berth', iif('br-0123456789ab')),
    insert('DOCKER-USER', 'berth: traffic to br-0123456789ab is filtered by table inet berth', oif('br-0123456789ab')),
  ])
})

tap.test('planHoles: at the top of FORWARD without DOCKER-USER', async t => {
  const cmds = planHoles({ chains: ['INPUT', 'FORWARD', 'OUTPUT'], ours: [] }, ['berth0'])
  t.strictSame(cmds, [
    insert('FORWARD', 'berth: traffic from berth0 is filtered by table inet berth', iif('berth0')),
    insert('FORWARD', 'berth: traffic to berth0 is filtered by table inet berth', oif('berth0')),
  ])
  t.ok(cmds.every(c => 'insert' in c), 'insert (first in the chain, ahead of a DROP), never add')
})

tap.test('planHoles: no such chain or no bridges — only removals', async t => {
  const ours = [{ chain: 'FORWARD', handle: 7, comment: 'berth: x' }]
  t.strictSame(planHoles({ chains: ['INPUT'], ours }, ['berth0']), [del('FORWARD', 7)], 'no FORWARD chain')
  t.strictSame(planHoles({ chains: ['FORWARD'], ours }, []), [del('FORWARD', 7)], 'no bridges left')
  t.strictSame(planHoles({ chains: [], ours: [] }, ['berth0']), [], 'nothing at all')
})

tap.test('the rules berth inserts are the ones it recognises (and replaces) next time', async t => {
  const first = planHoles({ chains: ['FORWARD'], ours: [] }, ['berth0', 'br-x'])
  const listing = [chain('FORWARD'), ...first.map((c, i) => ({ rule: { ...(c.insert as { rule: object }).rule, handle: 100 + i } })), ruleObj('FORWARD', 5, 'docker')]
  const parsed = parseFilterListing(listing)
  t.strictSame(parsed.ours.map(o => o.handle), [100, 101, 102, 103])
  const second = planHoles(parsed, ['berth0'])
  t.strictSame(second.slice(0, 4), [100, 101, 102, 103].map(h => del('FORWARD', h)))
  t.equal(second.length, 6, 'then the two rules of the bridge left')
  t.notOk(JSON.stringify(second).includes('"handle":5'), 'a foreign rule is never deleted')
  t.ok(first.every(c => Buffer.byteLength(String((c.insert as { rule: { comment: string } }).rule.comment)) <= 128), 'comments fit nft’s limit')
})

tap.test('diffHoles: what berth’s accepts lack or have too many, by comment', async t => {
  const fresh = planHoles({ chains: ['FORWARD'], ours: [] }, ['berth0', 'br-x'])
  const applied = parseFilterListing([chain('FORWARD'), ...fresh.map((c, i) => ({ rule: { ...(c.insert as { rule: object }).rule, handle: 100 + i } }))])
  t.strictSame(diffHoles(applied, ['berth0', 'br-x']), [], 'as planned: nothing')
  t.strictSame(diffHoles({ ...applied, ours: applied.ours.slice(1) }, ['berth0', 'br-x']), [
    'table ip filter: accept "berth: traffic from berth0 is filtered by table inet berth" in chain FORWARD missing',
  ])
  t.strictSame(diffHoles(applied, ['berth0']), [
    'table ip filter: unexpected accept "berth: traffic from br-x is filtered by table inet berth" in chain FORWARD',
    'table ip filter: unexpected accept "berth: traffic to br-x is filtered by table inet berth" in chain FORWARD',
  ], 'a removed network’s accepts')
  t.strictSame(diffHoles({ ...applied, ours: [...applied.ours, applied.ours[0]!] }, ['berth0', 'br-x']), [
    'table ip filter: unexpected accept "berth: traffic from berth0 is filtered by table inet berth" in chain FORWARD',
  ], 'a duplicate')
  t.strictSame(diffHoles({ chains: [], ours: [] }, ['berth0']), [], 'no FORWARD chain: berth needs no accepts')
  t.equal(diffHoles(parseFilterListing(DOCKER_LISTING), ['berth0']).length, 2, 'DOCKER-USER: one missing, a stale one in FORWARD')
})
