/**
 * The shape of an nft table — its chains, its rules by chain and comment,
 * its sets and maps with their element counts — from the commands berth
 * applies and from `nft -j list table`, and what differs between the two
 * in words. Drift detection compares shapes, not expressions: nft prints
 * expressions back normalised, while every berth rule carries a comment.
 */
import type { NftCommand } from '../kernel/nft.js'
import type { TableRef } from './nft-json.js'

/** Object key (`chain forward`, `rule forward|<comment>`, `map pub_tcp`) → count. */
export type Shape = ReadonlyMap<string, number>

interface NftObject {
  readonly family?: string
  readonly table?: string
  readonly name?: string
  readonly chain?: string
  readonly comment?: string
  readonly elem?: readonly unknown[]
}

const KINDS = ['chain', 'rule', 'set', 'map'] as const

const keyOf = (kind: (typeof KINDS)[number], o: NftObject): string =>
  kind === 'rule' ? `rule ${o.chain ?? ''}|${o.comment ?? ''}` : `${kind} ${o.name ?? ''}`

const bump = (shape: Map<string, number>, key: string, by: number) => {
  const next = (shape.get(key) ?? 0) + by
  if (next === 0) shape.delete(key)
  else shape.set(key, next)
}

/** Adds one object; sets and maps count their elements, the others themselves. */
const addObject = (shape: Map<string, number>, kind: (typeof KINDS)[number], o: NftObject) => {
  const key = keyOf(kind, o)
  if (kind === 'set' || kind === 'map') shape.set(key, (shape.get(key) ?? 0) + (o.elem?.length ?? 0))
  else bump(shape, key, 1)
}

const inTable = (o: NftObject, t: TableRef) => o.family === t.family && (o.table ?? o.name) === t.name

/**
 * The shape `commands` leave table `t` in, starting from an absent table
 * (berth's batches delete and re-add the table first). Undefined when the
 * table is not there at the end.
 */
export const shapeOfCommands = (commands: readonly NftCommand[], t: TableRef): Shape | undefined => {
  let shape: Map<string, number> | undefined
  for (const command of commands) {
    const [verb, body] = Object.entries(command)[0] ?? []
    const [kind, o] = Object.entries((body ?? {}) as Record<string, NftObject>)[0] ?? []
    if (!o || !inTable(o, t)) continue
    if (kind === 'table') shape = verb === 'delete' ? undefined : (shape ?? new Map())
    else if (!shape) continue
    else if (kind === 'element') {
      const key = shape.has(`map ${o.name}`) ? `map ${o.name}` : `set ${o.name}`
      if (shape.has(key)) shape.set(key, (shape.get(key) ?? 0) + (verb === 'delete' ? -1 : 1) * (o.elem?.length ?? 0))
    } else if (verb === 'add' && (KINDS as readonly string[]).includes(kind ?? '')) {
      addObject(shape, kind as (typeof KINDS)[number], o)
    }
  }
  return shape
}

/** The shape of `nft -j list table` output (undefined: no such table). */
export const shapeOfListing = (listing: readonly unknown[] | undefined): Shape | undefined => {
  if (!listing) return undefined
  const shape = new Map<string, number>()
  for (const item of listing as Record<string, NftObject>[]) {
    const [kind, o] = Object.entries(item)[0] ?? []
    if (o && (KINDS as readonly string[]).includes(kind ?? '')) addObject(shape, kind as (typeof KINDS)[number], o)
  }
  return shape
}

const describeKey = (key: string): string => {
  const [kind, rest = ''] = key.split(/ (.*)/s)
  if (kind !== 'rule') return `${kind} ${rest}`
  const [chain, comment] = rest.split(/\|(.*)/s)
  return comment ? `rule "${comment}" in chain ${chain}` : `rule without comment in chain ${chain}`
}

/** What differs, one line each; empty when the table is as expected. */
export const diffShape = (t: TableRef, want: Shape | undefined, got: Shape | undefined): string[] => {
  const table = `table ${t.family} ${t.name}`
  if (!want) return got ? [`${table} present, but not wanted`] : []
  if (!got) return [`${table} missing`]
  const out: string[] = []
  for (const key of new Set([...want.keys(), ...got.keys()])) {
    const w = want.get(key) ?? 0
    const g = got.get(key) ?? 0
    if (w === g) continue
    const what = describeKey(key)
    if (key.startsWith('set ') || key.startsWith('map ')) {
      out.push(!got.has(key) ? `${table}: ${what} missing` : !want.has(key) ? `${table}: unexpected ${what}` : `${table}: ${what} has ${g} elements, not ${w}`)
    } else {
      out.push(g < w ? `${table}: ${what} missing${w - g > 1 ? ` (${w - g}×)` : ''}` : `${table}: unexpected ${what}${g - w > 1 ? ` (${g - w}×)` : ''}`)
    }
  }
  return out.sort()
}
