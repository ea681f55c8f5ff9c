/**
 * A small typed builder for the libnftables JSON schema (libnftables-json(5)),
 * covering what berth's ruleset uses.
 *
 * Every rule is built by {@link rule}, which always puts a counter before
 * the verdict and requires a comment: each rule berth makes can be counted
 * and explained (`nft list table inet berth`).
 *
 * Be aware (nft 1.0.6): flag matches such as `ct state` must use op `in`;
 * `==` compiles to exact equality and silently never matches (stack-probe §4).
 */
import type { NftCommand } from '../kernel/nft.js'

/** A table reference. */
export interface TableRef {
  readonly family: 'inet' | 'ip' | 'bridge'
  readonly name: string
}

/** One expression of a rule's `expr` list. */
export type Expr = Record<string, unknown>

/** A terminal statement: what happens to a packet that matched. */
export type Verdict =
  | { accept: null }
  | { drop: null }
  | { return: null }
  | { masquerade: null }
  | { jump: { target: string } }
  | { dnat: Record<string, unknown> }

export const accept: Verdict = { accept: null }
export const drop: Verdict = { drop: null }
export const masquerade: Verdict = { masquerade: null }

type Op = '==' | '!=' | 'in'

const match = (left: unknown, op: Op, right: unknown): Expr => ({ match: { op, left, right } })

/** `iifname <op> <name or @set>` */
export const iifname = (value: string, op: Op = '=='): Expr => match({ meta: { key: 'iifname' } }, op, value)
/** `oifname <op> <name or @set>` */
export const oifname = (value: string, op: Op = '=='): Expr => match({ meta: { key: 'oifname' } }, op, value)

/** `ip saddr|daddr <op> addr/len` */
export const ipAddr = (field: 'saddr' | 'daddr', cidr: string, op: Op = '=='): Expr => {
  const [addr, len] = cidr.split('/')
  return match({ payload: { protocol: 'ip', field } }, op, { prefix: { addr, len: Number(len) } })
}

/** `ct status dnat` (a flag test: op `in`). */
export const ctStatusDnat: Expr = match({ ct: { key: 'status' } }, 'in', 'dnat')

/** `fib daddr type local`: the packet is for one of this netns' addresses. */
export const toLocalAddress: Expr = match({ fib: { result: 'type', flags: ['daddr'] } }, '==', 'local')

/** `meta l4proto { tcp, udp }` (gives the L4 context a port map needs). */
export const tcpOrUdp: Expr = match({ meta: { key: 'l4proto' } }, '==', { set: ['tcp', 'udp'] })

/** `jump <chain>` */
export const jump = (target: string): Verdict => ({ jump: { target } })

/** `dnat ip to <key> map @addrMap : <key> map @portMap` — two maps because
 * nft 1.0.6's JSON cannot declare a map with concatenated data. */
export const dnatByMaps = (key: readonly Expr[], addrMap: string, portMap: string): Verdict => {
  const k = key.length === 1 ? key[0] : { concat: [...key] }
  return { dnat: { family: 'ip', addr: { map: { key: k, data: `@${addrMap}` } }, port: { map: { key: k, data: `@${portMap}` } } } }
}

/** Expressions for map keys. */
export const ipDaddrExpr: Expr = { payload: { protocol: 'ip', field: 'daddr' } }
export const l4protoExpr: Expr = { meta: { key: 'l4proto' } }
export const thDportExpr: Expr = { payload: { protocol: 'th', field: 'dport' } }

/** A regular chain (reached by jumps). */
export const addChain = (t: TableRef, name: string): NftCommand => ({ add: { chain: { family: t.family, table: t.name, name } } })

/** A map with its elements (`[key, value]` pairs; a key may be a `{concat}`). */
export const addMap = (
  t: TableRef,
  name: string,
  keyType: readonly string[],
  valueType: string,
  elems: readonly (readonly [unknown, unknown])[],
): NftCommand => ({
  add: {
    map: {
      family: t.family,
      table: t.name,
      name,
      type: keyType.length === 1 ? keyType[0] : [...keyType],
      map: valueType,
      ...(elems.length > 0 ? { elem: elems.map(e => [...e]) } : {}),
    },
  },
})

/** Adds or deletes map elements. */
export const mapElements = (
  verb: 'add' | 'delete',
  t: TableRef,
  name: string,
  elems: readonly (readonly [unknown, unknown])[],
): NftCommand => ({
  [verb]: { element: { family: t.family, table: t.name, name, elem: elems.map(e => [...e]) } },
})

/** `ether saddr <op> mac` (bridge family). */
export const etherSaddr = (mac: string, op: Op = '=='): Expr => match({ payload: { protocol: 'ether', field: 'saddr' } }, op, mac)

/** `ct state { … }` (op `in`: a flag test, see module note). */
export const ctState = (states: readonly string[]): Expr => match({ ct: { key: 'state' } }, 'in', [...states])

/** `add table` */
export const addTable = (t: TableRef): NftCommand => ({ add: { table: { family: t.family, name: t.name } } })
/** `delete table` */
export const deleteTable = (t: TableRef): NftCommand => ({ delete: { table: { family: t.family, name: t.name } } })

/** A base chain attached to a netfilter hook. */
export const addBaseChain = (
  t: TableRef,
  name: string,
  type: 'filter' | 'nat',
  hook: 'prerouting' | 'input' | 'forward' | 'output' | 'postrouting',
  prio: number,
  policy: 'accept' | 'drop' = 'accept',
): NftCommand => ({
  add: { chain: { family: t.family, table: t.name, name, type, hook, prio, policy } },
})

/** A named set with its elements. */
export const addSet = (t: TableRef, name: string, type: string, elems: readonly string[], comment: string): NftCommand => ({
  add: {
    set: {
      family: t.family,
      table: t.name,
      name,
      type,
      comment,
      ...(elems.length > 0 ? { elem: [...elems] } : {}),
    },
  },
})

/** A rule: matches, then a counter, then the verdict; always commented. */
export const rule = (
  t: TableRef,
  chain: string,
  comment: string,
  matches: readonly Expr[],
  verdict: Verdict,
): NftCommand => ({
  add: {
    rule: { family: t.family, table: t.name, chain, comment, expr: [...matches, { counter: null }, verdict] },
  },
})
