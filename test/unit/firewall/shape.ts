/**
 * The shape of berth's table (firewall/shape.ts): what the commands leave,
 * what a listing shows, and the words for what differs — the basis of drift
 * detection.
 */
import tap from 'tap'
import type { FirewallPort } from '../../../src/firewall/ports.js'
import { portElementCommands } from '../../../src/firewall/ports.js'
import { BERTH_TABLE, type FirewallNetwork, renderRuleset } from '../../../src/firewall/render.js'
import { diffShape, shapeOfCommands, shapeOfListing } from '../../../src/firewall/shape.js'
import type { NftCommand } from '../../../src/kernel/nft.js'

const NET: FirewallNetwork = { name: 'custom', bridge: 'br-17c77452ce21', subnet: '10.99.0.0/24', gateway: '10.99.0.1', internal: false, icc: true, masquerade: true, bridgeMac: '02:42:17:c7:74:52' }
const PORTS: FirewallPort[] = [
  { proto: 'tcp', hostIp: '0.0.0.0', hostPort: 8080, containerIp: '10.99.0.2', containerPort: 80 },
  { proto: 'tcp', hostIp: '0.0.0.0', hostPort: 8081, containerIp: '10.99.0.3', containerPort: 80 },
]
const COMMANDS = renderRuleset([NET], { ports: PORTS })

/**
 * What `nft -j list table inet berth` shows after `commands`: the objects
 * with their elements folded into their set or map (as nft lists them).
 */
const listingOf = (commands: readonly NftCommand[]): Record<string, Record<string, unknown>>[] => {
  const out: Record<string, Record<string, unknown>>[] = [{ metainfo: { version: '1.0.6' } }]
  for (const c of commands) {
    const [verb, body] = Object.entries(c)[0] as [string, Record<string, Record<string, unknown>>]
    const [kind, o] = Object.entries(body)[0] as [string, Record<string, unknown>]
    if (verb === 'delete' && kind === 'table') out.splice(1)
    else if (kind === 'element') {
      const target = out.find(x => (x.map ?? x.set)?.name === o.name)
      const holder = (target?.map ?? target?.set) as { elem?: unknown[] } | undefined
      if (holder) holder.elem = [...(holder.elem ?? []), ...(o.elem as unknown[])]
    } else out.push({ [kind]: { ...o, handle: out.length } })
  }
  return out
}

const listed = () => shapeOfListing(listingOf(COMMANDS))

tap.test('commands and their listing have one shape: nothing differs', async t => {
  const want = shapeOfCommands(COMMANDS, BERTH_TABLE)
  t.ok(want && want.size > 10, 'a shape with chains, rules, sets and maps')
  t.strictSame(diffShape(BERTH_TABLE, want, listed()), [])
  t.equal(want?.get('map pub_any_port'), 2, 'a map counts its elements')
  t.equal(want?.get('rule forward|isolation: berth networks never reach each other'), 1, 'rules by chain and comment')
})

tap.test('element commands after the table count into its maps', async t => {
  const one = renderRuleset([NET], { ports: PORTS.slice(0, 1) })
  const added = [...one, ...portElementCommands(BERTH_TABLE, 'add', PORTS.slice(1))]
  t.strictSame(diffShape(BERTH_TABLE, shapeOfCommands(added, BERTH_TABLE), listed()), [])
  const removed = [...COMMANDS, ...portElementCommands(BERTH_TABLE, 'delete', PORTS.slice(1))]
  t.strictSame(diffShape(BERTH_TABLE, shapeOfCommands(removed, BERTH_TABLE), listed()), [
    'table inet berth: map pub_any_addr has 2 elements, not 1',
    'table inet berth: map pub_any_port has 2 elements, not 1',
  ])
})

tap.test('what others did, in words', async t => {
  const want = shapeOfCommands(COMMANDS, BERTH_TABLE)
  t.strictSame(diffShape(BERTH_TABLE, want, undefined), ['table inet berth missing'], 'table deleted')
  t.strictSame(diffShape(BERTH_TABLE, undefined, listed()), ['table inet berth present, but not wanted'])
  t.strictSame(diffShape(BERTH_TABLE, undefined, undefined), [], 'neither wanted nor there')

  const flushed = listingOf(COMMANDS).filter(o => !(o.rule && o.rule.chain === 'forward'))
  const lines = diffShape(BERTH_TABLE, want, shapeOfListing(flushed))
  t.ok(lines.length > 3 && lines.every(l => /^table inet berth: rule ".+" in chain forward missing$/.test(l)), 'a flushed chain: each rule missing')

  const foreign = [...listingOf(COMMANDS), { rule: { family: 'inet', table: 'berth', chain: 'forward', expr: [{ accept: null }] } }]
  t.strictSame(diffShape(BERTH_TABLE, want, shapeOfListing(foreign)), ['table inet berth: unexpected rule without comment in chain forward'])

  const twice = [...listingOf(COMMANDS), ...listingOf(COMMANDS).filter(o => o.rule?.comment === 'isolation: berth networks never reach each other')]
  t.strictSame(diffShape(BERTH_TABLE, want, shapeOfListing(twice)), ['table inet berth: unexpected rule "isolation: berth networks never reach each other" in chain forward'])

  const noChain = listingOf(COMMANDS).filter(o => o.chain?.name !== 'raw_prerouting' && o.rule?.chain !== 'raw_prerouting')
  t.ok(diffShape(BERTH_TABLE, want, shapeOfListing(noChain)).includes('table inet berth: chain raw_prerouting missing'), 'a deleted chain')

  const emptied = listingOf(COMMANDS).map(o => (o.map?.name === 'pub_any_port' ? { map: { ...o.map, elem: [] } } : o))
  t.strictSame(diffShape(BERTH_TABLE, want, shapeOfListing(emptied)), ['table inet berth: map pub_any_port has 0 elements, not 2'])
})

tap.test('other tables in the commands do not count', async t => {
  const other = { family: 'inet', name: 'other' } as const
  t.equal(shapeOfCommands(COMMANDS, other), undefined)
  t.strictSame(shapeOfCommands([...COMMANDS, ...renderRuleset([], {}, other)], BERTH_TABLE), shapeOfCommands(COMMANDS, BERTH_TABLE))
})
