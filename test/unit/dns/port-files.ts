import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import t from 'tap'
import { DnsPortFiles, netnsInode } from '../../../src/dns/port-files.js'

const files = (t: { teardown(fn: () => unknown): void }) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-dnsports-'))
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }))
  return { dir: path.join(dir, 'dns'), f: new DnsPortFiles(path.join(dir, 'dns')) }
}

t.test('write, read back, remove', async t => {
  const { dir, f } = files(t)
  t.equal(f.read('a'), undefined, 'nothing recorded yet (no directory)')
  f.write('a', { netnsIno: 4026532000, udp: 40001, tcp: 40002 })
  t.same(f.read('a'), { netnsIno: 4026532000, udp: 40001, tcp: 40002 })
  f.write('a', { netnsIno: 4026532001, udp: 40003, tcp: 40004 })
  t.same(f.read('a'), { netnsIno: 4026532001, udp: 40003, tcp: 40004 }, 'a rewrite replaces the record')
  f.remove('a')
  t.equal(f.read('a'), undefined, 'removed')
  t.doesNotThrow(() => f.remove('a'), 'removing a missing record is fine')
  f.write('b', { netnsIno: 1, udp: 2, tcp: 3 })
  f.removeDirIfEmpty()
  t.same(f.read('b'), { netnsIno: 1, udp: 2, tcp: 3 }, 'a directory with records stays')
  f.remove('b')
  f.removeDirIfEmpty()
  t.notOk(fs.existsSync(dir), 'an empty one goes')
  t.doesNotThrow(() => f.removeDirIfEmpty(), 'a missing one is fine')
})

t.test('a damaged record reads as none (the slow path, never wrong ports)', async t => {
  const { dir, f } = files(t)
  f.write('x', { netnsIno: 1, udp: 1, tcp: 1 })
  for (const bad of ['{', '{"netnsIno":1,"udp":0,"tcp":53}', '{"netnsIno":1,"udp":70000,"tcp":53}', '{"udp":53,"tcp":53}', '']) {
    fs.writeFileSync(path.join(dir, 'x'), bad)
    t.equal(f.read('x'), undefined, JSON.stringify(bad))
  }
})

t.test('prune keeps the records of known containers only', async t => {
  const { dir, f } = files(t)
  for (const id of ['keep', 'gone1', 'gone2']) f.write(id, { netnsIno: 1, udp: 2, tcp: 3 })
  f.prune(new Set(['keep', 'other']))
  t.same(fs.readdirSync(dir), ['keep'])
  const empty = files(t)
  t.doesNotThrow(() => empty.f.prune(new Set()), 'no directory yet: nothing to prune')
})

t.test('netnsInode identifies a file by its inode', async t => {
  const { dir } = files(t)
  fs.mkdirSync(dir)
  const a = path.join(dir, 'a')
  fs.writeFileSync(a, '')
  t.equal(netnsInode(a), fs.statSync(a).ino)
})
