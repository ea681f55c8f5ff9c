/**
 * The first two steps of reconcile: planUnfinished (finish what a crash
 * interrupted) and planDefaultNetwork (the configured `bridge` network).
 */
import tap from 'tap'
import { planEndpointRemove } from '../../../src/drivers/bridge/plan-endpoint.js'
import { planNetworkRemove } from '../../../src/drivers/bridge/plan-network.js'
import type { Network, State } from '../../../src/model/types.js'
import { planDefaultNetwork, planUnfinished } from '../../../src/plan/repair.js'
import { planSandboxRemove } from '../../../src/plan/sandbox.js'
import { CUS, DEF, EMPTY, EP0, EP1, STATE, WEB, container, endpoint, network } from './fixtures/repair-world.js'

tap.test('planUnfinished: a settled state needs nothing', async t => {
  const r = planUnfinished(STATE)
  t.strictSame(r.ops, [])
  t.equal(r.state, STATE, 'the very same state object: nothing to write')
  t.equal(r.touched.size, 0)
  t.strictSame(planUnfinished(EMPTY), { ops: [], state: EMPTY, touched: new Set() })
})

tap.test('planUnfinished: containers being created or removed are torn down and dropped', async t => {
  const half = container('a0000000000000000000', 'half', [endpoint('a1cccccccccc', DEF, 'eth0', '172.17.0.3')], 'creating')
  const dying = container('b0000000000000000000', 'dying', [], 'removing')
  const s: State = { ...STATE, containers: [half, WEB, dying] }
  const r = planUnfinished(s)
  t.strictSame(r.ops, [
    { kind: 'link.delete', name: 'vetha1ccccc', alias: 'berth:a1cccccccccc', unmarked: true },
    { kind: 'files.remove', netns: 'berth-half' },
    { kind: 'netns.delete', netns: 'berth-half' },
    { kind: 'files.remove', netns: 'berth-dying' },
    { kind: 'netns.delete', netns: 'berth-dying' },
  ])
  t.strictSame(r.state, STATE, 'only the ready container is left')
  t.equal(r.state.containers[0], WEB, 'an untouched container keeps its identity (its file is not rewritten)')
})

tap.test('planUnfinished: unsettled endpoints of a ready container are removed, the rest kept', async t => {
  const joining = endpoint('e2dddddddddd', CUS, 'eth2', '172.18.0.3', 'creating')
  const leaving = endpoint('e3eeeeeeeeee', CUS, 'eth3', '172.18.0.4', 'removing')
  const c = { ...WEB, endpoints: [EP0, joining, EP1, leaving], nextIfIndex: 4 }
  const r = planUnfinished({ ...STATE, containers: [c] })
  t.strictSame(r.ops, [
    { kind: 'link.delete', name: 'vethe2ddddd', alias: 'berth:e2dddddddddd', unmarked: true },
    { kind: 'link.delete', name: 'vethe3eeeee', alias: 'berth:e3eeeeeeeeee' },
  ], 'a connect cut before its veth was marked is undone too; a removal only deletes marked links')
  t.strictSame(r.state.containers, [{ ...WEB, endpoints: [EP0, EP1], nextIfIndex: 4 }], 'ready endpoints keep their order; ifnames are not reused')
  t.strictSame([...r.touched], [WEB.id], 'the container is marked as touched')
  t.notOk(r.ops.some(op => op.kind === 'netns.delete'), 'the container’s sandbox stays')
})

tap.test('planUnfinished: networks being created or removed are removed after the containers’ veths', async t => {
  const newNet = network('a2222222222222222222', 'newnet', 'br-a22222222222', '172.19.0.0/16', '172.19.0.1', 'creating')
  const oldNet = network('b3333333333333333333', 'oldnet', 'br-b33333333333', '172.20.0.0/16', '172.20.0.1', 'removing')
  const half = container('a0000000000000000000', 'half', [endpoint('a1cccccccccc', DEF, 'eth0', '172.17.0.3')], 'creating')
  const s: State = { networks: [newNet, DEF, oldNet, CUS], containers: [WEB, half], poolCursor: 3, forwardingByBerth: true }
  const r = planUnfinished(s)
  t.strictSame(r.ops.slice(-2), [
    { kind: 'link.delete', name: 'br-a22222222222', alias: `berth:${newNet.id}`, unmarked: true },
    { kind: 'link.delete', name: 'br-b33333333333', alias: `berth:${oldNet.id}` },
  ])
  t.strictSame(r.state, { networks: [DEF, CUS], containers: [WEB], poolCursor: 3, forwardingByBerth: true }, 'the rest of the state is kept')
})

tap.test('planUnfinished: only names berth derived from the id are deleted unmarked', async t => {
  // A network created with com.docker.network.bridge.name=mybr: an unmarked `mybr` may be the user's own.
  const named = network('a4444444444444444444', 'named', 'mybr', '172.21.0.0/16', '172.21.0.1', 'creating')
  const r = planUnfinished({ ...STATE, networks: [...STATE.networks, named] })
  t.strictSame(r.ops, planNetworkRemove(named))
  t.strictSame(r.ops, [{ kind: 'link.delete', name: 'mybr', alias: `berth:${named.id}` }], 'alias-checked only')
})

tap.test('planUnfinished does not modify its input', async t => {
  const s: State = {
    ...STATE,
    networks: [...STATE.networks, network('a2222222222222222222', 'newnet', 'br-a22222222222', '172.19.0.0/16', '172.19.0.1', 'creating')],
    containers: [{ ...WEB, endpoints: [EP0, endpoint('e2dddddddddd', CUS, 'eth2', '172.18.0.3', 'creating')] }],
  }
  const before = JSON.stringify(s)
  const r = planUnfinished(s)
  t.equal(JSON.stringify(s), before)
  t.equal(r.state.containers[0]?.endpoints.length, 1)
  t.equal(s.containers[0]?.endpoints.length, 2)
})

/** The default network as the configuration describes it now (fresh id). */
const wanted = (over: Partial<Network> = {}): Network => ({
  ...network('0e0e0e0e0e0e0e0e0e0e', 'bridge', 'berth0', '172.17.0.0/16', '172.17.0.1'),
  created: '2026-06-01T00:00:00.000Z',
  ...over,
})
const UNUSED: State = { ...STATE, containers: [] }

tap.test('planDefaultNetwork: a missing default network is added, first', async t => {
  const s: State = { ...STATE, networks: [CUS], containers: [] }
  const w = wanted()
  t.strictSame(planDefaultNetwork(s, w), { state: { ...s, networks: [w, CUS] }, kept: false })
  t.strictSame(planDefaultNetwork(EMPTY, w), { state: { ...EMPTY, networks: [w] }, kept: false })
})

tap.test('planDefaultNetwork: an unchanged default network is kept, id and all', async t => {
  for (const s of [STATE, UNUSED]) {
    const w = wanted({ options: { x: 'y' } })
    const r = planDefaultNetwork(s, w)
    t.equal(r.kept, false)
    t.equal(r.state, s, 'the very same state')
    t.equal(r.state.networks.find(n => n.isDefault)?.id, DEF.id)
    t.equal(r.state.networks.filter(n => n.isDefault).length, 1)
  }
})

tap.test('planDefaultNetwork: a changed, unused default network is replaced by a new one', async t => {
  const changes: [string, Partial<Network>][] = [
    ['bridge', { bridge: 'berth1' }],
    ['subnet', { subnet: '10.5.0.0/16', gateway: '10.5.0.1' }],
    ['gateway', { gateway: '172.17.0.254' }],
    ['subnet only', { subnet: '172.17.0.0/24' }],
  ]
  for (const [what, over] of changes) {
    const w = wanted(over)
    const r = planDefaultNetwork(UNUSED, w)
    t.strictSame(r, { state: { ...UNUSED, networks: [w, CUS] }, kept: false }, what)
    t.notOk(r.state.networks.some(n => n.id === DEF.id), `${what}: the old id is gone (its bridge becomes garbage)`)
  }
  const onlyCustom: State = { ...STATE, containers: [container('a0000000000000000000', 'db', [EP1])] }
  t.strictSame(
    planDefaultNetwork(onlyCustom, wanted({ bridge: 'berth1' })).state.networks.map(n => n.id),
    [wanted().id, CUS.id],
    'containers on other networks do not keep it',
  )
})

tap.test('planDefaultNetwork: a changed default network with containers is kept as it is', async t => {
  const other = container('a0000000000000000000', 'db', [EP1])
  const user = container('b0000000000000000000', 'app', [EP1, { ...EP0, id: 'e9eeeeeeeeee' }])
  const cases: [string, State][] = [
    ['first endpoint', STATE],
    ['a later endpoint of a later container', { ...STATE, containers: [other, user] }],
  ]
  for (const [what, s] of cases) {
    for (const over of [{ bridge: 'berth1' }, { subnet: '10.5.0.0/16', gateway: '10.5.0.1' }, { gateway: '172.17.0.254' }]) {
      const r = planDefaultNetwork(s, wanted(over))
      t.equal(r.kept, 'containers use it', `${what}: ${JSON.stringify(over)}`)
      t.equal(r.state, s, `${what}: state unchanged`)
    }
  }
})

tap.test('planDefaultNetwork: a change that would clash with a user network is not made', async t => {
  for (const over of [{ bridge: CUS.bridge }, { subnet: '172.18.0.0/24', gateway: '172.18.0.1' }, { subnet: '172.16.0.0/12', gateway: '172.16.0.1' }]) {
    const r = planDefaultNetwork(UNUSED, wanted(over))
    t.equal(r.kept, 'the configured one would clash with network custombridge', JSON.stringify(over))
    t.equal(r.state, UNUSED, 'state unchanged')
  }
  t.throws(() => planDefaultNetwork({ ...UNUSED, networks: [CUS] }, wanted({ bridge: CUS.bridge })), /clashes with network custombridge/, 'a first start with a clashing default is refused')
})
