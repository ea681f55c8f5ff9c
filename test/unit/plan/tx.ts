import tap from 'tap'
import { BerthError, conflict } from '../../../src/errors.js'
import { type Op, describeOp } from '../../../src/plan/ops.js'
import { type OpApplier, applyPlan, applyBestEffort } from '../../../src/plan/tx.js'

/** Records what it is asked to do; fails the ops `failOn` selects. */
class FakeKernel implements OpApplier {
  readonly log: string[] = []
  releases = 0
  #calls = 0
  constructor(private readonly failOn: (op: Op, call: number) => unknown = () => undefined) {}
  async apply(op: Op): Promise<void> {
    this.#calls++
    await Promise.resolve()
    const failure = this.failOn(op, this.#calls)
    this.log.push(`${failure ? 'FAIL ' : ''}${describeOp(op)}`)
    if (failure) throw failure
  }
  release(): void {
    this.releases++
    this.log.push('release')
  }
}

const NS = 'berth-web'
const PLAN: Op[] = [
  { kind: 'netns.create', netns: NS },
  { kind: 'link.up', netns: NS, dev: 'lo', alias: 'berth:c1' },
  { kind: 'files.write', netns: NS, files: { hosts: 'x' } },
  { kind: 'link.veth', host: 'vethabcdef0', peer: 'eth0', netns: NS, bridge: 'berth0', peerMac: '02:42:ac:11:00:02', alias: 'berth:e1' },
  { kind: 'addr.add', netns: NS, dev: 'eth0', ip: '172.17.0.2', prefix: 16, broadcast: '172.17.255.255' },
  { kind: 'route.add', netns: NS, dst: '0.0.0.0', prefix: 0, gateway: '172.17.0.1', dev: 'eth0' },
]
const failNth = (n: number, err: unknown = new Error('EEXIST: File exists')) => (_op: Op, call: number) => (call === n ? err : undefined)

tap.test('applyPlan applies every op in order and releases once', async t => {
  const k = new FakeKernel()
  await applyPlan(k, PLAN)
  t.strictSame(k.log, [...PLAN.map(describeOp), 'release'])
  t.equal(k.releases, 1)
})

tap.test('a failure rolls back what was applied, in reverse, and rethrows', async t => {
  const k = new FakeKernel(failNth(5))
  const err = await applyPlan(k, PLAN).then(
    () => undefined,
    (e: unknown) => e,
  )
  t.type(err, BerthError)
  t.match(err, {
    kind: 'System',
    code: 'E_KERNEL',
    message: 'addr.add berth-web:eth0 172.17.0.2/16: EEXIST: File exists',
  })
  t.match((err as Error).cause, { message: 'EEXIST: File exists' }, 'the original error is the cause')
  const firstRelease = k.log.indexOf('release')
  t.strictSame(k.log.slice(0, firstRelease), [
    'netns.create berth-web',
    'link.up berth-web:lo',
    'files.write berth-web hosts',
    'link.veth vethabcdef0/berth-web:eth0',
    'FAIL addr.add berth-web:eth0 172.17.0.2/16',
    // inverses of ops 4..1 (link.up has none)
    'link.delete :vethabcdef0',
    'files.remove berth-web',
    'netns.delete berth-web',
  ])
  t.ok(k.releases >= 1, 'release() is called')
  t.notOk(k.log.slice(firstRelease).some(l => l !== 'release'), 'nothing is applied after release')
  t.notOk(k.log.includes('route.add berth-web:0.0.0.0/0 via 172.17.0.1'), 'ops after the failure are not applied')
})

tap.test('a failure of the first op rolls back nothing', async t => {
  const k = new FakeKernel(failNth(1))
  await t.rejects(applyPlan(k, PLAN), { kind: 'System', message: /^netns\.create berth-web: / })
  t.strictSame(k.log.filter(l => l !== 'release'), ['FAIL netns.create berth-web'])
  t.ok(k.releases >= 1)
})

tap.test('a BerthError from the kernel passes through unchanged', async t => {
  const original = conflict('E_LINK_EXISTS', 'a network interface named vethabcdef0 already exists')
  const k = new FakeKernel(failNth(4, original))
  const err = await applyPlan(k, PLAN).then(
    () => undefined,
    (e: unknown) => e,
  )
  t.equal(err, original, 'the same object')
  t.match(err, { kind: 'Conflict', code: 'E_LINK_EXISTS' })
  t.strictSame(
    k.log.filter(l => l !== 'release').slice(4),
    ['files.remove berth-web', 'netns.delete berth-web'],
  )
})

tap.test('a failing rollback is reported with the original error', async t => {
  // op 3 (files.write) fails; rollback netns.delete fails too
  const k = new FakeKernel((op, call) =>
    call === 3 ? new Error('ENOSPC') : op.kind === 'netns.delete' ? new Error('EBUSY') : undefined,
  )
  const err = await applyPlan(k, PLAN).then(
    () => undefined,
    (e: unknown) => e,
  )
  t.type(err, BerthError)
  t.match(err, {
    kind: 'System',
    code: 'E_KERNEL',
    message: 'files.write berth-web hosts: ENOSPC (and rollback failed: netns.delete berth-web: EBUSY)',
  })
  const cause = (err as Error).cause
  t.type(cause, AggregateError)
  t.match((cause as AggregateError).errors, [{ code: 'E_KERNEL', message: 'netns.delete berth-web: EBUSY' }])
})

tap.test('applyPlan of an empty plan only releases', async t => {
  const k = new FakeKernel()
  await applyPlan(k, [])
  t.strictSame(k.log, ['release'])
})

tap.test('applyBestEffort attempts every op and throws one error listing all failures', async t => {
  const ops: Op[] = [
    { kind: 'link.delete', name: 'vethabcdef0' },
    { kind: 'files.remove', netns: NS },
    { kind: 'netns.delete', netns: NS },
    { kind: 'link.delete', name: 'br-0123456789ab' },
  ]
  const k = new FakeKernel((_op, call) => (call === 1 ? new Error('ENODEV') : call === 3 ? 'EBUSY' : undefined))
  const err = await applyBestEffort(k, ops).then(
    () => undefined,
    (e: unknown) => e,
  )
  t.strictSame(k.log, [
    'FAIL link.delete :vethabcdef0',
    'files.remove berth-web',
    'FAIL netns.delete berth-web',
    'link.delete :br-0123456789ab',
    'release',
  ])
  t.type(err, BerthError)
  t.match(err, {
    kind: 'System',
    code: 'E_TEARDOWN',
    message: 'link.delete :vethabcdef0: ENODEV; netns.delete berth-web: EBUSY',
  })
  const cause = (err as Error).cause
  t.type(cause, AggregateError)
  t.equal((cause as AggregateError).errors.length, 2)
  t.ok((cause as AggregateError).errors.every(e => e instanceof BerthError && e.kind === 'System'))
})

tap.test('applyBestEffort without failures resolves and releases', async t => {
  const k = new FakeKernel()
  await applyBestEffort(k, [{ kind: 'files.remove', netns: NS }])
  t.strictSame(k.log, ['files.remove berth-web', 'release'])
})
