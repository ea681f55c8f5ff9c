/**
 * FirewallGuard over a stand-in kernel: a foreign commit to a watched table
 * leads to one check and a restore when berth's table drifted; commits to
 * other tables do nothing; a check waiting while a reset runs does nothing
 * once the guard is closed; restores that keep recurring back off.
 */
import tap from 'tap'
import type { NftCommit } from '../../../src/kernel/nft-monitor.js'
import type { Op } from '../../../src/plan/ops.js'
import { FirewallGuard } from '../../../src/service/firewall-guard.js'
import { KeyedLock } from '../../../src/service/locks.js'
import { emptyState } from '../../../src/state/schema.js'
import type { ServiceContext } from '../../../src/service/context.js'

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms))

/** A guard whose kernel never has berth's table (every check finds drift) and records what it applies. */
const rig = () => {
  const applied: Op[] = []
  const errors: string[] = []
  let onCommit: ((c: NftCommit) => void) | undefined
  let listings = 0
  const locks = new KeyedLock()
  const ctx = {
    store: { state: { ...emptyState(), forwardingByBerth: true } },
    locks,
    log: { debug() {}, warn() {}, error: (_o: unknown, m: string) => void errors.push(m) },
    kernel: {
      watchNftables: (cb: (c: NftCommit) => void) => {
        onCommit = cb
        return { close() {} }
      },
      listNftTable: async () => {
        listings++
        return undefined
      },
      nftTableExists: async () => false,
      session: () => ({ apply: async (op: Op) => void applied.push(op), release() {} }),
    },
  } as unknown as ServiceContext
  const guard = new FirewallGuard(ctx)
  const commit = (tables: string[]) => onCommit?.({ tables: new Set(tables), pid: 4242, process: 'nft' })
  return { guard, applied, errors, locks, commit, listings: () => listings }
}

tap.test('a foreign commit to berth’s table: one check after the burst, and a restore', async t => {
  const r = rig()
  t.strictSame(await r.guard.drift(), ['table inet berth missing'])
  r.guard.watch()
  await sleep(250) // the check watching starts with
  const first = r.applied.length
  t.ok(first > 0, 'the initial check restored the missing table')
  for (let i = 0; i < 5; i++) r.commit(['inet berth'])
  await sleep(250)
  t.equal(r.applied.filter(op => op.kind === 'nft.apply').length, 2, 'a burst of 5 commits: one more restore')
  const listed = r.listings()
  r.commit(['inet other'])
  r.commit(['ip nat'])
  await sleep(250)
  t.equal(r.listings(), listed, 'commits to other tables: no check at all')
  r.guard.close()
})

tap.test('a check waiting for the lock while a reset runs does nothing once closed', async t => {
  const r = rig()
  r.guard.watch()
  await sleep(250)
  const before = r.applied.length
  r.commit(['ip filter'])
  await sleep(50)
  await r.locks.exclusive(async () => {
    await sleep(200) // the check is due now, and waits for the lock
    r.guard.close()
  })
  await sleep(300)
  t.equal(r.applied.length, before, 'nothing applied after the reset')
  r.commit(['inet berth'])
  await sleep(250)
  t.equal(r.applied.length, before, 'nor on later commits')
})

tap.test('restores that keep recurring back off, and say so', async t => {
  const r = rig()
  r.guard.watch()
  const times: number[] = []
  const start = Date.now()
  // Another enforcer: it changes the table back after every restore.
  while (Date.now() - start < 4000) {
    const n = r.applied.length
    r.commit(['inet berth'])
    await sleep(20)
    if (r.applied.length > n) times.push(Date.now())
  }
  r.guard.close()
  const restores = r.applied.filter(op => op.kind === 'nft.apply').length
  t.ok(restores > 10 && restores < 25, `a fight at 50 Hz makes ${restores} restores in 4 s, not hundreds`)
  t.ok(r.errors.some(m => /keeps changing berth’s firewall back/.test(m)), 'and logs why it checks less often')
})
