import tap from 'tap'
import {
  accept,
  addBaseChain,
  addChain,
  addMap,
  addSet,
  addTable,
  ctState,
  ctStatusDnat,
  deleteTable,
  dnatByMaps,
  drop,
  iifname,
  ipAddr,
  ipDaddrExpr,
  jump,
  l4protoExpr,
  mapElements,
  masquerade,
  oifname,
  rule,
  tcpOrUdp,
  thDportExpr,
  toLocalAddress,
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

tap.test('published-port matches: ct status dnat (a flag: op "in"), fib local, tcp or udp', async t => {
  t.strictSame(ctStatusDnat, { match: { op: 'in', left: { ct: { key: 'status' } }, right: 'dnat' } })
  t.strictSame(toLocalAddress, { match: { op: '==', left: { fib: { result: 'type', flags: ['daddr'] } }, right: 'local' } })
  t.strictSame(tcpOrUdp, { match: { op: '==', left: { meta: { key: 'l4proto' } }, right: { set: ['tcp', 'udp'] } } })
  t.strictSame(jump('published'), { jump: { target: 'published' } })
  t.strictSame(addChain(T, 'published'), { add: { chain: { family: 'inet', table: 'berth', name: 'published' } } })
})

tap.test('dnatByMaps: address and port from two maps with the same key', async t => {
  t.strictSame(dnatByMaps([l4protoExpr, thDportExpr], 'a', 'p'), {
    dnat: {
      family: 'ip',
      addr: { map: { key: { concat: [{ meta: { key: 'l4proto' } }, { payload: { protocol: 'th', field: 'dport' } }] }, data: '@a' } },
      port: { map: { key: { concat: [{ meta: { key: 'l4proto' } }, { payload: { protocol: 'th', field: 'dport' } }] }, data: '@p' } },
    },
  })
  t.strictSame(dnatByMaps([ipDaddrExpr], 'a', 'p'), {
    dnat: { family: 'ip', addr: { map: { key: { payload: { protocol: 'ip', field: 'daddr' } }, data: '@a' } }, port: { map: { key: { payload: { protocol: 'ip', field: 'daddr' } }, data: '@p' } } },
  }, 'a single key is not a concat')
  const dnatRule = rule(T, 'published', 'c', [tcpOrUdp], dnatByMaps([l4protoExpr], 'a', 'p'))
  t.strictSame(Object.keys((dnatRule.add as { rule: { expr: Record<string, unknown>[] } }).rule.expr.at(-1) ?? {}), ['dnat'], 'dnat is the verdict')
})

tap.test('maps and their elements', async t => {
  const key = { concat: ['tcp', 8080] }
  t.strictSame(addMap(T, 'm', ['inet_proto', 'inet_service'], 'ipv4_addr', [[key, '172.17.0.2']]), {
    add: { map: { family: 'inet', table: 'berth', name: 'm', type: ['inet_proto', 'inet_service'], map: 'ipv4_addr', elem: [[key, '172.17.0.2']] } },
  })
  t.strictSame(addMap(T, 'm', ['ipv4_addr'], 'inet_service', []), {
    add: { map: { family: 'inet', table: 'berth', name: 'm', type: 'ipv4_addr', map: 'inet_service' } },
  }, 'a one-part key type is a string; no elements: no elem key')
  t.strictSame(mapElements('add', T, 'm', [[key, 80]]), { add: { element: { family: 'inet', table: 'berth', name: 'm', elem: [[key, 80]] } } })
  t.strictSame(mapElements('delete', { family: 'ip', name: 'x' }, 'm', [[key, 80], [key, 81]]), {
    delete: { element: { family: 'ip', table: 'x', name: 'm', elem: [[key, 80], [key, 81]] } },
  })
  const pair: [unknown, unknown] = [key, 80]
  const cmd = mapElements('add', T, 'm', [pair])
  pair[1] = 99
  t.strictSame((cmd.add as { element: { elem: unknown[] } }).element.elem, [[key, 80]], 'copies the pairs')
})
