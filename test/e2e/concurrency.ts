// Many requests at once: no duplicate addresses or names, no request lost,
// and removals cannot race with attachments.
import t from 'tap'
import { cannotRun, world } from '../helpers/world.js'

const skip = cannotRun()
if (skip) t.plan(0, skip)

t.test('parallel runs get distinct addresses and all work', async t => {
  const w = await world(t)
  await w.ok(['network', 'create', '--subnet', '10.90.0.0/24', 'busy'])
  const names = Array.from({ length: 12 }, (_, i) => `p${i}`)
  const results = await Promise.all(names.map(n => w.cli(['run', '-d', '--name', n, '--network', 'busy', '--', 'sleep', '300'])))
  t.same(results.map(r => r.code), names.map(() => 0), `all runs succeed: ${results.map(r => r.stderr).join('')}`)
  const ips = await Promise.all(names.map(async n => JSON.parse(await w.ok(['inspect', n]))[0].NetworkSettings.Networks.busy.IPAddress as string))
  t.equal(new Set(ips).size, names.length, 'no address handed out twice')
  t.same([...ips].sort((a, b) => Number(a.split('.')[3]) - Number(b.split('.')[3])), names.map((_, i) => `10.90.0.${i + 2}`), 'the lowest addresses, each once')
  const pings = await Promise.all(ips.map(ip => w.ping(w.ns('p0'), ip)))
  t.same(pings, ips.map(() => true), 'every container answers')
  const dup = await Promise.all([0, 1, 2].map(() => w.cli(['create', '--name', 'twin', '--network', 'busy'])))
  t.equal(dup.filter(r => r.code === 0).length, 1, 'one of three same-name creates wins')
  t.equal(dup.filter(r => /already in use/.test(r.stderr)).length, 2, 'the others get the name conflict')
  const removed = await Promise.all(names.map(n => w.cli(['rm', '-f', n])))
  t.same(removed.map(r => r.code), names.map(() => 0), 'parallel removals succeed')
  t.same(w.ipJson<{ ifname: string }[]>(w.host, ['link']).filter(l => l.ifname.startsWith('veth')).length, 1, 'only twin\'s veth is left')
})

t.test('prune and disconnect cannot race attachments', async t => {
  const w = await world(t)
  for (let i = 0; i < 5; i++) await w.ok(['network', 'create', `n${i}`])
  const [pruned, joined] = await Promise.all([
    w.cli(['network', 'prune']),
    new Promise(r => setTimeout(r, 15)).then(() => w.cli(['run', '-d', '--name', 'late', '--network', 'n4', '--', 'sleep', '300'])),
  ])
  t.equal(pruned.code, 0)
  if (joined.code === 0) {
    t.notMatch(pruned.stdout, /\bn4\b/, 'a network a container joined is not pruned')
    t.ok(await w.ping(w.ns('late'), JSON.parse(await w.ok(['inspect', 'late']))[0].NetworkSettings.Networks.n4.Gateway), 'and it works')
  } else {
    t.match(joined.stderr, /network n4 not found/, 'or the network was gone first')
  }
  await w.ok(['network', 'create', '--subnet', '10.91.0.0/24', 'dn'])
  const [created, disconnected] = await Promise.all([
    w.cli(['create', '--name', 'racer', '--network', 'dn']),
    new Promise(r => setTimeout(r, 5)).then(() => w.cli(['network', 'disconnect', 'dn', 'racer'])),
  ])
  t.equal(created.code, 0)
  const nets = JSON.parse(await w.ok(['inspect', 'racer']))[0].NetworkSettings.Networks
  const links = w.ipJson<{ ifname: string }[]>(w.ns('racer'), ['link']).map(l => l.ifname).sort()
  if (disconnected.code === 0) t.same([Object.keys(nets), links], [[], ['lo']], 'disconnected: state and kernel agree')
  else t.same([Object.keys(nets), links], [['dn'], ['eth0', 'lo']], 'not yet created when disconnect came: state and kernel agree')
})
