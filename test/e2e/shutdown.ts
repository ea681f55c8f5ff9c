// SIGTERM (`systemctl stop berthd`): the mutating requests in flight finish
// and are answered, berthd exits 0, and the data plane stays up untouched,
// so the next berthd adopts it as it is.
import fs from 'node:fs'
import t from 'tap'
import { type Run, cannotRun, world } from '../helpers/world.js'

const skip = cannotRun()
if (skip) t.plan(0, skip)

t.test('SIGTERM finishes the creates in flight, exits 0 and leaves everything up', async t => {
  const w = await world(t)
  await w.ok(['network', 'create', '--subnet', '10.61.0.0/24', 'keep'])
  const names = ['s1', 's2', 's3']
  const answered = new Set<string>()
  const creates = names.map(n =>
    w.cli(['create', '--name', n, '--network', 'keep', '--', 'sleep', '300']).then((r: Run) => {
      answered.add(n)
      return r
    }),
  )
  // Signal once every create is inside berthd, busy with the kernel: its
  // netns exists, yet (for some at least) no answer has come back.
  while (!names.every(n => fs.existsSync(`/run/netns/${w.ns(n)}`))) await new Promise(r => setImmediate(r))
  const inFlight = names.filter(n => !answered.has(n))
  const exit = w.stop('SIGTERM')
  t.ok(inFlight.length > 0, `requests were in flight when SIGTERM came (${inFlight.join(', ')})`)
  const results = await Promise.all(creates)
  for (const [i, r] of results.entries()) {
    t.equal(r.code, 0, `create ${names[i]} was answered with success: ${r.stderr.trim()}`)
    t.match(r.stdout, /^[0-9a-f]{64}\n$/, '… and its id')
  }
  t.equal(await exit, 0, 'berthd exited 0')
  t.match(w.daemonLog(), /"signal":"SIGTERM".*stopping; containers and their networks stay up/)

  // berthd is down: the sandboxes are complete and reachable.
  for (const n of names) {
    t.ok(fs.existsSync(`/run/netns/${w.ns(n)}`), `${n}: netns kept`)
    const eth0 = w.ipJson<{ ifname: string; operstate: string; addr_info: { local: string }[] }[]>(w.ns(n), ['-4', 'addr', 'show', 'eth0'])
    t.match(eth0[0]?.addr_info[0]?.local, /^10\.61\.0\.\d+$/, `${n}: eth0 has its address`)
    t.ok(await w.ping(w.ns(n), '10.61.0.1'), `${n}: the gateway answers while berthd is down`)
  }
  const down = w.snapshot()

  const logBefore = w.daemonLog().length
  await w.start()
  t.same(w.snapshot(), down, 'the next berthd adopts everything without a change')
  t.notMatch(w.daemonLog().slice(logBefore), /removed leftover|re-created bridge|could not repair/, 'nothing half-done was found')
  const inspected = JSON.parse(await w.ok(['inspect', ...names])) as { Name: string; NetworkSettings: { Networks: { keep: { IPAddress: string } } } }[]
  t.same(inspected.map(c => c.Name).sort(), names.map(n => `/${n}`), 'the state has every container the clients were told about')
  await w.ok(['start', 's1'])
  const s2ip = inspected.find(c => c.Name === '/s2')?.NetworkSettings.Networks.keep.IPAddress ?? ''
  t.ok(await w.ping(w.ns('s1'), s2ip), 'and they work as before')
})
