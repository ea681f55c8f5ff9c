// systemd's readiness protocol (Type=notify), against a stand-in for
// systemd's notification socket: READY=1 only once the API accepts
// connections, RELOADING=1 … READY=1 around SIGHUP, STOPPING=1 on SIGTERM;
// NOTIFY_SOCKET is not passed on to containers; no NOTIFY_SOCKET, no noise.
import path from 'node:path'
import t from 'tap'
import { listenNotify } from '../helpers/notify-listener.js'
import { cannotRun, world } from '../helpers/world.js'

const skip = cannotRun()
if (skip) t.plan(0, skip)

t.test('READY, RELOADING/READY and STOPPING, in order', async t => {
  const w = await world(t, { start: false })
  const address = path.join(w.dir, 'notify.sock')
  const n = await listenNotify(t, address, { probe: w.socket })
  await w.start([], { NOTIFY_SOCKET: address })
  const ready = await n.waitFor(m => m.fields.READY === '1')
  t.equal(n.received[0], ready, 'READY=1 is the first notification')
  t.equal(ready.api, true, 'the API socket accepted connections when READY=1 arrived')
  t.equal(ready.fields.MAINPID, String(w.daemonPid), 'MAINPID is berthd')
  t.equal(ready.fields.STATUS, `serving on ${w.socket}`)
  t.match(w.daemonLog(), /berthd ready/, 'startup (reconciliation included) had finished')

  await w.ok(['run', '-d', '--name', 'envc', '--', 'sh', '-c', 'echo "notify=${NOTIFY_SOCKET:-unset}"; sleep 300'])
  let logs = ''
  for (let i = 0; i < 50 && !logs; i++) {
    logs = await w.ok(['logs', 'envc'])
    if (!logs) await new Promise(r => setTimeout(r, 100))
  }
  t.equal(logs, 'notify=unset', 'a container process does not inherit NOTIFY_SOCKET')
  t.equal(await w.ok(['exec', 'envc', '--', 'sh', '-c', 'echo "notify=${NOTIFY_SOCKET:-unset}"']), 'notify=unset', 'nor does an exec')

  const before = n.received.length
  w.signal('SIGHUP')
  const reloading = await n.waitFor(m => m.fields.RELOADING === '1', before)
  t.match(reloading.fields.MONOTONIC_USEC, /^\d+$/, 'RELOADING=1 carries MONOTONIC_USEC')
  const reloaded = await n.waitFor(m => m.fields.READY === '1', before)
  t.ok(n.received.indexOf(reloaded) > n.received.indexOf(reloading), 'READY=1 follows RELOADING=1')
  t.match(reloaded.fields.STATUS, /^configuration reloaded \(no change\)$/)
  t.equal((await w.cli(['network', 'ls'])).code, 0, 'still serving after the reload')

  const beforeStop = n.received.length
  t.equal(await w.stop('SIGTERM'), 0, 'berthd exits 0 on SIGTERM')
  const stopping = await n.waitFor(m => m.fields.STOPPING === '1', beforeStop)
  t.equal(n.received.indexOf(stopping), beforeStop, 'STOPPING=1 comes first when stopping')
  t.match(stopping.fields.STATUS, /stopping/)
  t.equal(n.received.length, beforeStop + 1, 'nothing after STOPPING=1')
})

t.test('an abstract NOTIFY_SOCKET (@name) works, in berthd\'s netns', async t => {
  const w = await world(t, { start: false })
  // The abstract namespace belongs to a netns: listen where berthd runs.
  const address = `@berth-test-${w.id}-notify`
  const n = await listenNotify(t, address, { netns: w.host })
  await w.start([], { NOTIFY_SOCKET: address })
  const ready = await n.waitFor(m => m.fields.READY === '1')
  t.equal(ready.fields.MAINPID, String(w.daemonPid))
  t.equal(await w.stop(), 0)
  await n.waitFor(m => m.fields.STOPPING === '1')
})

t.test('a NOTIFY_SOCKET nobody listens on is logged, and berthd serves anyway', async t => {
  const w = await world(t, { start: false })
  await w.start([], { NOTIFY_SOCKET: path.join(w.dir, 'nobody.sock') })
  t.match(w.daemonLog(), /could not notify the service manager: sendto .*nobody\.sock: No such file or directory/)
  t.equal(await w.stop(), 0)
})

t.test('without NOTIFY_SOCKET nothing is sent and nothing is logged about it', async t => {
  const w = await world(t, { start: false })
  await w.start([], { NOTIFY_SOCKET: '' })
  t.notMatch(w.daemonLog(), /notify/)
  t.equal(await w.stop(), 0)
})
