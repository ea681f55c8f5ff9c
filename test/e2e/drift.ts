// Drift: another program changes berth's firewall (`nft flush ruleset`, a
// deleted table, a flushed chain, a removed map element, a foreign rule in
// berth's chain, berth's accept removed from FORWARD) — berthd notices and
// restores it within a second; other programs' tables are left alone.
// `berth system reconcile` repairs kernel objects on demand and says what.
import t, { type Test } from 'tap'
import { HOST_IP, OUTSIDE_IP, cannotRun, sh, world, type World } from '../helpers/world.js'
import { answer, startWeb } from '../helpers/ports.js'
import { digShort } from '../helpers/dns.js'

const skip = cannotRun()
if (skip) t.plan(0, skip)

/** Everything berth keeps in the host netns's nftables, counters masked. */
const berthRules = (w: World) =>
  ['inet berth', 'ip filter']
    .map(table => sh(['ip', 'netns', 'exec', w.host, 'nft', 'list', 'table', ...table.split(' ')]).stdout)
    .join('')
    .replace(/packets \d+ bytes \d+/g, 'packets N bytes N')
    // handles are renumbered on re-creation, not part of the meaning
    .replace(/ # handle \d+/g, '')

/** The host's own firewall: iptables-nft's FORWARD with policy drop, as Docker leaves it. */
const HOST_RULES = 'table ip filter {\n  chain FORWARD { type filter hook forward priority 0; policy drop; }\n}\n'

const nft = (w: World, ...args: string[]) => must(sh(['ip', 'netns', 'exec', w.host, 'nft', ...args]), args)

/** Loads the host's rules in one transaction, after `prefix` (e.g. a flush). */
const loadHostRules = (w: World, prefix = '') => must(sh(['ip', 'netns', 'exec', w.host, 'nft', '-f', '-'], prefix + HOST_RULES), ['-f', '-'])

const must = (r: { code: number; stderr: string }, args: string[]) => {
  if (r.code !== 0) throw new Error(`nft ${args.join(' ')}: ${r.stderr}`)
}

/** Waits until `berthRules` equals `want`; the milliseconds it took, or undefined after 5 s. */
const restored = async (w: World, want: string): Promise<number | undefined> => {
  const start = Date.now()
  while (Date.now() - start < 5000) {
    if (berthRules(w) === want) return Date.now() - start
    await new Promise(r => setTimeout(r, 20))
  }
  return undefined
}

const damages: [string, (w: World) => void][] = [
  // What `systemctl reload nftables` does: one transaction that flushes everything and loads the host's rules.
  ['nftables.service reload (flush ruleset + the host’s rules)', w => loadHostRules(w, 'flush ruleset\n')],
  ['nft delete table inet berth', w => nft(w, 'delete', 'table', 'inet', 'berth')],
  ['nft flush chain (berth forward)', w => nft(w, 'flush', 'chain', 'inet', 'berth', 'forward')],
  ['a published port’s map element deleted', w => nft(w, 'flush', 'map', 'inet', 'berth', 'pub_any_port')],
  ['a foreign rule added to berth’s chain', w => nft(w, 'insert', 'rule', 'inet', 'berth', 'forward', 'accept')],
  ['berth’s accept deleted from FORWARD', w => nft(w, 'flush', 'chain', 'ip', 'filter', 'FORWARD')],
]

t.test('berth’s firewall is restored within a second after others change it', async (t: Test) => {
  const w = await world(t, { start: false })
  // berth adds its accepts to the host's FORWARD chain.
  loadHostRules(w)
  await w.start()
  await w.ok(['network', 'create', '--subnet', '10.61.0.0/24', 'dr'])
  await startWeb(w, 'web', 'dr', ['8080:80'])
  t.equal(await answer(w, w.outside, HOST_IP, 8080), OUTSIDE_IP, 'the published port works')
  const want = berthRules(w)
  t.match(want, /berth: traffic from br-/, 'the accepts are in FORWARD')
  for (const [what, damage] of damages) {
    damage(w)
    const ms = await restored(w, want)
    t.ok(ms !== undefined && ms < 1000, `${what}: restored in ${ms ?? '> 5000'} ms`)
    if (ms === undefined) t.equal(berthRules(w), want, `${what}: the difference`, { log: w.daemonLog().split('\n').slice(-15).join('\n') })
  }
  t.equal(await answer(w, w.outside, HOST_IP, 8080), OUTSIDE_IP, 'the published port works again')
  t.ok(await w.ping(w.ns('web'), OUTSIDE_IP), 'outbound works again')
  t.match(w.daemonLog(), /firewall changed by another program; restored/, 'the repair is logged')

  // Other programs' tables are theirs: a new one is left alone and nothing of berth's moves.
  nft(w, 'add', 'table', 'inet', 'other')
  nft(w, 'add', 'chain', 'inet', 'other', 'c')
  await new Promise(r => setTimeout(r, 400))
  t.equal(sh(['ip', 'netns', 'exec', w.host, 'nft', 'list', 'table', 'inet', 'other']).code, 0, 'a foreign table stays')
  t.equal(berthRules(w), want, 'berth’s rules are unchanged')
  t.equal(await w.ok(['system', 'reconcile']), 'Nothing to repair.', 'on-demand reconcile finds nothing wrong')
})

t.test('berth system reconcile re-creates deleted kernel objects and says what it repaired', async (t: Test) => {
  const w = await world(t)
  await w.ok(['network', 'create', '--subnet', '10.62.0.0/24', 'rc'])
  await w.ok(['run', '-d', '--name', 'ca', '--network', 'rc', '--', 'sleep', '300'])
  await w.ok(['run', '-d', '--name', 'cb', '--network', 'rc', '--', 'sleep', '300'])
  const inspect = JSON.parse(await w.ok(['inspect', 'ca', 'cb'])) as any[]
  const [a, b] = inspect.map(c => c.NetworkSettings.Networks.rc)
  const bridge = (JSON.parse(await w.ok(['network', 'inspect', 'rc']))[0].Options as Record<string, string>)['com.docker.network.bridge.name'] as string
  t.ok(await w.ping(w.ns('ca'), b.IPAddress), 'a reaches b')
  t.equal(await w.ok(['system', 'reconcile']), 'Nothing to repair.')

  // Someone deletes a's veth and the network's bridge.
  sh(['ip', '-n', w.host, 'link', 'del', `veth${String(a.EndpointID).slice(0, 7)}`])
  sh(['ip', '-n', w.host, 'link', 'del', bridge])
  t.notOk(await w.ping(w.ns('cb'), b.Gateway), 'b lost its gateway')
  const out = await w.ok(['system', 'reconcile'])
  t.match(out, /^Repaired:\n/, 'it says it repaired')
  t.match(out, new RegExp(`re-created bridge ${bridge} of network rc`), 'the bridge')
  t.match(out, /re-created sandbox pieces of container ca/, 'a’s endpoint')
  const eth0 = w.ipJson<{ address: string; addr_info: { local: string }[] }[]>(w.ns('ca'), ['addr', 'show', 'eth0'])[0]
  t.equal(eth0?.addr_info[0]?.local, a.IPAddress, 'a has its address again')
  t.equal(eth0?.address, a.MacAddress, 'and its MAC')
  t.ok(await w.ping(w.ns('ca'), b.IPAddress), 'a reaches b again')
  t.ok(await w.ping(w.ns('cb'), OUTSIDE_IP), 'b reaches the outside again')
  t.equal(await w.ok(['system', 'reconcile']), 'Nothing to repair.', 'a second run finds nothing')

  // Someone deletes ca's whole netns: a new one, with its address and its DNS.
  t.same(await digShort(w, 'ca', 'cb'), [b.IPAddress], 'DNS works before')
  sh(['ip', 'netns', 'del', w.ns('ca')])
  const again = await w.ok(['system', 'reconcile'])
  t.match(again, /re-created sandbox pieces of container ca/)
  t.match(again, /container ca: its process \(pid \d+\) still runs in the deleted network namespace/, 'and says what it cannot repair')
  t.ok(await w.ping(w.ns('ca'), b.IPAddress), 'the new netns reaches cb')
  t.same(await digShort(w, 'ca', 'cb'), [b.IPAddress], 'and has the embedded DNS again')
})
