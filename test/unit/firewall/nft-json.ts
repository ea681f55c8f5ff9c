import tap from 'tap'
import {
  accept,
  addBaseChain,
  addSet,
  addTable,
  ctState,
  deleteTable,
  drop,
  iifname,
  ipAddr,
  masquerade,
  oifname,
  rule,
} from '../../../src/firewall/nft-json.js'

const T = { family: 'inet', name: 'berth' } as const

tap.test('ctState is a flag test: op "in" (== never matches on nft 1.0.6)', async t => {
  t.strictSame(ctState(['established', 'related']), {
    match: { op: 'in', left: { ct: { key: 'state' } }, right: ['established', 'related'] },
  })
  const states = ['new']
  const e = ctState(states)
  states.push('invalid')
  t.strictSame((e.match as { right: string[] }).right, ['new'], 'copies the list')
})

tap.test('interface and address matches', async t => {
  t.strictSame(iifname('berth0'), { match: { op: '==', left: { meta: { key: 'iifname' } }, right: 'berth0' } })
  t.strictSame(oifname('@bridges', '!='), { match: { op: '!=', left: { meta: { key: 'oifname' } }, right: '@bridges' } })
  t.strictSame(ipAddr('saddr', '172.18.0.0/16'), {
    match: { op: '==', left: { payload: { protocol: 'ip', field: 'saddr' } }, right: { prefix: { addr: '172.18.0.0', len: 16 } } },
  })
  t.strictSame(ipAddr('daddr', '10.0.0.0/8', '!='), {
    match: { op: '!=', left: { payload: { protocol: 'ip', field: 'daddr' } }, right: { prefix: { addr: '10.0.0.0', len: 8 } } },
  })
})

tap.test('rule appends a counter, then the verdict, and carries the comment', async t => {
  const r = rule(T, 'forward', 'why this rule exists', [iifname('a'), oifname('b')], drop)
  t.strictSame(r, {
    add: {
      rule: {
        family: 'inet',
        table: 'berth',
        chain: 'forward',
        comment: 'why this rule exists',
        expr: [iifname('a'), oifname('b'), { counter: null }, { drop: null }],
      },
    },
  })
  const bare = rule(T, 'postrouting', 'c', [], masquerade)
  t.strictSame((bare.add as { rule: { expr: unknown[] } }).rule.expr, [{ counter: null }, { masquerade: null }])
  const jump = rule(T, 'forward', 'c', [iifname('x')], { jump: { target: 'other' } })
  t.strictSame((jump.add as { rule: { expr: unknown[] } }).rule.expr.slice(-2), [{ counter: null }, { jump: { target: 'other' } }])
  t.strictSame(accept, { accept: null })
})

tap.test('tables, chains and sets', async t => {
  t.strictSame(addTable(T), { add: { table: { family: 'inet', name: 'berth' } } })
  t.strictSame(deleteTable({ family: 'ip', name: 'x' }), { delete: { table: { family: 'ip', name: 'x' } } })
  t.strictSame(addBaseChain(T, 'forward', 'filter', 'forward', 0), {
    add: { chain: { family: 'inet', table: 'berth', name: 'forward', type: 'filter', hook: 'forward', prio: 0, policy: 'accept' } },
  })
  t.strictSame(addBaseChain(T, 'forward', 'filter', 'forward', 0, 'drop'), {
    add: { chain: { family: 'inet', table: 'berth', name: 'forward', type: 'filter', hook: 'forward', prio: 0, policy: 'drop' } },
  })
  t.strictSame(addSet(T, 'bridges', 'ifname', ['a', 'b'], 'c'), {
    add: { set: { family: 'inet', table: 'berth', name: 'bridges', type: 'ifname', comment: 'c', elem: ['a', 'b'] } },
  })
  t.strictSame(addSet(T, 'bridges', 'ifname', [], 'c'), {
    add: { set: { family: 'inet', table: 'berth', name: 'bridges', type: 'ifname', comment: 'c' } },
  })
})
