// A daemon restart keeps the sandboxes reachable and the state intact; at
// start, berth-owned leftovers the state does not know are removed (and
// nothing that is not berth's), and missing pieces are re-created.
import t from 'tap'
import { OUTSIDE_IP, cannotRun, run, sh, world } from '../helpers/world.js'

const skip = cannotRun()
if (skip) t.plan(0, skip)

t.test('restart keeps everything and repairs what is missing', async t => {
  const w = await world(t)
  await w.ok(['network', 'create', '--subnet', '10.60.0.0/24', 'keep'])
  await w.ok(['run', '-d', '--name', 'k1', '--network', 'keep', '--', 'sleep', '300'])
  await w.ok(['run', '-d', '--name', 'k2', '--network', 'keep', '--', 'sleep', '300'])
  await w.ok(['run', '-d', '--name', 'brief', '--network', 'keep', '--', 'sleep', '1'])
  const inspectBefore = JSON.parse(await w.ok(['inspect', 'k1', 'k2']))
  const netBefore = JSON.parse(await w.ok(['network', 'inspect', 'keep']))

  await w.stop()
  t.ok(await w.ping(w.ns('k1'), '10.60.0.3'), 'the data plane stays up while berthd is down')
  t.ok(await w.ping(w.ns('k2'), OUTSIDE_IP), 'outbound NAT stays up while berthd is down')
  await new Promise(r => setTimeout(r, 1200)) // `brief` exits while nobody watches

  // Leftovers: berth-owned (alias berth:…) and foreign look-alikes.
  const ip = (...a: string[]) => t.equal(sh(['ip', ...a]).code, 0, `ip ${a.join(' ')}`)
  ip('netns', 'add', w.ns('ghost'))
  ip('-n', w.ns('ghost'), 'link', 'set', 'lo', 'alias', 'berth:0000ghost')
  ip('netns', 'add', w.ns('foreign'))
  ip('-n', w.host, 'link', 'add', 'br-ghost', 'type', 'bridge')
  ip('-n', w.host, 'link', 'set', 'br-ghost', 'alias', 'berth:1111ghost')
  ip('-n', w.host, 'link', 'add', 'br-foreign', 'type', 'bridge')
  // Missing pieces: k2's host veth and the whole nft table.
  const k2veth = `veth${(inspectBefore[1].NetworkSettings.Networks.keep.EndpointID as string).slice(0, 7)}`
  ip('-n', w.host, 'link', 'del', k2veth)
  t.equal(sh(['ip', 'netns', 'exec', w.host, 'nft', 'delete', 'table', 'inet', 'berth']).code, 0, 'table deleted behind berth\'s back')
  t.notOk(await w.ping(w.ns('k1'), '10.60.0.3'), 'k2 is cut off')

  await w.start()
  t.same(JSON.parse(await w.ok(['inspect', 'k1', 'k2'])), inspectBefore, 'containers are unchanged, same pids')
  t.same(JSON.parse(await w.ok(['network', 'inspect', 'keep'])), netBefore, 'the network is unchanged')
  t.ok(await w.ping(w.ns('k1'), '10.60.0.3'), 'k2 is reachable again (veth re-created)')
  t.ok(await w.ping(w.ns('k2'), OUTSIDE_IP), 'NAT is back (table re-applied)')
  t.match(await w.ok(['ps', '-a']), /brief\s+"sleep 1".*Exited \(0\)/, 'an exit while berthd was down is recorded')

  const netns = sh(['ip', 'netns', 'list']).stdout
  t.notMatch(netns, w.ns('ghost'), 'a berth-owned netns unknown to the state is removed')
  t.match(netns, w.ns('foreign'), 'a foreign netns with berth\'s prefix is left alone')
  const links = w.ipJson<{ ifname: string }[]>(w.host, ['link']).map(l => l.ifname)
  t.notOk(links.includes('br-ghost'), 'a berth-owned bridge unknown to the state is removed')
  t.ok(links.includes('br-foreign'), 'a foreign br-* bridge is left alone')
  t.match(w.daemonLog(), /removed leftover/, 'the repairs are logged')
})

t.test('a changed --bip/--bridge moves the default network when it is unused', async t => {
  const w = await world(t)
  await w.ok(['run', '-d', '--name', 'old', '--', 'sleep', '300'])
  await w.stop()
  await w.start(['--bip', '10.201.0.1/24'])
  t.match(w.daemonLog(), /keeps its old bridge and address.*|containers use it/, 'in use: kept, with a warning')
  t.ok(await w.ping(w.ns('old'), '172.17.0.1'), 'the old address still works for its container')
  await w.ok(['rm', '-f', 'old'])
  await w.stop()
  await w.start(['--bip', '10.201.0.1/24', '--bridge', 'berth9'])
  const addrs = w.ipJson<{ ifname: string; addr_info: { local: string; prefixlen: number }[] }[]>(w.host, ['-4', 'addr'])
  t.same(
    addrs.filter(a => a.ifname.startsWith('berth')).map(a => [a.ifname, a.addr_info.map(i => `${i.local}/${i.prefixlen}`)]),
    [['berth9', ['10.201.0.1/24']]],
    'only the new bridge with the new address',
  )
  await w.ok(['run', '-d', '--name', 'new', '--', 'sleep', '300'])
  const ip = JSON.parse(await w.ok(['inspect', 'new']))[0].NetworkSettings.IPAddress
  t.equal(ip, '10.201.0.2')
  t.ok(await w.ping(w.ns('new'), '10.201.0.1'), 'the new default network works')
})

t.test('a second daemon with the same netns prefix is refused', async t => {
  const a = await world(t)
  const b = await world(t, { start: false })
  const r = await run(['nsenter', `--net=/run/netns/${b.host}`, ...b.daemonArgv(['--netns-prefix', a.prefix])])
  t.equal(r.code, 1)
  t.match(r.stderr, new RegExp(`another berthd \\(pid \\d+\\) is running with netns prefix ${a.prefix}`))
  t.equal((await a.cli(['network', 'ls'])).code, 0, 'the first daemon is untouched')
})
