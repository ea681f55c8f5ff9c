// `berth system reset` removes every kernel object and file berth made —
// containers and their processes, networks of every kind, the default
// bridge, nft tables, berth's accepts in a foreign FORWARD chain, IPv4
// forwarding it turned on, /etc/netns files, state — and stops berthd:
// the host is as before berth ran (snapshot), foreign rules untouched.
import fs from 'node:fs'
import t from 'tap'
import { cannotRun, sh, world, type World } from '../helpers/world.js'
import { startWeb } from '../helpers/ports.js'

const skip = cannotRun()
if (skip) t.plan(0, skip)

/** The snapshot plus what only a reset goes back on. */
const hostState = (w: World) => ({
  ...w.snapshot(),
  ipForward: sh(['ip', 'netns', 'exec', w.host, 'sysctl', '-n', 'net.ipv4.ip_forward']).stdout.trim(),
  dataRoot: fs.existsSync(w.dataRoot),
  execRoot: fs.existsSync(w.execRoot),
})

const alive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

t.test('system reset: the host as before berth ran', async t => {
  const w = await world(t, { start: false })
  // A host firewall of its own (kept), where berth adds accepts (removed).
  const hostRules = 'table ip filter {\n  chain FORWARD { type filter hook forward priority 0; policy drop; }\n}\n'
  t.equal(sh(['ip', 'netns', 'exec', w.host, 'nft', '-f', '-'], hostRules).code, 0)
  const before = hostState(w)
  t.equal(before.ipForward, '0', 'a new netns does not forward')

  await w.start()
  await w.ok(['network', 'create', '--subnet', '10.63.0.0/24', 'one'])
  await w.ok(['network', 'create', '--internal', '-o', 'com.docker.network.bridge.enable_icc=false', 'two'])
  await startWeb(w, 'web', 'one', ['8080:80', '5353:90/udp'])
  await w.ok(['run', '-d', '--name', 'app', '--', 'sleep', '300'])
  await w.ok(['network', 'connect', 'two', 'app'])
  await w.ok(['run', '-d', '--name', 'side', '--network', 'container:app', '--', 'sleep', '300'])
  await w.ok(['run', '-d', '--name', 'lone', '--network', 'none', '--', 'sleep', '300'])
  await w.ok(['create', '--name', 'idle', '--network', 'one'])
  const pids = (JSON.parse(await w.ok(['inspect', 'web', 'app', 'side', 'lone'])) as { State: { Pid: number } }[]).map(c => c.State.Pid)
  t.ok(pids.every(p => p > 0 && alive(p)), 'container processes run')
  const during = hostState(w)
  t.not(JSON.stringify(during), JSON.stringify(before), 'the snapshot sees what berth made')
  t.equal(during.ipForward, '1', 'berth turned forwarding on')

  const no = await w.cli(['system', 'reset'], 'n\n')
  t.equal(no.code, 0)
  t.match(no.stderr, /Are you sure you want to continue\? \[y\/N\] Nothing was removed\./, 'asks first; "n" removes nothing')
  t.equal((await w.ok(['ps', '-a', '-q'])).split('\n').length, 5, 'every container is still there')

  const out = await w.ok(['system', 'reset', '--force'])
  for (const what of ['container web', 'container side', 'network one', 'network two', 'network bridge', 'nftables table inet berth', 'IPv4 forwarding']) {
    t.match(out, what, `reports: ${what}`)
  }
  t.match(out, /berthd is stopping\.$/)
  t.equal(await w.waitExit(), 0, 'berthd exits 0 after a reset')
  t.same(hostState(w), before, 'netns, links, addresses, routes, rules, files, forwarding and berth’s directories are as before')
  t.ok(pids.every(p => !alive(p)), 'container processes are gone')
  t.notOk(fs.existsSync(`/run/lock/berth-netns-${w.prefix}.pid`), 'the netns-prefix lock is released')

  // And berth starts from scratch again.
  await w.start()
  const names = (await w.ok(['network', 'ls'])).split('\n').slice(1).map(l => l.split(/\s+/)[1]).sort()
  t.same(names, ['bridge', 'host', 'none'], 'only the predefined networks')
  t.equal(await w.ok(['ps', '-a', '-q']), '', 'no containers')
})
