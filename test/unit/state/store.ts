/**
 * StateStore: updates are persisted before they resolve, and an update whose
 * write fails is forgotten in memory too.
 */
import fs from 'node:fs'
import realFsp from 'node:fs/promises'
import path from 'node:path'
import tap from 'tap'
import type { Network, State } from '../../../src/model/types.js'
import { emptyState, serializeState } from '../../../src/state/schema.js'
import { StateStore, writeFileAtomic } from '../../../src/state/store.js'

const net = (id: string, name: string): Network => ({
  id,
  name,
  driver: 'bridge',
  created: '2026-01-01T00:00:00.000Z',
  subnet: '172.18.0.0/16',
  gateway: '172.18.0.1',
  userSubnet: false,
  bridge: `br-${id.slice(0, 12)}`,
  internal: false,
  attachable: false,
  isDefault: false,
  options: {},
  labels: {},
  status: 'ready',
})
const addNet = (id: string, name: string) => (s: State): State => ({ ...s, networks: [...s.networks, net(id, name)], poolCursor: s.poolCursor + 1 })

tap.test('an absent document loads as the empty state', async t => {
  const store = new StateStore(t.testdir())
  t.strictSame(await store.load(), emptyState())
  t.strictSame(store.state, emptyState())
})

tap.test('a successful update is in memory and on disk', async t => {
  const dir = t.testdir()
  const store = new StateStore(dir)
  await store.load()
  const next = await store.update(addNet('aaaa000000000000', 'one'))
  t.equal(store.state, next, 'the returned state is the current one')
  t.equal(next.networks[0]?.name, 'one')
  t.equal(fs.readFileSync(path.join(dir, 'state.json'), 'utf8'), serializeState(next))
  t.equal(fs.statSync(path.join(dir, 'state.json')).mode & 0o777, 0o600, 'readable by root only')
  t.strictSame(fs.readdirSync(dir), ['state.json'], 'no temporary file left behind')

  const again = await store.update(s => ({ ...s, forwardingByBerth: true }))
  const reloaded = new StateStore(dir)
  t.strictSame(await reloaded.load(), again, 'a new store over the same directory reads it back')
  t.equal(reloaded.state.forwardingByBerth, true)
  t.equal(reloaded.state.networks.length, 1)
})

tap.test('concurrent updates are queued: the file ends up with the latest', async t => {
  const dir = t.testdir()
  const store = new StateStore(dir)
  await store.load()
  const [a, b] = await Promise.all([store.update(addNet('aaaa000000000000', 'one')), store.update(addNet('bbbb000000000000', 'two'))])
  t.equal(a.networks.length, 1)
  t.strictSame(b.networks.map(n => n.name), ['one', 'two'], 'the second update saw the first synchronously')
  t.strictSame(await new StateStore(dir).load(), b)
})

tap.test('a failed write is forgotten: the state stays what it was', async t => {
  const store = new StateStore(path.join(t.testdir(), 'does-not-exist'))
  await store.load()
  const before = store.state
  await t.rejects(store.update(addNet('aaaa000000000000', 'one')), { code: 'ENOENT' })
  t.equal(store.state, before, 'the very same object as before')
  t.strictSame(store.state, emptyState())
})

tap.test('a failed write reverts to the previous state, not to the empty one', async t => {
  const root = t.testdir()
  const dir = path.join(root, 'data')
  fs.mkdirSync(dir)
  const store = new StateStore(dir)
  await store.load()
  const first = await store.update(addNet('aaaa000000000000', 'one'))
  fs.rmSync(dir, { recursive: true })
  await t.rejects(store.update(addNet('bbbb000000000000', 'two')), { code: 'ENOENT' })
  t.equal(store.state, first)
  t.strictSame(store.state.networks.map(n => n.name), ['one'])
  // the store keeps working once the directory is back
  fs.mkdirSync(dir)
  const third = await store.update(addNet('cccc000000000000', 'three'))
  t.strictSame(third.networks.map(n => n.name), ['one', 'three'])
  t.strictSame(await new StateStore(dir).load(), third)
})

tap.test('a failed write does not undo a later update that built on it', async t => {
  // The first write fails (injected), the second succeeds: the second state
  // contains the first change and is what memory and disk hold.
  let failures = 1
  const open: typeof realFsp.open = async (file, ...rest) => {
    if (String(file).includes('.tmp-') && failures-- > 0) throw Object.assign(new Error('injected EIO'), { code: 'EIO' })
    return realFsp.open(file, ...rest)
  }
  const fake = { ...realFsp, open }
  const { StateStore: MockedStore } = await t.mockImport<typeof import('../../../src/state/store.js')>('../../../src/state/store.js', {
    'node:fs/promises': { ...fake, default: fake },
  })
  const dir = t.testdir()
  const store = new MockedStore(dir)
  await store.load()
  const p1 = store.update(addNet('aaaa000000000000', 'one'))
  const p2 = store.update(addNet('bbbb000000000000', 'two'))
  await t.rejects(p1, { code: 'EIO' })
  const second = await p2
  t.equal(failures, -1, 'both writes were attempted, the first failed')
  t.equal(store.state, second)
  t.strictSame(second.networks.map(n => n.name), ['one', 'two'])
  t.strictSame(await new StateStore(dir).load(), second)
})

tap.test('writeFileAtomic replaces a file whole', async t => {
  const dir = t.testdir({ 'f.json': 'old' })
  await writeFileAtomic(path.join(dir, 'f.json'), 'new')
  t.equal(fs.readFileSync(path.join(dir, 'f.json'), 'utf8'), 'new')
  t.strictSame(fs.readdirSync(dir), ['f.json'])
  await t.rejects(writeFileAtomic(path.join(dir, 'no', 'f.json'), 'x'), { code: 'ENOENT' })
})
