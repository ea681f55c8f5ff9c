/**
 * Coexistence with an iptables-nft `filter FORWARD` chain whose policy is
 * DROP (what Docker leaves behind). An accept in berth's own table does not
 * get past a drop in another table's base chain (nftables evaluates every
 * base chain; a drop anywhere is final), so berth adds the minimum accept
 * there: per berth bridge, "in" and "out" — in `DOCKER-USER` when it exists
 * (Docker's place for user rules), else at the top of `FORWARD`. berth's own
 * table still does all the filtering. The rules carry a "berth:" comment;
 * only those are ever deleted (by handle) — nothing else there is touched.
 */
import type { NftCommand } from '../kernel/nft.js'
import { type TableRef, accept, iifname, oifname, rule } from './nft-json.js'

/** iptables-nft's filter table. */
export const IPTABLES_FILTER: TableRef = { family: 'ip', name: 'filter' }
const MARK = 'berth:'

/** What berth needs to know of `nft -j list table ip filter`. */
export interface FilterListing {
  readonly chains: readonly string[]
  /** berth's own rules there, to be replaced. */
  readonly ours: readonly { readonly chain: string; readonly handle: number; readonly comment: string }[]
}

/** Reads the JSON listing (objects of `nft -j list table ip filter`). */
export const parseFilterListing = (objects: readonly unknown[]): FilterListing => {
  const chains: string[] = []
  const ours: { chain: string; handle: number; comment: string }[] = []
  for (const o of objects as Record<string, Record<string, unknown> | undefined>[]) {
    if (o.chain && typeof o.chain.name === 'string') chains.push(o.chain.name)
    const r = o.rule
    if (r && typeof r.comment === 'string' && r.comment.startsWith(MARK) && typeof r.handle === 'number') {
      ours.push({ chain: String(r.chain), handle: r.handle, comment: r.comment })
    }
  }
  return { chains, ours }
}

/**
 * Commands that replace berth's accepts in the filter table with ones for
 * `bridges` (none when there is no FORWARD/DOCKER-USER chain).
 */
export const planHoles = (listing: FilterListing, bridges: readonly string[]): NftCommand[] => {
  const t = IPTABLES_FILTER
  const removals: NftCommand[] = listing.ours.map(r => ({
    delete: { rule: { family: t.family, table: t.name, chain: r.chain, handle: r.handle } },
  }))
  const chain = holeChain(listing)
  if (!chain) return removals
  const inserts = bridges.flatMap(b => holeComments(b).map((comment, i) => rule(t, chain, comment, [i === 0 ? iifname(b) : oifname(b)], accept)))
  // `insert` puts a rule first in its chain, ahead of a DROP.
  return [...removals, ...inserts.map(c => ({ insert: c.add }))]
}

/** The chain berth's accepts go in: DOCKER-USER when it exists, else FORWARD, else none. */
const holeChain = (listing: FilterListing): string | undefined => ['DOCKER-USER', 'FORWARD'].find(c => listing.chains.includes(c))

/** The two accepts of a bridge, by comment: traffic from it, traffic to it. */
const holeComments = (bridge: string): [string, string] => [
  `${MARK} traffic from ${bridge} is filtered by table inet berth`,
  `${MARK} traffic to ${bridge} is filtered by table inet berth`,
]

/** What differs between berth's accepts in the listing and those `bridges` need, one line each. */
export const diffHoles = (listing: FilterListing, bridges: readonly string[]): string[] => {
  const chain = holeChain(listing)
  const want = chain ? bridges.flatMap(b => holeComments(b).map(comment => ({ chain, comment }))) : []
  const same = (a: { chain: string; comment: string }, b: { chain: string; comment: string }) => a.chain === b.chain && a.comment === b.comment
  const where = `table ${IPTABLES_FILTER.family} ${IPTABLES_FILTER.name}`
  return [
    ...want.filter(w => !listing.ours.some(r => same(r, w))).map(w => `${where}: accept "${w.comment}" in chain ${w.chain} missing`),
    ...listing.ours
      .filter((r, i) => !want.some(w => same(r, w)) || listing.ours.findIndex(o => same(o, r)) !== i)
      .map(r => `${where}: unexpected accept "${r.comment}" in chain ${r.chain}`),
  ]
}
