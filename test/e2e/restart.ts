// A daemon restart keeps the sandboxes reachable and the state intact; at
// start, berth-owned leftovers the state does not know are removed (and
// nothing that is not berth's), and missing pieces are re-created.
import t from 'tap'
import { OUTSIDE_IP, cannotRun, sh, world } from '../helpers/world.js'

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
