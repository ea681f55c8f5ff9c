/**
 * Repair by network mode: host- and container-mode containers own no netns,
 * so repair, crash cleanup and garbage collection never make or delete one
 * for them; none-mode ones own a netns with only lo. (Child endpoints and
 * child networks: repair-child.ts.)
 */
import tap from 'tap'
import type { Container, State } from '../../../src/model/types.js'
import { type Observed, planContainerRepair, planGarbage, planUnfinished } from '../../../src/plan/repair.js'
import { ownsNetns, planSandboxCreate } from '../../../src/plan/sandbox.js'
import { DEF, EMPTY, FILES, NETS, STATE, WEB, healthy } from './fixtures/repair-world.js'

const JOINER: Container = {
  ...WEB,
  id: 'f8888888888888888888',
  name: 'sidecar',
  mode: 'container',
  joined: WEB.id,
  netns: WEB.netns,
  endpoints: [],
  nextIfIndex: 0,
}
const HOSTC: Container = { ...WEB, id: 'f7777777777777777777', name: 'hostnet', mode: 'host', netns: '', endpoints: [], nextIfIndex: 0 }
const QUIET: Container = { ...WEB, id: 'f6666666666666666666', name: 'quiet', mode: 'none', netns: 'berth-quiet', endpoints: [], nextIfIndex: 0 }

/** Nothing at all observed: no netns, no links. */
const NOTHING: Observed = { netns: new Map(), hostLinks: new Map() }

tap.test('the fixtures: which modes own a netns', async t => {
  t.strictSame([WEB, QUIET, HOSTC, JOINER].map(ownsNetns), [true, true, false, false])
})

tap.test('planContainerRepair: a host-mode container has nothing to repair, whatever is observed', async t => {
  t.strictSame(planContainerRepair(HOSTC, NETS, FILES, healthy()), [])
  t.strictSame(planContainerRepair(HOSTC, NETS, FILES, NOTHING), [], 'not even /etc files: the host’s own are used')
  // A stale record with endpoints must still not plan anything in the host's netns.
  t.strictSame(planContainerRepair({ ...HOSTC, endpoints: WEB.endpoints }, NETS, FILES, NOTHING), [])
})

tap.test('planContainerRepair: a container-mode container never re-creates its owner’s netns', async t => {
  t.strictSame(planContainerRepair(JOINER, NETS, FILES, healthy()), [])
  const gone = healthy()
  gone.netns.delete(WEB.netns)
  t.strictSame(planContainerRepair(JOINER, NETS, FILES, gone), [], 'the owner’s repair does that, with the owner’s alias')
  t.strictSame(planContainerRepair(JOINER, NETS, { hosts: 'other' }, healthy()), [], 'nor overwrites the owner’s /etc files')
})

tap.test('planContainerRepair: a none-mode container: its files, or its whole sandbox when gone', async t => {
  const o = healthy()
  o.netns.set('berth-quiet', `berth:${QUIET.id}`)
  t.strictSame(planContainerRepair(QUIET, NETS, FILES, o), [{ kind: 'files.write', netns: 'berth-quiet', files: FILES }])
  const ops = planContainerRepair(QUIET, NETS, FILES, healthy())
  t.strictSame(ops, planSandboxCreate(QUIET, FILES))
  t.strictSame(ops.map(op => op.kind), ['netns.create', 'sysctl.set', 'sysctl.set', 'link.up', 'files.write'], 'lo only, no endpoint')
  t.match(ops[3], { kind: 'link.up', netns: 'berth-quiet', dev: 'lo', alias: `berth:${QUIET.id}` })
  o.netns.set('berth-quiet', `berth:${WEB.id}`)
  t.equal(planContainerRepair(QUIET, NETS, FILES, o)[0]?.kind, 'netns.create', 'a netns of that name that is not its own counts as gone')
})

tap.test('planUnfinished: a half-made host or container-mode container is dropped without any kernel op', async t => {
  const s: State = {
    ...STATE,
    containers: [WEB, { ...HOSTC, status: 'creating' }, { ...JOINER, status: 'removing' }, { ...HOSTC, id: 'f5555555555555555555', name: 'h2' }],
  }
  const r = planUnfinished(s)
  t.strictSame(r.ops, [], 'never the daemon’s netns, never the owner’s')
  t.strictSame(r.state.containers.map(c => c.name), ['web', 'h2'], 'the ready ones stay')
})

tap.test('planUnfinished: a half-made none-mode container takes its own netns with it', async t => {
  const r = planUnfinished({ ...STATE, containers: [{ ...QUIET, status: 'creating' }, WEB] })
  t.strictSame(r.ops, [
    { kind: 'files.remove', netns: 'berth-quiet' },
    { kind: 'netns.delete', netns: 'berth-quiet' },
  ])
  t.strictSame(r.state.containers, [WEB])
})

tap.test('planUnfinished: an owner torn down while a joiner is ready leaves the joiner’s record alone', async t => {
  const r = planUnfinished({ ...STATE, containers: [{ ...WEB, status: 'removing' }, JOINER] })
  t.strictSame(r.ops.filter(op => op.kind === 'netns.delete'), [{ kind: 'netns.delete', netns: WEB.netns }], 'the owner’s own netns, once')
  t.strictSame(r.state.containers, [JOINER])
})

tap.test('planGarbage: an owner’s netns shared by a joiner is kept; host mode names no netns', async t => {
  const s: State = { ...STATE, containers: [WEB, JOINER, HOSTC, QUIET] }
  const o = healthy()
  o.netns.set('berth-quiet', `berth:${QUIET.id}`)
  t.strictSame(planGarbage(s, o), [])
})

tap.test('planGarbage: the owner gone from the state, its netns goes: a joiner does not keep it (the netns carries the owner’s alias)', async t => {
  const s: State = { ...STATE, containers: [JOINER] }
  t.strictSame(planGarbage(s, healthy()).filter(op => op.kind === 'netns.delete'), [{ kind: 'netns.delete', netns: WEB.netns }])
})

tap.test('planGarbage: a netns carrying a host-mode container’s alias is garbage (that container has none)', async t => {
  const s: State = { ...EMPTY, networks: [DEF], containers: [HOSTC] }
  const o: Observed = { netns: new Map([['berth-hostnet', `berth:${HOSTC.id}`]]), hostLinks: new Map([['berth0', `berth:${DEF.id}`]]) }
  t.strictSame(planGarbage(s, o), [
    { kind: 'files.remove', netns: 'berth-hostnet' },
    { kind: 'netns.delete', netns: 'berth-hostnet' },
  ])
})
