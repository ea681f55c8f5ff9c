/**
 * StateStore: updates are persisted before they resolve (state.json and one
 * file per container), and an update whose write fails is forgotten in
 * memory too.
 */
import fs from 'node:fs'
import realFsp from 'node:fs/promises'
import path from 'node:path'
import tap from 'tap'
import type { Container, Network, State } from '../../../src/model/types.js'
import { emptyState, serializeContainer, serializeStateFile } from '../../../src/state/schema.js'
import { StateStore, writeFileAtomic } from '../../../src/state/store.js'
import { NETWORK_DEFAULTS } from '../fixtures/network.js'

const net = (id: string, name: string): Network => ({
  id,
  name,
  driver: 'bridge',
  created: '2026-01-01T00:00:00.000Z',
  subnet: '172.18.0.0/16',
  gateway: '172.18.0.1',
  userSubnet: false,
  bridge: `br-${id.slice(0, 12)}`,
  ...NETWORK_DEFAULTS,
})
const addNet = (id: string, name: string) => (s: State): State => ({ ...s, networks: [...s.networks, net(id, name)], poolCursor: s.poolCursor + 1 })
const ctr = (id: string, name: string): Container => ({
  id,
  name,
  hostname: name,
  created: '2026-01-01T00:00:00.000Z',
  mode: 'bridge',
  netns: `berth-${name}`,
  cmd: [],
  endpoints: [],
  ports: [{ proto: 'tcp', containerPort: 80, hostIp: '0.0.0.0', hostPort: 8080, requested: { hostIp: '', hostPort: '8080' } }],
  links: [],
  nextIfIndex: 0,
  process: { status: 'created' },
  status: 'ready',
})
const addCtr = (c: Container) => (s: State): State => ({ ...s, containers: [...s.containers, c] })
const configOf = (dir: string, id: string) => path.join(dir, 'containers', id, 'config.json')

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
  t.equal(fs.readFileSync(path.join(dir, 'state.json'), 'utf8'), serializeStateFile(next))
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

tap.test('each container has its own file; state.json holds the rest', async t => {
  const dir = t.testdir()
  const store = new StateStore(dir)
  await store.load()
  await store.update(addNet('aaaa000000000000', 'one'))
  const a = ctr('c1aaaaaaaaaa', 'web')
  const b = ctr('c2bbbbbbbbbb', 'db')
  const st = await store.update(s => addCtr(b)(addCtr(a)(s)))
  t.equal(fs.readFileSync(configOf(dir, a.id), 'utf8'), serializeContainer(a))
  t.equal(fs.readFileSync(configOf(dir, b.id), 'utf8'), serializeContainer(b))
  t.equal(fs.statSync(configOf(dir, a.id)).mode & 0o777, 0o600, 'readable by root only')
  t.notOk('containers' in JSON.parse(fs.readFileSync(path.join(dir, 'state.json'), 'utf8')))
  t.strictSame(fs.readdirSync(path.join(dir, 'containers')).sort(), [a.id, b.id])
  const reloaded = await new StateStore(dir).load()
  t.strictSame(reloaded.networks, st.networks)
  t.strictSame([...reloaded.containers].sort((x, y) => x.id.localeCompare(y.id)), [a, b], 'a new store assembles them')
})

tap.test('only the files of what changed are written; a removed container’s file goes', async t => {
  const dir = t.testdir()
  const store = new StateStore(dir)
  await store.load()
  const a = ctr('c1aaaaaaaaaa', 'web')
  const b = ctr('c2bbbbbbbbbb', 'db')
  await store.update(s => addCtr(b)(addCtr(a)(s)))
  fs.writeFileSync(configOf(dir, a.id), 'marker: not rewritten')
  await store.update(s => ({ ...s, containers: s.containers.map(c => (c.id === b.id ? { ...c, hostname: 'changed' } : c)) }))
  t.equal(fs.readFileSync(configOf(dir, a.id), 'utf8'), 'marker: not rewritten', 'an unchanged container is not written')
  t.equal(JSON.parse(fs.readFileSync(configOf(dir, b.id), 'utf8')).hostname, 'changed', 'a changed one is')
  fs.writeFileSync(path.join(dir, 'state.json'), 'marker')
  await store.update(s => ({ ...s, containers: s.containers.filter(c => c.id !== b.id) }))
  t.notOk(fs.existsSync(configOf(dir, b.id)), 'removed with its container')
  t.equal(fs.readFileSync(path.join(dir, 'state.json'), 'utf8'), 'marker', 'state.json unchanged: not rewritten')
})

tap.test('a version 1 state.json (containers inside) is moved to the current layout on load', async t => {
  const a = ctr('c1aaaaaaaaaa', 'web')
  const v1 = { version: 1, networks: [net('aaaa000000000000', 'one')], containers: [a], poolCursor: 3 }
  const dir = t.testdir({ 'state.json': JSON.stringify(v1) })
  const st = await new StateStore(dir).load()
  t.strictSame(st, { networks: v1.networks, containers: [a], poolCursor: 3 })
  const top = JSON.parse(fs.readFileSync(path.join(dir, 'state.json'), 'utf8'))
  t.equal(top.version, 2)
  t.notOk('containers' in top)
  t.strictSame(JSON.parse(fs.readFileSync(configOf(dir, a.id), 'utf8')), a)
  t.strictSame(await new StateStore(dir).load(), st, 'and reads back the same')
})

tap.test('a container directory without config.json (output only) is not a container', async t => {
  const dir = t.testdir({ 'state.json': serializeStateFile(emptyState()), containers: { deadbeef: { 'output.log': 'x' } } })
  t.strictSame(await new StateStore(dir).load(), emptyState())
})

