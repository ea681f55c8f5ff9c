/**
 * planGarbage and planNetworkRepair (planContainerRepair: repair-container.ts;
 * planUnfinished and planDefaultNetwork: repair-startup.ts).
 */
import tap from 'tap'
import { planNetworkCreate } from '../../../src/drivers/bridge/plan-network.js'
import type { State } from '../../../src/model/types.js'
import { type Observed, planGarbage, planNetworkRepair } from '../../../src/plan/repair.js'
import { CUS, DEF, EMPTY, EP0, EP1, STATE, WEB, healthy } from './fixtures/repair-world.js'

tap.test('planGarbage: nothing to do when the kernel matches the state', async t => {
  t.strictSame(planGarbage(STATE, healthy()), [])
})

tap.test('planGarbage: berth-owned objects the state does not know are removed, alias-checked', async t => {
  const o = healthy()
  o.hostLinks.set('br-deadbeef0000', 'berth:deadbeef0000')
  o.hostLinks.set('vethdead000', 'berth:dead000')
  o.netns.set('berth-old', 'berth:0ldc0ntainer')
  t.strictSame(planGarbage(STATE, o), [
    { kind: 'link.delete', name: 'br-deadbeef0000', alias: 'berth:deadbeef0000' },
    { kind: 'link.delete', name: 'vethdead000', alias: 'berth:dead000' },
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
  t.strictSame(planGarbage(EMPTY, o), [], 'even with an empty state')
})

tap.test('planGarbage: an empty state removes everything berth owns', async t => {
  t.strictSame(planGarbage(EMPTY, healthy()), [
    { kind: 'link.delete', name: 'berth0', alias: `berth:${DEF.id}` },
    { kind: 'link.delete', name: 'br-c11111111111', alias: `berth:${CUS.id}` },
    { kind: 'link.delete', name: EP0.hostIfname, alias: `berth:${EP0.id}` },
    { kind: 'link.delete', name: EP1.hostIfname, alias: `berth:${EP1.id}` },
    { kind: 'files.remove', netns: 'berth-web' },
    { kind: 'netns.delete', netns: 'berth-web' },
  ])
})

tap.test('planGarbage: a known bridge under a name the state does not give it is removed', async t => {
  // `--bridge` changed from berth0 to berth1 while the default network kept its id.
  const s: State = { ...STATE, networks: [{ ...DEF, bridge: 'berth1' }, CUS] }
  const o = healthy()
  t.strictSame(planGarbage(s, o), [{ kind: 'link.delete', name: 'berth0', alias: `berth:${DEF.id}` }], 'the old name goes')
  o.hostLinks.set('berth1', `berth:${DEF.id}`)
  t.strictSame(
    planGarbage(s, o),
    [{ kind: 'link.delete', name: 'berth0', alias: `berth:${DEF.id}` }],
    'the right name stays while the wrong one goes, though both carry the alias',
  )
  o.hostLinks.delete('berth0')
  t.strictSame(planGarbage(s, o), [], 'only the right name left: nothing to do')
})

tap.test('planGarbage: host veths and netns are matched by name too', async t => {
  const o = healthy()
  o.hostLinks.set('vethe0zzzzz', `berth:${EP0.id}`)
  o.netns.set('berth-web-old', `berth:${WEB.id}`)
  t.strictSame(planGarbage(STATE, o), [
    { kind: 'link.delete', name: 'vethe0zzzzz', alias: `berth:${EP0.id}` },
    { kind: 'files.remove', netns: 'berth-web-old' },
    { kind: 'netns.delete', netns: 'berth-web-old' },
  ])
  const o2 = healthy()
  o2.netns.set('berth-db', `berth:${DEF.id}`)
  t.strictSame(
    planGarbage(STATE, o2),
    [
      { kind: 'files.remove', netns: 'berth-db' },
      { kind: 'netns.delete', netns: 'berth-db' },
    ],
    'a netns carrying a network’s alias is not that network',
  )
})

tap.test('planNetworkRepair: an existing owned bridge keeps only the idempotent ops', async t => {
  const ops = planNetworkRepair(CUS, healthy())
  t.strictSame(ops, planNetworkCreate(CUS).filter(op => op.kind !== 'link.bridge'))
  t.strictSame(
    ops.map(op => op.kind),
    ['sysctl.set', 'sysctl.set', 'addr.add', 'link.up'],
    'route_localnet is re-asserted too (a repaired bridge keeps the 127.0.0.1 path)',
  )
})

tap.test('planNetworkRepair: a missing bridge is re-created', async t => {
  const o = healthy()
  o.hostLinks.delete('br-c11111111111')
  const ops = planNetworkRepair(CUS, o)
  t.strictSame(ops, planNetworkCreate(CUS))
  t.equal(ops[0]?.kind, 'link.bridge')
  t.equal(ops.length, 5)
})

tap.test('planNetworkRepair: a same-named bridge owned by something else is not adopted silently', async t => {
  const o = healthy()
  o.hostLinks.set('br-c11111111111', 'berth:another-network')
  t.equal(planNetworkRepair(CUS, o)[0]?.kind, 'link.bridge', 'create is planned (the kernel refuses an alias mismatch)')
  o.hostLinks.set('br-c11111111111', undefined)
  t.equal(planNetworkRepair(CUS, o)[0]?.kind, 'link.bridge', 'same for a bridge without alias')
})
