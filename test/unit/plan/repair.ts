import tap from 'tap'
import { planEndpointCreate } from '../../../src/drivers/bridge/plan-endpoint.js'
import { planNetworkCreate } from '../../../src/drivers/bridge/plan-network.js'
import type { Container, Endpoint, Network, State } from '../../../src/model/types.js'
import { type Observed, planContainerRepair, planGarbage, planNetworkRepair } from '../../../src/plan/repair.js'
import { planSandboxCreate } from '../../../src/plan/sandbox.js'

const network = (id: string, name: string, bridge: string, subnet: string, gateway: string): Network => ({
  id,
  name,
  driver: 'bridge',
  created: '2026-01-01T00:00:00.000Z',
  subnet,
  gateway,
  userSubnet: false,
  bridge,
  internal: false,
  attachable: false,
  isDefault: name === 'bridge',
  options: {},
  labels: {},
  status: 'ready',
})
const DEF = network('d0000000000000000000', 'bridge', 'berth0', '172.17.0.0/16', '172.17.0.1')
const CUS = network('c1111111111111111111', 'custombridge', 'br-c11111111111', '172.18.0.0/16', '172.18.0.1')

const endpoint = (id: string, n: Network, ifname: string, ip: string): Endpoint => ({
  id,
  networkId: n.id,
  ifname,
  hostIfname: `veth${id.slice(0, 7)}`,
  ip,
  mac: '02:42:00:00:00:00',
  status: 'ready',
})
const EP0 = endpoint('e0aaaaaaaaaa', DEF, 'eth0', '172.17.0.2')
const EP1 = endpoint('e1bbbbbbbbbb', CUS, 'eth1', '172.18.0.2')
const WEB: Container = {
  id: 'f9999999999999999999',
  name: 'web',
  hostname: 'f99999999999',
  created: '2026-01-01T00:00:00.000Z',
  netns: 'berth-web',
  cmd: [],
  endpoints: [EP0, EP1],
  nextIfIndex: 2,
  process: { status: 'running', pid: 10 },
  status: 'ready',
}
const STATE: State = { networks: [DEF, CUS], containers: [WEB], poolCursor: 1 }
const NETS = new Map([DEF, CUS].map(n => [n.id, n]))
const FILES = { hosts: 'h', 'resolv.conf': 'r', hostname: 'f99999999999\n' }

/** What the kernel looks like when everything in STATE is there. */
const healthy = (): { netns: Map<string, string | undefined>; hostLinks: Map<string, string | undefined> } => ({
  netns: new Map([['berth-web', `berth:${WEB.id}`]]),
  hostLinks: new Map<string, string | undefined>([
    ['lo', undefined],
    ['eth0', undefined],
    ['berth0', `berth:${DEF.id}`],
    ['br-c11111111111', `berth:${CUS.id}`],
    [EP0.hostIfname, `berth:${EP0.id}`],
    [EP1.hostIfname, `berth:${EP1.id}`],
  ]),
})

tap.test('planGarbage: nothing to do when the kernel matches the state', async t => {
  t.strictSame(planGarbage(STATE, healthy()), [])
})

tap.test('planGarbage: berth-owned objects the state does not know are removed', async t => {
  const o = healthy()
  o.hostLinks.set('br-deadbeef0000', 'berth:deadbeef0000')
  o.hostLinks.set('vethdead000', 'berth:dead000')
  o.netns.set('berth-old', 'berth:0ldc0ntainer')
  t.strictSame(planGarbage(STATE, o), [
    { kind: 'link.delete', name: 'br-deadbeef0000' },
    { kind: 'link.delete', name: 'vethdead000' },
    { kind: 'files.remove', netns: 'berth-old' },
    { kind: 'netns.delete', netns: 'berth-old' },
  ])
})

tap.test('planGarbage: foreign objects are never touched', async t => {
  const o: Observed = {
    netns: new Map<string, string | undefined>([
      ['berth-mine-not', undefined], // someone's `ip netns add berth-mine-not`
      ['berth-other', 'docker:abc'],
      ['berth-x', 'Berth:abc'], // case matters
      ['berth-y', ' berth:abc'],
    ]),
    hostLinks: new Map<string, string | undefined>([
      ['br-0123456789ab', undefined], // a Docker bridge
      ['docker0', undefined],
      ['veth1234567', 'my veth'],
      ['vethabcdefg', 'berthx:1'],
    ]),
  }
  t.strictSame(planGarbage(STATE, o), [])
  t.strictSame(planGarbage({ networks: [], containers: [], poolCursor: -1 }, o), [], 'even with an empty state')
})

tap.test('planGarbage: an empty state removes everything berth owns', async t => {
  const ops = planGarbage({ networks: [], containers: [], poolCursor: -1 }, healthy())
  t.strictSame(ops, [
    { kind: 'link.delete', name: 'berth0' },
    { kind: 'link.delete', name: 'br-c11111111111' },
    { kind: 'link.delete', name: EP0.hostIfname },
    { kind: 'link.delete', name: EP1.hostIfname },
    { kind: 'files.remove', netns: 'berth-web' },
    { kind: 'netns.delete', netns: 'berth-web' },
  ])
})

tap.test('planNetworkRepair: an existing owned bridge keeps only the idempotent ops', async t => {
  t.strictSame(
    planNetworkRepair(CUS, healthy()),
    planNetworkCreate(CUS).filter(op => op.kind !== 'link.bridge'),
  )
  t.notOk(planNetworkRepair(CUS, healthy()).some(op => op.kind === 'link.bridge'))
})

tap.test('planNetworkRepair: a missing bridge is re-created', async t => {
  const o = healthy()
  o.hostLinks.delete('br-c11111111111')
  const ops = planNetworkRepair(CUS, o)
  t.strictSame(ops, planNetworkCreate(CUS))
  t.equal(ops[0]?.kind, 'link.bridge')
  t.equal(ops.length, 3)
})

tap.test('planNetworkRepair: a same-named bridge owned by something else is not adopted silently', async t => {
  const o = healthy()
  o.hostLinks.set('br-c11111111111', 'berth:another-network')
  t.equal(planNetworkRepair(CUS, o)[0]?.kind, 'link.bridge', 'create is planned (the kernel refuses an alias mismatch)')
})

tap.test('planContainerRepair: nothing to do when all is there', async t => {
  t.strictSame(planContainerRepair(WEB, NETS, FILES, healthy()), [])
})

tap.test('planContainerRepair: a missing netns re-creates the sandbox and every endpoint', async t => {
  const o = healthy()
  o.netns.delete('berth-web')
  t.strictSame(planContainerRepair(WEB, NETS, FILES, o), [
    ...planSandboxCreate(WEB, FILES),
    ...planEndpointCreate(DEF, WEB, EP0, true),
    ...planEndpointCreate(CUS, WEB, EP1, false),
  ])
  t.equal(planContainerRepair(WEB, NETS, FILES, o).filter(op => op.kind === 'link.delete').length, 0, 'no peer deletes: the netns is new')
})

tap.test('planContainerRepair: a missing host veth re-creates only that endpoint', async t => {
  const o = healthy()
  o.hostLinks.delete(EP1.hostIfname)
  t.strictSame(planContainerRepair(WEB, NETS, FILES, o), [
    { kind: 'link.delete', netns: 'berth-web', name: 'eth1' },
    ...planEndpointCreate(CUS, WEB, EP1, false),
  ])
  const o0 = healthy()
  o0.hostLinks.delete(EP0.hostIfname)
  const ops = planContainerRepair(WEB, NETS, FILES, o0)
  t.strictSame(ops, [{ kind: 'link.delete', netns: 'berth-web', name: 'eth0' }, ...planEndpointCreate(DEF, WEB, EP0, true)])
  t.equal(ops.at(-1)?.kind, 'route.add', 'the first endpoint gets its default route back')
})

tap.test('planContainerRepair: a host veth with a foreign alias counts as missing', async t => {
  const o = healthy()
  o.hostLinks.set(EP1.hostIfname, undefined)
  t.equal(planContainerRepair(WEB, NETS, FILES, o)[0]?.kind, 'link.delete')
})

tap.test('planContainerRepair: endpoints on unknown networks are skipped', async t => {
  const o = healthy()
  o.netns.delete('berth-web')
  const ops = planContainerRepair(WEB, new Map([[DEF.id, DEF]]), FILES, o)
  t.strictSame(ops, [...planSandboxCreate(WEB, FILES), ...planEndpointCreate(DEF, WEB, EP0, true)])
})

tap.test(
  'planContainerRepair: a netns of the right name that is not this container’s is re-created',
  async t => {
    // planGarbage removes a netns whose lo alias is berth's but stale; repair,
    // planned from the same observation, must then re-create it.
    const o = healthy()
    o.netns.set('berth-web', 'berth:an-older-container')
    t.ok(planGarbage(STATE, o).some(op => op.kind === 'netns.delete'), 'garbage removes it')
    t.equal(planContainerRepair(WEB, NETS, FILES, o)[0]?.kind, 'netns.create')
  },
)
