/**
 * buildSandbox: the container record for each network mode (refusals,
 * warnings and canPublish: sandbox-spec-checks.ts).
 *  - networks: its own netns, eth0, eth1, … one per network;
 *  - none: its own netns, no endpoint;
 *  - host: no netns of its own, the host's name;
 *  - container:X: X's netns (the root owner's when X itself joined one).
 */
import os from 'node:os'
import tap, { type Test } from 'tap'
import { buildSandbox } from '../../../src/service/sandbox-spec.js'
import {
  CUS,
  DEF,
  IPNET,
  MACNET,
  NEW_ID,
  QUIET,
  SIDECAR,
  STATE,
  WEB,
  attach,
  ctxWith,
  networks,
  request,
} from './fixtures/sandbox-world.js'

const build = (t: Test, req: Parameters<typeof request>, existing: string[] = []) => {
  const ctx = ctxWith(t.testdir({}), existing)
  return { spec: buildSandbox(ctx, STATE, request(...req), NEW_ID), asked: ctx.asked }
}

tap.test('networks mode on the default bridge: own netns, eth0 with a veth, the next free address', async t => {
  const before = Date.now()
  const { spec, asked } = build(t, ['db1', networks('bridge')])
  const c = spec.container
  const ep = c.endpoints[0]
  t.strictSame(
    { ...c, created: 'x', endpoints: [] },
    {
      id: NEW_ID,
      name: 'db1',
      hostname: '0badc0deffff',
      created: 'x',
      mode: 'bridge',
      netns: 'bt1-db1',
      cmd: ['sleep', 'infinity'],
      endpoints: [],
      links: [],
      nextIfIndex: 1,
      process: { status: 'created' },
      status: 'creating',
    },
    'no `joined`, no `ports` yet; recorded as creating before any kernel change',
  )
  t.ok(Date.parse(c.created) >= before - 1000 && c.created.endsWith('Z'), 'created now, ISO')
  t.equal(c.endpoints.length, 1)
  t.match(ep, { networkId: DEF.id, ifname: 'eth0', ip: '172.17.0.3', mac: '02:42:ac:11:00:03', aliases: [], status: 'creating' },
    '172.17.0.2 is web’s')
  t.equal(ep?.hostIfname, `veth${ep?.id.slice(0, 7)}`)
  t.strictSame([...spec.networks.entries()], [[ep?.id, DEF]], 'each endpoint’s network, by endpoint id')
  t.strictSame(spec.warnings, [])
  t.equal(spec.canPublish, true)
  t.strictSame(asked, ['bt1-db1'], 'checked that no netns of that name exists')
})

tap.test('networks mode on several networks: eth0, eth1, eth2 in the order given', async t => {
  const { spec } = build(t, ['multi', networks('custombridge', 'macnet', 'ipnet')])
  const [a, b, c] = spec.container.endpoints
  t.strictSame(spec.container.endpoints.map(e => [e.ifname, e.networkId]), [['eth0', CUS.id], ['eth1', MACNET.id], ['eth2', IPNET.id]])
  t.equal(spec.container.nextIfIndex, 3)
  t.match(a, { ip: '172.18.0.3', mac: '02:42:ac:12:00:03' })
  t.equal(a?.hostIfname.startsWith('veth'), true, 'bridge: a veth host end')
  t.match(b, { hostIfname: '', ip: '192.168.50.2', mac: '02:42:c0:a8:32:02' }, 'macvlan: no host side, Docker’s MAC')
  t.match(c, { hostIfname: '', ip: '10.20.0.2', mac: '' }, 'ipvlan: no host side, the parent’s MAC')
  t.equal(spec.networks.get(b?.id ?? ''), MACNET)
  t.equal(spec.networks.get(c?.id ?? ''), IPNET)
  t.equal(new Set(spec.container.endpoints.map(e => e.id)).size, 3, 'distinct endpoint ids')
})

tap.test('networks mode: the requested address and MAC are kept', async t => {
  const { spec } = build(t, ['fixed', { kind: 'networks', attach: [attach('macnet', { ip: 0xc0a8320a, mac: '02:00:00:00:00:0a' })] }])
  t.match(spec.container.endpoints[0], { ip: '192.168.50.10', mac: '02:00:00:00:00:0a' })
})

tap.test('none: its own netns with only lo (no endpoint)', async t => {
  const { spec, asked } = build(t, ['q2', { kind: 'none' }])
  t.match(spec.container, { mode: 'none', netns: 'bt1-q2', endpoints: [], nextIfIndex: 0, hostname: '0badc0deffff' })
  t.notOk('joined' in spec.container)
  t.equal(spec.networks.size, 0)
  t.equal(spec.canPublish, false)
  t.strictSame(asked, ['bt1-q2'])
})

tap.test('host: no netns of its own and the host’s name; no netns is looked at', async t => {
  const { spec, asked } = build(t, ['h2', { kind: 'host' }], ['bt1-h2'])
  t.match(spec.container, { mode: 'host', netns: '', endpoints: [], nextIfIndex: 0, hostname: os.hostname() })
  t.notOk('joined' in spec.container)
  t.equal(spec.canPublish, false)
  t.strictSame(asked, [], 'a netns of that name does not matter: none is made')
  const named = build(t, ['h3', { kind: 'host' }, { hostname: 'apollo' }]).spec
  t.equal(named.container.hostname, 'apollo', '--hostname still wins')
})

tap.test('container:X shares X’s netns and records X as the owner', async t => {
  const { spec, asked } = build(t, ['side2', { kind: 'container', container: 'web' }], [WEB.netns])
  t.match(spec.container, { mode: 'container', joined: WEB.id, netns: 'bt1-web', endpoints: [], nextIfIndex: 0 })
  t.equal(spec.canPublish, false)
  t.equal(spec.networks.size, 0)
  t.strictSame(asked, [], 'the owner’s netns exists, of course: not a clash')
  t.match(build(t, ['side3', { kind: 'container', container: WEB.id.slice(0, 8) }]).spec.container, { joined: WEB.id },
    'by id prefix: the full id is recorded')
  t.match(build(t, ['side4', { kind: 'container', container: 'quiet' }]).spec.container, { joined: QUIET.id, netns: 'bt1-quiet' },
    'a none-mode container can be joined')
})

tap.test('container:X where X joined someone: the root owner is recorded', async t => {
  t.equal(SIDECAR.joined, WEB.id)
  const { spec } = build(t, ['side5', { kind: 'container', container: 'sidecar' }])
  t.match(spec.container, { mode: 'container', joined: WEB.id, netns: WEB.netns }, 'web, not sidecar')
})

tap.test('the hostname: --hostname, else the short id (host mode: the host’s)', async t => {
  t.equal(build(t, ['n1', networks('bridge'), { hostname: 'db.local' }]).spec.container.hostname, 'db.local')
  t.equal(build(t, ['n2', { kind: 'none' }, { hostname: 'quiet' }]).spec.container.hostname, 'quiet')
  t.equal(build(t, ['n3', { kind: 'container', container: 'web' }]).spec.container.hostname, '0badc0deffff')
})

tap.test('buildSandbox does not change the state', async t => {
  const before = JSON.stringify(STATE)
  build(t, ['x1', networks('bridge', 'custombridge')])
  build(t, ['x2', { kind: 'container', container: 'sidecar' }])
  t.equal(JSON.stringify(STATE), before)
})
